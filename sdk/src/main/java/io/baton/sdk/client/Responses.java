package io.baton.sdk.client;

import io.baton.proto.FrameworkResponse;
import io.baton.proto.FrameworkResponse.ResultCase;
import java.util.function.Function;

/** Decoders from a response to a call's typed result; a rejection becomes a {@link ShimRejectedException}. */
final class Responses {
    private Responses() {
    }

    static <T> Function<FrameworkResponse, T> expect(String call, ResultCase wanted,
            Function<FrameworkResponse, T> get) {
        return r -> {
            if (r.getResultCase() == ResultCase.REJECTED) {
                throw new ShimRejectedException(call, r.getRejected().getCode(), r.getRejected().getMessage(),
                        r.getRejected().getOutcomeFollows());
            }
            if (r.getResultCase() != wanted) {
                throw new IllegalStateException("the shim answered " + call + " with " + r.getResultCase()
                        + " instead of " + wanted + "; are the client and the shim the same version?");
            }
            return get.apply(r);
        };
    }

    static Function<FrameworkResponse, Void> accepted(String call) {
        return expect(call, ResultCase.ACCEPTED, r -> null);
    }
}
