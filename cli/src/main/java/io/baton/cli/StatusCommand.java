package io.baton.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.baton.proto.ExecutorState;
import io.baton.proto.NodeState;
import io.baton.proto.RefusedSubscription;
import io.baton.proto.ReservationState;
import io.baton.proto.ResourceList;
import io.baton.proto.TaskStatus;
import io.baton.sdk.client.BatonClient;
import io.baton.shim.ConsoleText;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code baton status}: the node's ledger, executors and tasks. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Shows the node: totals (free, allocated, reserved, offered), each executor with its "
                + "allocation and container limits, each task with its latest state, and replacements under way."},
        footer = {"", "Example:", "  baton status --work-dir /tmp/baton", "  baton status --work-dir /tmp/baton --json"})
final class StatusCommand implements Callable<Integer> {
    @Mixin
    ShimConnection shim;

    @Option(names = "--json", description = "Print the shim's NodeState as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InvalidProtocolBufferException {
        NodeState state;
        try (BatonClient client = shim.connect(false, true)) {
            state = ShimConnection.await(client.state(), "STATE", "check the shim's log");
        }
        // JSON keeps every character: escaped where the console's charset cannot show it (the same JSON)
        spec.commandLine().getOut().print(json ? ConsoleText.jsonFor(JsonFormat.printer().print(state),
                ConsoleText.outCharset()) + "\n" : render(state));
        spec.commandLine().getOut().flush();
        return 0;
    }

    static String render(NodeState s) {
        StringBuilder sb = new StringBuilder();
        sb.append("node ").append(s.getNode()).append(" (isolator ").append(s.getIsolator()).append(")\n");
        List<String[]> totals = new ArrayList<>();
        totals.add(new String[] {"", "RESOURCES"});
        totals.add(new String[] {"total", Format.resources(s.getTotalList())});
        totals.add(new String[] {"free", Format.resources(s.getFreeList())});
        totals.add(new String[] {"allocated", Format.resources(s.getAllocatedList())});
        totals.add(new String[] {"reserved", Format.resources(s.getReservedList())});
        totals.add(new String[] {"offered", Format.resources(s.getOfferedList())});
        sb.append(Format.table(totals)).append('\n');
        if (s.getNodesCount() > 0) { // a shim serving several nodes (the YARN AM): each node's own ledger
            List<String[]> nodes = new ArrayList<>();
            nodes.add(new String[] {"NODE", "TOTAL", "FREE", "ALLOCATED", "RESERVED", "OFFERED"});
            for (NodeState n : s.getNodesList()) {
                nodes.add(new String[] {n.getNode(), Format.resources(n.getTotalList()),
                    Format.resources(n.getFreeList()), Format.resources(n.getAllocatedList()),
                    Format.resources(n.getReservedList()), Format.resources(n.getOfferedList())});
            }
            sb.append(Format.table(nodes)).append('\n');
        }

        boolean onNodes = s.getNodesCount() > 0;
        List<String[]> execs = new ArrayList<>();
        execs.add(onNodes ? new String[] {"EXECUTOR", "NODE", "CONNECTED", "SUBSCRIBED", "PID", "ALLOCATION", "LIMITS"}
                : new String[] {"EXECUTOR", "CONNECTED", "SUBSCRIBED", "PID", "ALLOCATION", "LIMITS"});
        List<String[]> tasks = new ArrayList<>();
        tasks.add(new String[] {"TASK", "EXECUTOR", "STATE", "RESOURCES", "REPLACEMENT", "MESSAGE"});
        for (ExecutorState e : s.getExecutorsList()) {
            String id = e.getExecutorId().getValue();
            String[] row = {id, e.getConnected() ? "yes" : "no", Format.time(e.getSubscribedAtUs()),
                e.getPid() > 0 ? Integer.toString(e.getPid()) : "-", // 0: reached over TCP, no peer credentials
                Format.resources(e.getAllocationList()), Format.resources(e.getLimitsList())};
            if (onNodes) {
                String[] withNode = new String[row.length + 1];
                withNode[0] = id;
                withNode[1] = e.getNode();
                System.arraycopy(row, 1, withNode, 2, row.length - 1);
                row = withNode;
            }
            execs.add(row);
            Map<String, ResourceList> held = new HashMap<>();
            e.getTaskResourcesList().forEach(h -> held.put(h.getTaskId(), h.getResources()));
            for (TaskStatus t : e.getTasksList()) {
                tasks.add(new String[] {t.getTaskId().getValue(), id, t.getState().name(), taskResources(s, held, t),
                    t.getReplacementId().getValue().isEmpty() ? "-" : t.getReplacementId().getValue(),
                    t.getMessage().isEmpty() ? "-" : CliException.oneLine(t.getMessage())});
            }
        }
        sb.append(Format.table(execs)).append('\n').append(Format.table(tasks));
        if (s.getReservationsCount() > 0) {
            List<String[]> rs = new ArrayList<>();
            rs.add(new String[] {"REPLACEMENT", "EXECUTOR", "OLD", "NEW", "POOL", "IN USE"});
            for (ReservationState r : s.getReservationsList()) {
                rs.add(new String[] {r.getReplacementId().getValue(), r.getExecutorId().getValue(),
                    r.getOldTaskId().getValue(), r.getNewTaskId().getValue(), Format.resources(r.getPoolList()),
                    Format.resources(r.getInUseList())});
            }
            sb.append('\n').append(Format.table(rs));
        }
        if (s.getRefusedSubscriptionsCount() > 0) {
            List<String[]> rs = new ArrayList<>();
            List<String> head = new ArrayList<>(List.of("REFUSED EXECUTOR", "PID", "TIMES", "FIRST", "LATEST", "CODE",
                    "REASON"));
            if (onNodes) {
                head.add(1, "NODE");
            }
            rs.add(head.toArray(String[]::new));
            for (RefusedSubscription r : s.getRefusedSubscriptionsList()) {
                List<String> row = new ArrayList<>(List.of(r.getExecutorId().getValue()));
                if (onNodes) {
                    row.add(r.getNode());
                }
                row.addAll(List.of(r.getPid() > 0 ? Integer.toString(r.getPid()) : "-", Integer.toString(r.getTimes()),
                        Format.time(r.getFirstAtUs()), Format.time(r.getLastAtUs()), r.getCode().name(),
                        CliException.oneLine(r.getMessage())));
                rs.add(row.toArray(String[]::new));
            }
            sb.append('\n').append(Format.table(rs));
        }
        return sb.toString();
    }

    /**
     * A held task's resources come from the executor's entry; a replacement's new task's from its reservation;
     * a replacement's old task's are in the reservation's pool (shown in the replacements table).
     */
    private static String taskResources(NodeState s, Map<String, ResourceList> held, TaskStatus t) {
        ResourceList mine = held.get(t.getTaskId().getValue());
        if (mine != null) {
            return Format.resources(mine.getResourcesList());
        }
        for (ReservationState r : s.getReservationsList()) {
            if (r.getNewTaskId().equals(t.getTaskId())) {
                return Format.resources(r.getNewTaskResourcesList());
            }
            if (r.getOldTaskId().equals(t.getTaskId())) {
                return "in pool of " + r.getReplacementId().getValue();
            }
        }
        return "-";
    }

}
