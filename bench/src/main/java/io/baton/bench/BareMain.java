package io.baton.bench;

/** A main that prints and exits: the JVM's own start, the baseline an executor's restart is measured against. */
public final class BareMain {
    private BareMain() {
    }

    public static void main(String[] args) {
        System.out.println("bare JVM up");
    }
}
