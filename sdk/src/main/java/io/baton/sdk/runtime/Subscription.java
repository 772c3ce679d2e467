package io.baton.sdk.runtime;

import io.baton.proto.OfferID;
import io.baton.proto.ReservationRecord;
import io.baton.sdk.core.Command;
import io.baton.sdk.core.Replacement;
import io.baton.sdk.core.Resume;
import io.baton.sdk.transport.ShimRejection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** (Re-)subscribing: report tasks and live reservations, then re-issue the shim calls that were in flight. */
final class Subscription {
    private static final Logger LOG = LoggerFactory.getLogger(Subscription.class);

    private final ExecutorRuntime rt;

    Subscription(ExecutorRuntime rt) {
        this.rt = rt;
    }

    void subscribe() {
        rt.shim().subscribe(rt.subscription()).whenComplete((ok, err) -> rt.loop().execute(() -> {
            if (err == null) {
                LOG.info("executor {} subscribed to the shim (container {})", rt.executorId(), ok.getContainer());
                // shim calls first: on one connection the shim sees a RELEASE before the final update it allows
                rt.markSubscribed();
                reissue();
                rt.subscribedNow();
                return;
            }
            Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
            if (cause instanceof ShimRejection rej) {
                LOG.error("executor {}: the shim refused the subscription: {}; retrying in 5 s", rt.executorId(),
                        rej.getMessage());
                rt.loop().schedule(this::subscribe, 5, TimeUnit.SECONDS);
            }
        }));
    }

    /** Shim calls of replacements in flight: all idempotent, so repeating one that landed is harmless. */
    private void reissue() {
        List<Command> cmds = new ArrayList<>();
        for (Replacement r : rt.engine().replacements()) {
            if (!r.phase().terminal() || r.holdsReservation()) {
                for (Command c : Resume.commands(r, true)) {
                    if (Recovery.isShimCall(c)) {
                        cmds.add(c);
                    }
                }
            }
        }
        rt.execute(cmds);
    }

    List<ReservationRecord> reservations() {
        List<ReservationRecord> out = new ArrayList<>();
        for (Replacement r : rt.engine().replacements()) {
            if (!r.holdsReservation()) {
                continue;
            }
            ReservationRecord.Builder b = ReservationRecord.newBuilder()
                    .setReplacementId(CommandRunner.rid(r.id())).setOldTask(r.oldTask()).setNewTask(r.request().newTask())
                    .addAllPool(r.pool().toProto()).addAllInUse(r.inUse().toProto())
                    .setConcurrent(r.request().policy().concurrent());
            r.request().offerIds().forEach(o -> b.addOfferIds(OfferID.newBuilder().setValue(o)));
            out.add(b.build());
        }
        return out;
    }
}
