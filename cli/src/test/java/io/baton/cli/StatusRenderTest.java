package io.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.ExecutorID;
import io.baton.proto.ExecutorState;
import io.baton.proto.NodeState;
import io.baton.proto.RefusedSubscription;
import io.baton.proto.RejectCode;
import io.baton.resources.Resources;
import io.baton.shim.ConsoleText;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code baton status} against a shim serving several nodes (the YARN AM) shows each node's ledger and executor. */
class StatusRenderTest {

    private static NodeState node(String name, String total, String free) {
        return NodeState.newBuilder().setNode(name).addAllTotal(Resources.parse(total).toProto())
                .addAllFree(Resources.parse(free).toProto()).build();
    }

    @Test
    void eachNodeHasALineAndEachExecutorNamesItsNode() {
        NodeState s = NodeState.newBuilder().setNode("am-host").setIsolator("yarn")
                .addAllTotal(Resources.parse("cpus:8;mem:8192").toProto())
                .addNodes(node("nm-a:1", "cpus:4;mem:4096;ports:[31000-31000]", "cpus:3;mem:3072"))
                .addNodes(node("nm-b:2", "cpus:4;mem:4096;ports:[31000-31000]", "cpus:4;mem:4096"))
                .addExecutors(ExecutorState.newBuilder().setExecutorId(ExecutorID.newBuilder().setValue("w1"))
                        .setNode("nm-a:1").setConnected(true))
                .build();
        String out = StatusCommand.render(s);
        assertThat(out).contains("NODE", "EXECUTOR");
        assertThat(out.lines().filter(l -> l.startsWith("nm-a:1"))).singleElement().asString()
                .contains("cpus:4;mem:4096;ports:[31000-31000]", "cpus:3;mem:3072");
        assertThat(out.lines().filter(l -> l.startsWith("w1"))).singleElement().asString().contains("nm-a:1", "yes");
    }

    @Test
    void aNodeShimsStatusHasNoNodeColumn() {
        NodeState s = NodeState.newBuilder().setNode("n1").setIsolator("none").addExecutors(ExecutorState.newBuilder()
                .setExecutorId(ExecutorID.newBuilder().setValue("e1")).setConnected(true)).build();
        String out = StatusCommand.render(s);
        assertThat(out).doesNotContain("NODE");
        assertThat(out.lines().filter(l -> l.startsWith("EXECUTOR"))).singleElement().asString()
                .doesNotContain("NODE");
    }

    @Test
    void anExecutorShowsWhenTheShimAcceptedItsSubscriptionAndADashIfItNeverDid() {
        long at = 1_000_000_123_456_789L;
        NodeState s = NodeState.newBuilder().setNode("n1").setIsolator("none")
                .addExecutors(ExecutorState.newBuilder().setExecutorId(ExecutorID.newBuilder().setValue("e1"))
                        .setConnected(true).setPid(77).setSubscribedAtUs(at))
                .addExecutors(ExecutorState.newBuilder().setExecutorId(ExecutorID.newBuilder().setValue("e2")))
                .build();
        String out = StatusCommand.render(s);
        assertThat(out.lines().filter(l -> l.startsWith("EXECUTOR"))).singleElement().asString()
                .containsPattern("EXECUTOR\\s+CONNECTED\\s+SUBSCRIBED\\s+PID");
        assertThat(out.lines().filter(l -> l.startsWith("e1 "))).singleElement().asString()
                .containsPattern("^e1\\s+yes\\s+" + java.util.regex.Pattern.quote(Format.time(at)) + "\\s+77\\s");
        assertThat(out.lines().filter(l -> l.startsWith("e2 "))).singleElement().asString()
                .containsPattern("^e2\\s+no\\s+-\\s+-\\s");
    }

    @Test
    void refusedExecutorsAreListedWithTheShimsReasonAndOnlyWhenThereAreAny() {
        NodeState none = NodeState.newBuilder().setNode("n1").setIsolator("none").build();
        assertThat(StatusCommand.render(none)).doesNotContain("REFUSED");
        NodeState s = none.toBuilder().addRefusedSubscriptions(RefusedSubscription.newBuilder()
                .setExecutorId(ExecutorID.newBuilder().setValue("e1")).setPid(4242).setUid(1000)
                .setCode(RejectCode.DUPLICATE_TASK).setMessage("task t6 is reported twice").setTimes(12)
                .setFirstAtUs(1_000_000_000_000_000L).setLastAtUs(1_000_000_055_000_000L)).build();
        String out = StatusCommand.render(s);
        assertThat(out.lines().filter(l -> l.startsWith("REFUSED EXECUTOR"))).singleElement().asString()
                .containsPattern("REFUSED EXECUTOR\\s+PID\\s+TIMES\\s+FIRST\\s+LATEST\\s+CODE\\s+REASON");
        assertThat(out.lines().filter(l -> l.startsWith("e1 "))).singleElement().asString()
                .containsPattern("^e1\\s+4242\\s+12\\s+.+\\s+DUPLICATE_TASK\\s+task t6 is reported twice$")
                .contains(Format.time(1_000_000_000_000_000L), Format.time(1_000_000_055_000_000L));
    }

    @Test
    void aTableLinesUpInTheCharsetItIsShownIn() {
        List<String[]> rows = List.of(new String[] {"T", "N", "STATE"}, new String[] {"a→b→c", "x", "RUNNING"},
                new String[] {"c", "≤≤", "LOST"});
        for (Charset cs : List.of(StandardCharsets.US_ASCII, StandardCharsets.UTF_8)) {
            // as the console shows it: the writer folds what the charset cannot show
            List<String> lines = ConsoleText.fold(Format.table(rows, cs), cs).lines().toList();
            assertThat(lines).as(cs.name()).hasSize(3);
            assertThat(lines.stream().map(l -> l.indexOf(l.startsWith("T ") ? "STATE" : l.contains("RUNNING") ? "RUNNING"
                    : "LOST")).distinct()).as(cs.name() + ": the last column starts at one offset\n"
                    + String.join("\n", lines)).hasSize(1);
        }
        assertThat(Format.table(rows, StandardCharsets.US_ASCII)).as("the cells as they are: the writer folds them")
                .contains("a→b→c").contains("≤≤");
        assertThat(Format.table(rows, StandardCharsets.UTF_8)).as("in UTF-8, as it always was")
                .isEqualTo("T      N   STATE\na→b→c  x   RUNNING\nc      ≤≤  LOST\n");
    }
}
