package io.baton.cli.demo;

import java.io.PrintStream;

/** What the demo prints: step headers, explanations, live phases with elapsed times, results. */
final class Narrator {
    private final PrintStream out;
    private final long startNanos = System.nanoTime();

    Narrator(PrintStream out) {
        this.out = out;
    }

    void header(int n, String title) {
        out.println();
        out.println("── " + n + ". " + title + " " + "─".repeat(Math.max(3, 66 - title.length())));
    }

    void say(String text) {
        out.println("   " + text);
    }

    /** A live line: time since the demo started, then the text. */
    void live(String text) {
        out.printf("   %7.2fs  %s%n", (System.nanoTime() - startNanos) / 1e9, text);
        out.flush();
    }

    void result(boolean ok, String text) {
        out.println("   " + (ok ? "✔ " : "✘ ") + text);
        out.flush();
    }

    PrintStream out() {
        return out;
    }
}
