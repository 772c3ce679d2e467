package io.baton.cli;

import io.baton.proto.ReplacementTimings;
import io.baton.proto.Resource;
import io.baton.resources.Resources;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

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

    /** Columns padded to their widest cell. */
    static String table(List<String[]> rows) {
        int cols = rows.stream().mapToInt(r -> r.length).max().orElse(0);
        int[] width = new int[cols];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(i + 1 < r.length ? String.format(Locale.ROOT, "%-" + (width[i] + 2) + "s", r[i]) : r[i]);
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }
}
