package io.baton.shim.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.Adjust;
import io.baton.proto.ExecutorCall;
import io.baton.proto.ExecutorID;
import io.baton.proto.ExecutorResponse;
import io.baton.proto.FrameworkCall;
import io.baton.proto.Launch;
import io.baton.proto.OfferID;
import io.baton.proto.Range;
import io.baton.proto.Ranges;
import io.baton.proto.RejectCode;
import io.baton.proto.Release;
import io.baton.proto.Reserve;
import io.baton.proto.Resource;
import io.baton.proto.ResourceList;
import io.baton.proto.RequestOffers;
import io.baton.proto.Scalar;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.proto.Update;
import io.baton.proto.ValueSet;
import io.baton.proto.ValueType;
import io.baton.resources.Resources;
import io.baton.ledger.Ids;
import io.baton.shim.testing.TestExecutor;
import io.baton.shim.testing.TestFramework;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A subscribed executor sends well-formed calls with hostile ids and resources: each is answered with
 * a typed rejection naming the problem, and the ledger neither moves nor loses balance. Cases come from
 * a printed seed ({@link SeededCases}).
 */
class HostileExecutorFuzzIT {
    static FuzzShim shim;
    static TestFramework fw;
    static TestExecutor hx;
    static FuzzShim.LedgerView baseline;
    static final Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
    static final AtomicInteger inputs = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        shim = new FuzzShim(64 * 1024, 60_000);
        fw = TestFramework.unix(shim.config.frameworkSocket());
        assertThat(fw.subscribe(FuzzShim.TOKEN, false).hasSubscribed()).isTrue();
        hx = new TestExecutor(shim.config.executorSocket(), "hx");
        assertThat(hx.subscribe("cpus:0.1;mem:32").hasSubscribed()).isTrue();
        launch("t1", "cpus:1;mem:512");
        launch("t3", "cpus:1;mem:256");
        // r1 is live (t1 → t2), t3 is held outside any replacement
        assertThat(hx.reserve("r1", "t1", Calls.taskInfo("t2", "cpus:1;mem:256"), false, List.of()).hasReserved())
                .isTrue();
        baseline = shim.view();
    }

    private static void launch(String id, String res) throws Exception {
        var offer = fw.call(FrameworkCall.newBuilder().setOffers(RequestOffers.newBuilder()
                .addAllResources(Resources.parse(res).toProto())));
        var r = fw.call(FrameworkCall.newBuilder().setLaunch(Launch.newBuilder()
                .setExecutorId(ExecutorID.newBuilder().setValue("hx")).setTask(Calls.taskInfo(id, res))
                .addOfferIds(offer.getOffers().getOffers(0).getId())));
        assertThat(r.hasForwarded()).as("%s", r).isTrue();
        assertThat(hx.update(id, TaskState.TASK_RUNNING).hasAccepted()).isTrue();
    }

    @AfterAll
    static void stop() throws Exception {
        System.out.println("HostileExecutorFuzzIT: " + inputs + " hostile calls; rejections by kind: "
                + new TreeMap<>(seen));
        hx.close();
        fw.close();
        shim.close();
    }

    // ------------------------------------------------------------------ ids

    static final List<String> SPECIAL_IDS = List.of("../x", "..", ".", "a/b", "/etc/passwd", "\u0000", "x\u0000y", "",
            " ", "a\nb", "日本語", "\uD83E\uDD80", "%2e%2e%2f", "a..b", "-x", "x".repeat(10_000), "y".repeat(129),
            "\u202Eevil", "a b", "x\\y");

    /**
     * Half the time a known-bad id; else up to 200 random chars that the shim must refuse, either printable
     * ASCII (near misses such as {@code a/b}) or any char at all (controls, lone surrogates).
     */
    static String hostileId(SplittableRandom r) {
        if (r.nextBoolean()) {
            return SeededCases.pick(r, SPECIAL_IDS);
        }
        boolean ascii = r.nextBoolean();
        while (true) {
            char[] chars = new char[SeededCases.between(r, 0, 200)];
            for (int i = 0; i < chars.length; i++) {
                chars[i] = (char) (ascii ? SeededCases.between(r, 0x20, 0x7e) : r.nextInt(Character.MAX_VALUE + 1));
            }
            String id = new String(chars);
            if (Ids.checkObject("id", id) != null) {
                return id;
            }
        }
    }

    /** Where the hostile id goes: which field of which call, and the name the rejection must use. */
    enum Slot {
        UPDATE_TASK("task id"), RESERVE_REPLACEMENT("replacement id"), RESERVE_OLD_TASK("old task id"),
        RESERVE_NEW_TASK("new task id"), RESERVE_OFFER("offer id"), ADJUST_REPLACEMENT("replacement id"),
        RELEASE_REPLACEMENT("replacement id");

        final String kind;

        Slot(String kind) {
            this.kind = kind;
        }
    }

    record HostileId(String id, Slot slot) {
        @Override
        public String toString() {
            return slot + " id '" + Ids.printable(id) + "' (" + id.length() + " chars)";
        }
    }

    @Test
    void hostileIdsAreRefusedByName() {
        SeededCases.run("HostileExecutorFuzzIT.hostileIdsAreRefusedByName", 250,
                r -> new HostileId(hostileId(r), SeededCases.pick(r, Slot.class)), c -> refused(c.id(), c.slot()));
    }

    private static void refused(String id, Slot slot) throws Exception {
        ExecutorCall.Builder call = switch (slot) {
            case UPDATE_TASK -> ExecutorCall.newBuilder().setUpdate(Update.newBuilder().setStatus(TaskStatus
                    .newBuilder().setTaskId(Calls.task(id)).setState(TaskState.TASK_FINISHED).setUuid(Calls.uuid())));
            case RESERVE_REPLACEMENT -> reserve(id, "t3", Calls.taskInfo("n1", "cpus:1;mem:64"), null);
            case RESERVE_OLD_TASK -> reserve("rx", id, Calls.taskInfo("n1", "cpus:1;mem:64"), null);
            case RESERVE_NEW_TASK -> reserve("rx", "t3", TaskInfo.newBuilder().setTaskId(Calls.task(id))
                    .addAllResources(Resources.parse("cpus:1;mem:64").toProto()).build(), null);
            case RESERVE_OFFER -> reserve("rx", "t3", Calls.taskInfo("n1", "cpus:1;mem:64"), id);
            case ADJUST_REPLACEMENT -> ExecutorCall.newBuilder().setAdjust(Adjust.newBuilder()
                    .setReplacementId(Calls.rid(id)).addAllInUse(Resources.parse("cpus:1;mem:64").toProto()));
            case RELEASE_REPLACEMENT -> ExecutorCall.newBuilder().setRelease(Release.newBuilder()
                    .setReplacementId(Calls.rid(id)).setKeep(io.baton.proto.Keep.KEEP_NONE));
        };
        ExecutorResponse r = hx.call(call);
        record(slot.name(), r);
        assertThat(r.hasRejected()).as("%s with id '%s': %s", slot, Ids.printable(id), r).isTrue();
        assertThat(r.getRejected().getCode()).as("%s: %s", slot, r.getRejected().getMessage())
                .isEqualTo(RejectCode.INVALID_ID);
        assertThat(r.getRejected().getMessage()).contains(slot.kind);
        // protobuf writes unpaired surrogates as '?': the shim can only name the id it received
        String received = io.baton.proto.TaskID.parseFrom(Calls.task(id).toByteArray()).getValue();
        if (!received.isEmpty()) {
            assertThat(r.getRejected().getMessage()).contains(Ids.printable(received));
        }
        assertUnchanged();
    }

    /** @param offer null for none */
    private static ExecutorCall.Builder reserve(String rid, String old, TaskInfo newTask, String offer) {
        Reserve.Builder b = Reserve.newBuilder().setReplacementId(Calls.rid(rid)).setOldTaskId(Calls.task(old))
                .setNewTask(newTask);
        if (offer != null) {
            b.addOfferIds(OfferID.newBuilder().setValue(offer));
        }
        return ExecutorCall.newBuilder().setReserve(b);
    }

    // ------------------------------------------------------------------ resources

    static final double[] BAD_SCALARS = {-1.0, -1e-9, Double.NaN, Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY, 1e300, 1e16, -0.5};
    static final List<List<Resource>> VALID = List.of(Resources.parse("cpus:0.5").toProto(),
            Resources.parse("mem:16").toProto(), List.of());

    /** One bad entry (negative or non-finite scalar, repeated set item, reversed range, no name) among valid ones. */
    static List<Resource> hostileResources(SplittableRandom r) {
        while (true) {
            Resource bad = switch (r.nextInt(4)) {
                case 0 -> Resource.newBuilder().setName(SeededCases.pick(r, List.of("cpus", "mem", "disk", "gpus")))
                        .setType(ValueType.SCALAR)
                        .setScalar(Scalar.newBuilder().setValue(BAD_SCALARS[r.nextInt(BAD_SCALARS.length)])).build();
                case 1 -> {
                    String item = alpha(r, SeededCases.between(r, 1, 5));
                    yield Resource.newBuilder().setName("zones").setType(ValueType.SET)
                            .setSet(ValueSet.newBuilder().addItem(item).addItem("other").addItem(item)).build();
                }
                case 2 -> {
                    long b = SeededCases.between(r, 1L, 1L << 40);
                    long d = SeededCases.between(r, 1L, 1000L);
                    yield Resource.newBuilder().setName("ports").setType(ValueType.RANGES).setRanges(Ranges.newBuilder()
                            .addRange(Range.newBuilder().setBegin(b + d).setEnd(b))).build();
                }
                default -> Resource.newBuilder().setType(ValueType.SCALAR).setScalar(Scalar.newBuilder().setValue(1))
                        .build();
            };
            List<Resource> out = new ArrayList<>(SeededCases.pick(r, VALID));
            out.add(r.nextBoolean() ? 0 : out.size(), bad);
            if (invalid(out)) {
                return List.copyOf(out);
            }
        }
    }

    private static String alpha(SplittableRandom r, int length) {
        String letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            b.append(letters.charAt(r.nextInt(letters.length())));
        }
        return b.toString();
    }

    private static boolean invalid(List<Resource> list) {
        try {
            Resources.fromProto(list);
            return false;
        } catch (IllegalArgumentException e) {
            return true;
        }
    }

    enum Target { RESERVE_NEW_TASK, ADJUST_IN_USE, RELEASE_GIVE_BACK, FRAMEWORK_OFFERS }

    record HostileResources(List<Resource> resources, Target target) {
    }

    @Test
    void hostileResourcesAreRefusedByName() {
        SeededCases.run("HostileExecutorFuzzIT.hostileResourcesAreRefusedByName", 200,
                r -> new HostileResources(hostileResources(r), SeededCases.pick(r, Target.class)),
                c -> refused(c.resources(), c.target()));
    }

    private static void refused(List<Resource> res, Target target) throws Exception {
        Rejection r = switch (target) {
            case RESERVE_NEW_TASK -> rejection(hx.call(reserve("rx", "t3", TaskInfo.newBuilder()
                    .setTaskId(Calls.task("n1")).addAllResources(res).build(), null)));
            case ADJUST_IN_USE -> rejection(hx.call(ExecutorCall.newBuilder().setAdjust(Adjust.newBuilder()
                    .setReplacementId(Calls.rid("r1")).addAllInUse(res))));
            case RELEASE_GIVE_BACK -> rejection(hx.call(ExecutorCall.newBuilder().setRelease(Release.newBuilder()
                    .setReplacementId(Calls.rid("r1")).setGiveBack(ResourceList.newBuilder().addAllResources(res)))));
            case FRAMEWORK_OFFERS -> {
                var resp = fw.call(FrameworkCall.newBuilder().setOffers(RequestOffers.newBuilder().addAllResources(res)));
                yield resp.hasRejected() ? new Rejection(resp.getRejected().getCode(), resp.getRejected().getMessage())
                        : new Rejection(null, resp.toString());
            }
        };
        inputs.incrementAndGet();
        seen.computeIfAbsent(target + " " + r.code(), k -> new AtomicInteger()).incrementAndGet();
        assertThat(r.code()).as("%s %s: %s", target, res, r.message()).isEqualTo(RejectCode.INVALID_RESOURCES);
        String problem;
        try {
            Resources.fromProto(res);
            throw new AssertionError("generator produced valid resources " + res);
        } catch (IllegalArgumentException e) {
            problem = e.getMessage();
        }
        assertThat(r.message()).as("names the problem").contains(problem);
        assertUnchanged();
    }

    record Rejection(RejectCode code, String message) {
    }

    private static Rejection rejection(ExecutorResponse r) {
        return r.hasRejected() ? new Rejection(r.getRejected().getCode(), r.getRejected().getMessage())
                : new Rejection(null, r.toString());
    }

    private static void record(String what, ExecutorResponse r) {
        inputs.incrementAndGet();
        String kind = what + " " + (r.hasRejected() ? r.getRejected().getCode() : r.getResultCase());
        seen.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
    }

    private static void assertUnchanged() throws Exception {
        assertThat(shim.server.verifyLedger()).isNull();
        assertThat(shim.view()).isEqualTo(baseline);
    }
}
