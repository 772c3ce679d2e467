package io.baton.bench.jmh;

/**
 * The root pom's {@code baton.jvm.flags} (Chronicle Queue on Java 17), one per constant, so every
 * benchmark's {@code @Fork(jvmArgsAppend = ...)} can name them. Keep in step with /pom.xml.
 */
final class JvmFlags {
    static final String F1 = "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED";
    static final String F2 = "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED";
    static final String F3 = "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED";
    static final String F4 = "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED";
    static final String F5 = "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED";
    static final String F6 = "--add-opens=java.base/java.lang=ALL-UNNAMED";
    static final String F7 = "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED";
    static final String F8 = "--add-opens=java.base/java.io=ALL-UNNAMED";
    static final String F9 = "--add-opens=java.base/java.util=ALL-UNNAMED";
    static final String F10 = "-Dchronicle.analytics.disable=true";
    static final String F11 = "-Dchronicle.announcer.disable=true";

    private JvmFlags() {
    }
}
