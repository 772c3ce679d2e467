package io.baton.shim.core;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.baton.proto.Replace;
import io.baton.proto.ReplaceStrategy;
import io.baton.proto.TaskID;

/**
 * A REPLACE the shim forwarded, as it remembers it: encoded, with what the replacement board reads at every final
 * update beside. The shim remembers thousands (to tell a retry from a conflict), which at full throughput live
 * through several young collections: as a tree of a few dozen messages each, copying them was a third of what
 * survived each collection in the benchmark's JVM (2026-12-05); one array is copied in one go. A request comes again
 * under a known id rarely, and is parsed then.
 *
 * @param encoded    the request's bytes
 * @param strategy   its strategy, STOP_THEN_START where it left the default
 * @param oldTaskId  the task it replaces
 * @param newTaskId  the task it launches
 */
record KnownReplace(ByteString encoded, ReplaceStrategy strategy, TaskID oldTaskId, TaskID newTaskId) {
    static KnownReplace of(Replace r) {
        ReplaceStrategy s = r.getPolicy().getStrategy();
        ReplaceStrategy strategy = s == ReplaceStrategy.STRATEGY_DEFAULT ? ReplaceStrategy.STOP_THEN_START : s;
        return new KnownReplace(r.toByteString(), strategy, r.getOldTaskId(), r.getNewTask().getTaskId());
    }

    /** The request, parsed again (each time asked: a retry under a known id is rare). */
    Replace request() {
        try {
            return Replace.parseFrom(encoded);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a remembered REPLACE does not parse: " + e.getMessage(), e);
        }
    }
}
