package io.baton.cli;

import io.baton.sdk.journal.ChronicleJournal;
import io.baton.sdk.journal.JournalException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code baton journal}: replacement timelines from an executor's journal. */
@Command(name = "journal", mixinStandardHelpOptions = true,
        description = {"Reads an executor's Chronicle journal (<executor work-dir>/journal) without appending to it, "
                + "and prints each replacement's timeline: the request, every engine event and status with the "
                + "time elapsed since the request, and the outcome with per-phase durations."},
        footer = {"", "Example:", "  baton journal /tmp/workers/journal"})
final class JournalCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "The journal directory.")
    Path dir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (!Files.isDirectory(dir)) {
            throw new CliException(CliException.USAGE, "cannot read the journal " + dir, "no such directory",
                    "pass <executor work-dir>/journal");
        }
        JournalTimeline timeline = new JournalTimeline();
        try (ChronicleJournal journal = ChronicleJournal.open(dir,
                ChronicleJournal.Options.defaults().withFoldPending(false))) { // a reader: the file stays as it is
            journal.replayWithPending(timeline::accept); // as the executor's next start will: nothing is written
        } catch (JournalException e) {
            throw new CliException(CliException.USAGE, "cannot read the journal " + dir, e.getMessage(),
                    "pass an executor's journal directory");
        }
        spec.commandLine().getOut().print(timeline.render());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
