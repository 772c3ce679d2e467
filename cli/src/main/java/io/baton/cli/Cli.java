package io.baton.cli;

import io.baton.shim.Durations;

/** Small argument parsers shared by the commands. */
final class Cli {
    private Cli() {
    }

    static long millis(String flag, String text) {
        try {
            return Durations.millis(flag, text);
        } catch (IllegalArgumentException e) {
            throw new CliException(CliException.USAGE, "invalid " + flag + " '" + text + "'", "not a duration",
                    "use e.g. 500ms, 30s, 15m, 1h");
        }
    }
}
