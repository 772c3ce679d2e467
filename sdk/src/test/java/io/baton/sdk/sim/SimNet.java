package io.baton.sdk.sim;

/**
 * The connections between the framework and the shim and between the executor and the shim. Each is a
 * stream (Unix socket or TCP): in order within one direction of one connection, so reordering happens
 * between connections and directions, never inside one. Every message is delayed; a dropped message
 * breaks its connection (as a lost segment that never arrives does, after the idle timeout), which
 * loses everything in flight on it and makes both ends notice; messages that the real code may see
 * twice (status updates and acknowledgements, which are resent) are sometimes duplicated.
 */
final class SimNet {
    /** One connection slot: its current connection's number, and the last delivery time per direction. */
    static final class Link {
        final String name;
        int epoch;
        boolean up;
        private long lastToShim;
        private long lastFromShim;

        Link(String name) {
            this.name = name;
        }
    }

    private final SimWorld w;
    final Link exec = new Link("exec");
    final Link fw = new Link("fw");
    SimShimProcess shim;
    SimExecutor executor;
    SimFramework framework;

    SimNet(SimWorld w) {
        this.w = w;
    }

    private boolean faulty() {
        return w.now() < w.faults.quietAfterUs() + SimWorldClock.START_US;
    }

    /**
     * Sends a message over the link's current connection. {@code duplicable}: the real protocol may
     * deliver it more than once (resends), so the network may too.
     */
    void send(Link l, boolean toShim, String what, boolean duplicable, Runnable deliver) {
        if (!l.up) {
            w.trace("net " + l.name + " not connected: " + what + " not sent");
            return;
        }
        int epoch = l.epoch;
        if (faulty() && w.chance(w.faults.dropPerMessage())) {
            w.trace("net " + l.name + " drops " + what + " and the connection breaks");
            reset(l, "connection broke (a message was lost)");
            return;
        }
        schedule(l, toShim, what, epoch, deliver);
        if (faulty() && duplicable && w.chance(w.faults.duplicatePerMessage())) {
            schedule(l, toShim, what + " (duplicate)", epoch, deliver);
        }
    }

    private void schedule(Link l, boolean toShim, String what, int epoch, Runnable deliver) {
        long delay = w.between(50, Math.max(50, faulty() ? w.faults.maxDelayUs() : 1_000));
        long at = Math.max(w.now() + delay, toShim ? l.lastToShim : l.lastFromShim);
        if (toShim) {
            l.lastToShim = at;
        } else {
            l.lastFromShim = at;
        }
        w.at(at, what, () -> {
            if (l.epoch != epoch || !l.up) {
                w.trace("net " + l.name + " lost in flight: " + what);
                return;
            }
            deliver.run();
        });
    }

    /** A client dials the shim; {@code onUp} runs when the connection is established. */
    void connect(Link l, Runnable onUp, Runnable onRefused) {
        w.after(w.between(100, 2_000), "connect " + l.name, () -> {
            if (!shim.up() || l.up) {
                onRefused.run();
                return;
            }
            l.up = true;
            l.epoch++;
            l.lastToShim = w.now();
            l.lastFromShim = w.now();
            w.trace("net " + l.name + " connected (#" + l.epoch + ")");
            onUp.run();
        });
    }

    /** The connection breaks: in-flight messages are lost and both ends learn of it (a little later). */
    void reset(Link l, String why) {
        if (!l.up) {
            return;
        }
        int dead = l.epoch;
        l.up = false;
        l.epoch++;
        w.trace("net " + l.name + " down: " + why);
        w.after(w.between(10, 500), "shim notices " + l.name + " down", () -> shim.linkDown(l, dead));
        w.after(w.between(10, 500), l.name + " client notices down", () -> {
            if (l == exec) {
                executor.disconnected(dead, why);
            } else {
                framework.disconnected(dead);
            }
        });
    }
}
