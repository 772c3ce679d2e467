package io.baton.sdk.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    /**
     * Phase: the events it accepts; for hook failures and requests the cases accepted ("any": all of them).
     * Everything else must be refused.
     */
    static final String LEGAL = """
            NEW: Requested(any)
            PENDING: PreconditionsMet OldTaskGone OldTaskTerminated TimerFired
            REQUESTED: ReserveAccepted ReserveRejected OldTaskTerminated TimerFired
            DRAINING: OldTaskTerminated TimerFired HookFailed(KILL)
            FREEZING: OldTaskTerminated OldTaskFrozen TimerFired HookFailed(FREEZE)
            HANDING_OFF: ContainerAdjusted
            LAUNCHING: OldTaskTerminated NewTaskRunning NewTaskTerminated TimerFired HookFailed(any)
            VERIFYING: OldTaskTerminated NewTaskReady NewTaskTerminated TimerFired HookFailed(any)
            STOPPING_OLD: OldTaskTerminated NewTaskTerminated TimerFired HookFailed(any)
            RESIZING: OldTaskTerminated OldTaskResized TimerFired HookFailed(RESIZE)
            ROLLING_BACK: OldTaskTerminated NewTaskRunning NewTaskReady NewTaskTerminated TimerFired HookFailed(any)
            RESTORING: ContainerAdjusted OldTaskTerminated TimerFired HookFailed(KILL)
            RELAUNCHING: OldTaskRunning OldTaskFailed TimerFired HookFailed(any)
            COMMITTED: Released
            ROLLED_BACK: Released
            ABORTED: ReserveAccepted Released
            REJECTED: ReserveAccepted Released
            FAILED: Released
            """;

    @Test
    void everyPhaseAcceptsExactlyThePinnedEvents() {
        List<String> actual = new ArrayList<>();
        for (Phase p : Phase.values()) {
            Map<String, List<String>> accepted = new LinkedHashMap<>();
            Map<String, Integer> cases = new LinkedHashMap<>();
            for (Event e : Samples.events()) {
                String type = e.getClass().getSimpleName();
                cases.merge(type, 1, Integer::sum);
                if (Transitions.find(p, e) != null) {
                    accepted.computeIfAbsent(type, t -> new ArrayList<>()).add(caseOf(e));
                }
            }
            StringBuilder line = new StringBuilder(p + ":");
            accepted.forEach((type, which) -> line.append(' ').append(type).append(cases.get(type) == 1 ? ""
                    : "(" + (which.size() == cases.get(type) ? "any" : String.join(" ", which)) + ")"));
            actual.add(line.toString());
        }
        assertThat(String.join("\n", actual) + "\n").isEqualTo(LEGAL);
    }

    private static String caseOf(Event e) {
        return e instanceof Event.HookFailed h ? h.hook().name()
                : e instanceof Event.Requested q ? q.readiness().name() : "";
    }

    /** A hook failure goes to the row for its hook; the others of the phase to its row for late ones. */
    @Test
    void aHookFailureIsFoundByItsHookAndALateOneByThePhasesOtherRow() {
        assertThat(Transitions.find(Phase.LAUNCHING, new Event.HookFailed(Hook.LAUNCH, "", 0)).when())
                .isEqualTo(Hook.LAUNCH);
        Row late = Transitions.find(Phase.LAUNCHING, new Event.HookFailed(Hook.KILL, "", 0));
        assertThat(late.when()).isNull();
        assertThat(late.to()).containsExactly(Phase.LAUNCHING);
        assertThat(Transitions.label(late)).isEqualTo("HookFailed(other)");
        assertThat(Transitions.find(Phase.DRAINING, new Event.HookFailed(Hook.LAUNCH, "", 0))).isNull();
        for (Readiness r : Readiness.values()) {
            assertThat(Transitions.find(Phase.NEW, new Event.Requested(null, r, "", 0)).when()).isEqualTo(r);
        }
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
