package io.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.ReplacementID;
import io.baton.proto.ReplacementProgress;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/**
 * {@code baton replace --wait} prints the replacement id first. The executor's first phases can reach the
 * client before the shim's answer to the request (they travel on another thread); they are held until the
 * id is out (a fresh-clone CI run printed REQUESTED above the id).
 */
class ReplaceFollowerTest {

    private static ReplacementProgress phase(String rid, String phase, String from, long atUs) {
        return ReplacementProgress.newBuilder().setReplacementId(ReplacementID.newBuilder().setValue(rid))
                .setPhase(phase).setFromPhase(from).setAtUs(atUs).build();
    }

    @Test
    void phasesThatArriveBeforeTheAnswerArePrintedAfterTheIdInTheirOrder() {
        StringWriter text = new StringWriter();
        ReplaceCommand.Follower f = new ReplaceCommand.Follower("r-1", new PrintWriter(text), 1_000_000);
        f.progress(phase("r-1", "REQUESTED", "NEW", 1_000_000));
        f.progress(phase("r-other", "DRAINING", "REQUESTED", 1_001_000));
        f.progress(phase("r-1", "DRAINING", "REQUESTED", 1_004_000));
        assertThat(text.toString()).as("nothing before the id").isEmpty();

        f.accepted();
        f.progress(phase("r-1", "LAUNCHING", "DRAINING", 1_007_000));

        assertThat(text.toString().lines()).containsExactly("r-1", "+0.000s  REQUESTED (from NEW)",
                "+0.004s  DRAINING (from REQUESTED)", "+0.007s  LAUNCHING (from DRAINING)");
    }

    @Test
    void withNoEarlyPhaseTheIdIsTheOnlyLineUntilTheNextPhase() {
        StringWriter text = new StringWriter();
        ReplaceCommand.Follower f = new ReplaceCommand.Follower("r-2", new PrintWriter(text), 5_000_000);
        f.accepted();
        assertThat(text.toString().lines()).containsExactly("r-2");
        f.progress(phase("r-2", "DRAINING", "REQUESTED", 5_250_000));
        assertThat(text.toString().lines()).containsExactly("r-2", "+0.250s  DRAINING (from REQUESTED)");
    }
}
