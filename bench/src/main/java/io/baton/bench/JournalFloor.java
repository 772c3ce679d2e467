package io.baton.bench;

import io.baton.bench.jmh.JournalBench;
import io.baton.proto.JournalRecord;
import io.baton.sdk.journal.ChronicleJournal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The floor's journal part: a replacement's appends (and, with SYNC, its fsyncs) on a Chronicle journal of their own,
 * spread as a replacement spreads them (µs per group).
 */
final class JournalFloor {
    private JournalFloor() {
    }

    /** {@code samples} timings (after 20 unmeasured) of {@code appends} appends and {@code syncs} fsyncs. */
    static Dist measure(Path dir, int samples, int appends, int syncs) {
        Path jdir = dir.resolve("floor-" + appends + "-" + syncs);
        List<Long> out = new ArrayList<>();
        try (ChronicleJournal j = ChronicleJournal.open(jdir, ChronicleJournal.Options.defaults())) {
            long seq = 0;
            JournalRecord[] records = new JournalRecord[appends];
            for (int i = 0; i < samples + 20; i++) {
                // built before the clock starts: what is timed is the journal's work, not making sample records
                // (until 2026-12-05 each sample parsed its resources inside the timed loop, ~20 µs an append)
                for (int a = 0; a < appends; a++) {
                    records[a] = JournalBench.sample(++seq);
                }
                long t0 = System.nanoTime();
                for (int a = 0; a < appends; a++) {
                    j.append(records[a]);
                    // `syncs` fsyncs spread over the appends, each after the appends it covers, as a replacement does
                    if ((long) (a + 1) * syncs / appends > (long) a * syncs / appends) {
                        j.sync();
                    }
                }
                if (i >= 20) {
                    out.add((System.nanoTime() - t0) / 1_000);
                }
            }
        }
        return Dist.of(out);
    }
}
