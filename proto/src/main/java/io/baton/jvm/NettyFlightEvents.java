package io.baton.jvm;

/**
 * Whether Netty 4.2's buffer allocator emits its flight-recorder events ({@code io.netty.jfr.enabled}), decided
 * before Netty reads the property. The first allocator event in a JVM has JFR set its event metadata up: about
 * 140 ms of a restarted executor's path to its subscription (its first frame's buffer), and a slower start for
 * every Baton JVM, for events nobody records. So unless the property is set, they are turned off when no flight
 * recording runs from the JVM's start ({@code -XX:StartFlightRecording}); with one, they stay on. A recording
 * started later ({@code jcmd JFR.start}) does not see them: start the JVM with {@code -Dio.netty.jfr.enabled=true}
 * for that.
 *
 * <p>Call {@link #decide()} before anything uses Netty (Baton's executor connection, framework client and shim do it
 * in their static initialisers); later calls change nothing.
 */
public final class NettyFlightEvents {
    /** Netty's own switch (read once, when its {@code PlatformDependent} class initialises). */
    public static final String PROPERTY = "io.netty.jfr.enabled";

    private NettyFlightEvents() {
    }

    /** Sets {@link #PROPERTY} as {@link #choose} says, unless it is set already; returns its value. */
    public static synchronized String decide() {
        String set = System.getProperty(PROPERTY);
        if (set != null) {
            return set;
        }
        String chosen = choose(null, RecordingAtStart.running());
        System.setProperty(PROPERTY, chosen);
        return chosen;
    }

    /**
     * The value {@code io.netty.jfr.enabled} should have: as set ({@code set} not null), else on ("true") only when a
     * flight recording runs.
     */
    static String choose(String set, boolean recording) {
        if (set != null) {
            return set;
        }
        return recording ? "true" : "false";
    }

    /** Asks JFR without starting it: a recording from the JVM's start has it initialised before main. */
    private static final class RecordingAtStart {
        static boolean running() {
            if (ModuleLayer.boot().findModule("jdk.jfr").isEmpty()) {
                return false; // a runtime image without JFR: Netty finds none either
            }
            return jdk.jfr.FlightRecorder.isInitialized();
        }
    }
}
