package io.baton.bench;

/** A main that prints and exits: the JVM's own start, the baseline an executor's restart is measured against. */
public final class BareMain {
    /** What it prints. */
    static final String LINE = "bare JVM up";

    private BareMain() {
    }

    public static void main(String[] args) {
        System.out.println(LINE);
    }
}
