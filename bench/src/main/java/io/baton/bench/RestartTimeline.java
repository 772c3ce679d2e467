package io.baton.bench;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a restarted executor went through each phase, all in wall-clock µs: the process started (read
 * by the parent just before starting it), its main began ({@link RecoveryChild}'s mark), recovery began
 * and ended (the SDK's "recovered in N ms" log line: its time, minus N), it was seen re-subscribed at
 * the shim, and a task launched on it ran. Log lines carry milliseconds, so the middle phases do too.
 */
record RestartTimeline(long processStartUs, long runtimeStartUs, long recoveryBeganUs, long recoveredUs,
        long subscribedUs, long answeredUs, long queueOpenUs) {
    private static final Pattern RECOVERED = Pattern.compile(
            "(?m)^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) \\w+\\s+\\S+ - executor \\S+ recovered in (\\d+) ms");
    /** The SDK's line when the journal's Chronicle queue, opening on its own thread, is open (ms after its start). */
    private static final Pattern QUEUE_OPEN = Pattern.compile(
            "(?m)^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) \\w+\\s+\\S+ - executor \\S+ opened its journal's queue (\\d+) ms after it started");

    /**
     * From the executor's log; -1 for the recovery times when its log has no "recovered in" line. The runtime's
     * start is {@link RecoveryChild}'s mark, or for an executor started otherwise (bin/baton), when
     * {@code ExecutorBootstrap} started it: its line saying when its queue opened, less the ms it gives.
     */
    static RestartTimeline of(long processStartUs, String log, long subscribedUs, long answeredUs) {
        long runtimeStart = log.contains(RecoveryChild.MARK) ? mark(log) : bootstrapStart(log, processStartUs);
        long began = -1;
        long recovered = -1;
        Matcher m = RECOVERED.matcher(log);
        if (m.find()) {
            recovered = at(m.group(1), runtimeStart);
            began = recovered - Long.parseLong(m.group(2)) * 1_000;
        }
        Matcher q = QUEUE_OPEN.matcher(log);
        long queueOpen = q.find() ? runtimeStart + Long.parseLong(q.group(2)) * 1_000 : -1;
        return new RestartTimeline(processStartUs, runtimeStart, began, recovered, subscribedUs, answeredUs, queueOpen);
    }

    /** A log line's time of day (ms) as wall-clock µs, on the day of {@code runtimeStartUs}. */
    private static long at(String timeOfDay, long runtimeStartUs) {
        ZoneId zone = ZoneId.systemDefault(); // the child logs in its default zone, which is ours
        Instant start = Instant.ofEpochMilli(runtimeStartUs / 1_000);
        LocalDate day = start.atZone(zone).toLocalDate();
        Instant i = ZonedDateTime.of(day, LocalTime.parse(timeOfDay), zone).toInstant();
        if (i.isBefore(start.minusSeconds(12 * 3600))) {
            i = i.plusSeconds(24 * 3600); // the log line is past midnight
        }
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1_000;
    }

    private static long bootstrapStart(String log, long processStartUs) {
        Matcher q = QUEUE_OPEN.matcher(log);
        if (!q.find()) {
            throw new IllegalStateException("the executor printed neither a runtime start mark ('" + RecoveryChild.MARK
                    + "') nor when its journal's queue opened:\n" + log);
        }
        return at(q.group(1), processStartUs) - Long.parseLong(q.group(2)) * 1_000;
    }

    private static long mark(String log) {
        int i = log.indexOf(RecoveryChild.MARK);
        if (i < 0) {
            throw new IllegalStateException("the executor printed no runtime start mark ('" + RecoveryChild.MARK
                    + "'):\n" + log);
        }
        int from = i + RecoveryChild.MARK.length();
        int to = from;
        while (to < log.length() && Character.isDigit(log.charAt(to))) {
            to++;
        }
        return Long.parseLong(log.substring(from, to));
    }

    boolean hasRecovery() {
        return recoveredUs >= 0;
    }

    long fromProcess() {
        return subscribedUs - processStartUs;
    }

    long fromRuntime() {
        return subscribedUs - runtimeStartUs;
    }

    /**
     * Runtime start → recovery began: wiring the runtime (and, before 2026-12-04's {@code OpeningJournal}, opening the
     * journal's queue, which now opens alongside).
     */
    long opening() {
        return recoveryBeganUs - runtimeStartUs;
    }

    /** Replaying the journal and the recover hook, as the SDK logs it. */
    long recovering() {
        return recoveredUs - recoveryBeganUs;
    }

    /** Recovered → seen re-subscribed: connecting to the shim and subscribing. */
    long subscribing() {
        return subscribedUs - recoveredUs;
    }

    boolean hasQueueOpen() {
        return queueOpenUs >= 0;
    }

    /** Runtime start → the journal's queue open (on its own thread, alongside replay and recovery). */
    long queueOpen() {
        return queueOpenUs - runtimeStartUs;
    }

    long answering() {
        return answeredUs - subscribedUs;
    }
}
