package io.baton.cli;

import io.baton.proto.ReplacementTimings;
import io.baton.proto.Resource;
import io.baton.resources.Resources;
import io.baton.shim.ConsoleText;
import java.nio.charset.Charset;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.function.ToIntFunction;

/** How the commands print times, durations, resources and timings. */
final class Format {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());

    private Format() {
    }

    /** Microseconds as seconds with millisecond precision: {@code 1.234s}. */
    static String seconds(long micros) {
        return String.format(Locale.ROOT, "%.3fs", micros / 1_000_000.0);
    }

    /** {@code +1.234s} since a start. */
    static String elapsed(long startUs, long atUs) {
        return "+" + seconds(Math.max(0, atUs - startUs));
    }

    /** A wall-clock time in microseconds since the epoch, local time. */
    static String time(long epochUs) {
        return epochUs <= 0 ? "-" : CLOCK.format(Instant.ofEpochSecond(epochUs / 1_000_000, (epochUs % 1_000_000) * 1000));
    }

    static String resources(List<Resource> rs) {
        return rs.isEmpty() ? "-" : Resources.fromProto(rs).toString();
    }

    /** {@code drain 0.100s, handoff 0.010s, launch 0.200s, ready 0.300s, total 0.610s}. */
    static String timings(ReplacementTimings t) {
        return "drain " + seconds(t.getDrainUs()) + ", handoff " + seconds(t.getHandoffUs()) + ", launch "
                + seconds(t.getLaunchUs()) + ", ready " + seconds(t.getReadyUs()) + ", total " + seconds(t.getTotalUs());
    }

    static long nowUs() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
    }

    /** Columns padded to their widest cell, as standard output will show them. */
    static String table(List<String[]> rows) {
        return table(rows, ConsoleText.outCharset());
    }

    /**
     * Columns padded to their widest cell as {@code shownIn} shows it. The cells are left as they are (the writer
     * that prints them folds what it must); where that charset gets look-alikes ({@code ->} for an arrow) a cell's
     * width is its look-alike's, so a longer look-alike does not push its row's later columns out of line.
     */
    static String table(List<String[]> rows, Charset shownIn) {
        boolean fold = ConsoleText.folds(shownIn);
        ToIntFunction<String> shown = fold ? c -> ConsoleText.fold(c, shownIn).length() : String::length;
        int cols = rows.stream().mapToInt(r -> r.length).max().orElse(0);
        int[] width = new int[cols];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], shown.applyAsInt(r[i]));
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(r[i]);
                if (i + 1 < r.length) {
                    line.append(" ".repeat(width[i] + 2 - shown.applyAsInt(r[i])));
                }
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }
}
