package io.baton.shim.core;

import io.baton.proto.ExecutorID;
import io.baton.proto.RefusedSubscription;
import io.baton.proto.RejectCode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The latest refused SUBSCRIBE of each executor id, for STATE: an executor retries a refused subscription until it
 * is accepted, so without this a refusal that does not clear was in the logs only. Only refusals after the caller
 * is known to be allowed to use that id are kept (as only those are logged), at most {@link #MAX}, the least
 * recently refused dropped first; an entry goes once its executor subscribes, or once it has not tried for the
 * shim's recovery timeout.
 */
final class RefusedSubscriptions {
    /** Entries kept at most. */
    static final int MAX = 64;

    private record Refusal(long pid, int uid, RejectCode code, String message, int times, long firstAtUs,
            long lastAtUs) {
    }

    /** Least recently refused first. */
    private final LinkedHashMap<String, Refusal> byId = new LinkedHashMap<>();

    /**
     * Executor {@code id}'s subscription was refused with {@code code} at {@code nowUs}; returns how many times in a
     * row it was refused so (1 for a new reason).
     */
    int refused(String id, long pid, int uid, RejectCode code, String message, long nowUs) {
        Refusal before = byId.remove(id);
        boolean again = before != null && before.code() == code && before.message().equals(message);
        Refusal now = new Refusal(pid, uid, code, message, again ? before.times() + 1 : 1,
                again ? before.firstAtUs() : nowUs, nowUs);
        byId.put(id, now);
        Iterator<Refusal> eldest = byId.values().iterator();
        while (byId.size() > MAX) {
            eldest.next();
            eldest.remove();
        }
        return now.times();
    }

    /** Executor {@code id} subscribed. */
    void subscribed(String id) {
        byId.remove(id);
    }

    /** Forgets the executors that have not tried since {@code beforeUs}. */
    void expire(long beforeUs) {
        byId.values().removeIf(r -> r.lastAtUs() < beforeUs);
    }

    int size() {
        return byId.size();
    }

    /** For STATE, least recently refused first. */
    List<RefusedSubscription> toProto() {
        List<RefusedSubscription> out = new ArrayList<>(byId.size());
        byId.forEach((id, r) -> out.add(RefusedSubscription.newBuilder()
                .setExecutorId(ExecutorID.newBuilder().setValue(id)).setPid((int) r.pid()).setUid(r.uid())
                .setCode(r.code()).setMessage(r.message()).setTimes(r.times()).setFirstAtUs(r.firstAtUs())
                .setLastAtUs(r.lastAtUs()).build()));
        return out;
    }
}
