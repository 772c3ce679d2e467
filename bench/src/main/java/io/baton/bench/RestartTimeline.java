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
        long subscribedUs, long answeredUs) {
    private static final Pattern RECOVERED = Pattern.compile(
            "(?m)^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) \\w+\\s+\\S+ - executor \\S+ recovered in (\\d+) ms");

    /** From the executor's log; -1 for the recovery times when its log has no "recovered in" line. */
    static RestartTimeline of(long processStartUs, String log, long subscribedUs, long answeredUs) {
        long runtimeStart = mark(log);
        long began = -1;
        long recovered = -1;
        Matcher m = RECOVERED.matcher(log);
        if (m.find()) {
            ZoneId zone = ZoneId.systemDefault(); // the child logs in its default zone, which is ours
            Instant start = Instant.ofEpochMilli(runtimeStart / 1_000);
            LocalDate day = start.atZone(zone).toLocalDate();
            Instant i = ZonedDateTime.of(day, LocalTime.parse(m.group(1)), zone).toInstant();
            if (i.isBefore(start.minusSeconds(12 * 3600))) {
                i = i.plusSeconds(24 * 3600); // the log line is past midnight
            }
            recovered = i.getEpochSecond() * 1_000_000L + i.getNano() / 1_000;
            began = recovered - Long.parseLong(m.group(2)) * 1_000;
        }
        return new RestartTimeline(processStartUs, runtimeStart, began, recovered, subscribedUs, answeredUs);
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

    /** Runtime start → recovery began: opening the journal (Chronicle's start-up) and wiring the runtime. */
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

    long answering() {
        return answeredUs - subscribedUs;
    }
}
