package io.baton.sdk.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The table is the spec: the committed diagram must be the one rendered from it, and what is legal in
 * each phase is pinned here so that any change to the table is a deliberate change to this test.
 */
class TransitionTableTest {
    static final Path DOC = Path.of("..", "docs", "replacement-states.md");

    static String document() {
        return "# Replacement states\n\n"
                + "Rendered from `io.baton.sdk.core.Transitions` by `TransitionTableTest`; do not edit by hand.\n"
                + "Regenerate with `mvn -pl sdk test -Dtest=TransitionTableTest -Dbaton.docs.write=true`.\n\n"
                + "```mermaid\n" + Transitions.toMermaid() + "```\n";
    }

    @Test
    void theCommittedDiagramIsRenderedFromTheTable() throws IOException {
        if (Boolean.getBoolean("baton.docs.write")) {
            Files.writeString(DOC, document());
        }
        assertThat(Files.exists(DOC)).as(DOC.toAbsolutePath() + " exists").isTrue();
        assertThat(Files.readString(DOC)).as("docs/replacement-states.md is stale; regenerate it (see its header)")
                .isEqualTo(document());
    }

    /** Phase: the events it accepts. Everything else must be refused. */
    static final String LEGAL = """
            NEW: Requested
            PENDING: PreconditionsMet OldTaskGone OldTaskTerminated TimerFired
            REQUESTED: ReserveAccepted ReserveRejected OldTaskTerminated TimerFired
            DRAINING: OldTaskTerminated HookFailed TimerFired
            FREEZING: OldTaskTerminated OldTaskFrozen HookFailed TimerFired
            HANDING_OFF: ContainerAdjusted AdjustRejected OldTaskTerminated
            LAUNCHING: OldTaskTerminated NewTaskRunning NewTaskTerminated HookFailed TimerFired
            VERIFYING: OldTaskTerminated NewTaskReady NewTaskTerminated HookFailed TimerFired
            STOPPING_OLD: OldTaskTerminated NewTaskTerminated HookFailed TimerFired
            RESIZING: OldTaskTerminated OldTaskResized HookFailed TimerFired
            ROLLING_BACK: OldTaskTerminated NewTaskRunning NewTaskReady NewTaskTerminated HookFailed TimerFired
            RESTORING: ContainerAdjusted AdjustRejected OldTaskTerminated
            RELAUNCHING: OldTaskRunning OldTaskFailed HookFailed TimerFired
            COMMITTED: Released
            ROLLED_BACK: Released
            ABORTED: Released
            REJECTED:
            FAILED: Released
            """;

    @Test
    void everyPhaseAcceptsExactlyThePinnedEvents() {
        List<String> actual = new ArrayList<>();
        for (Phase p : Phase.values()) {
            StringBuilder line = new StringBuilder(p + ":");
            for (Event e : Samples.events()) {
                if (Transitions.find(p, e) != null) {
                    line.append(' ').append(e.getClass().getSimpleName());
                }
            }
            actual.add(line.toString());
        }
        assertThat(String.join("\n", actual) + "\n").isEqualTo(LEGAL);
    }

    @Test
    void everyRowLeadsSomewhereDeclaredAndTerminalPhasesOnlyAcknowledgeTheRelease() {
        for (Row r : Transitions.rows()) {
            assertThat(r.to()).isNotEmpty();
            if (r.from().terminal()) {
                assertThat(r.to()).containsExactly(r.from());
            }
        }
    }
}
