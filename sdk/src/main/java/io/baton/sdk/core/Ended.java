package io.baton.sdk.core;

/**
 * What is remembered of a finished replacement: what was asked, and how it ended. One read back from a
 * checkpoint keeps the request encoded until it is asked for (a retry of its id): replay reads its id only.
 */
public final class Ended {
    private final String replacementId;
    private final Phase outcome;
    private io.baton.proto.Replace request;
    private final com.google.protobuf.ByteString encoded;

    public Ended(io.baton.proto.Replace request, Phase outcome) {
        this.replacementId = request.getReplacementId().getValue();
        this.outcome = outcome;
        this.request = request;
        this.encoded = null;
    }

    private Ended(String replacementId, Phase outcome, com.google.protobuf.ByteString encoded) {
        this.replacementId = replacementId;
        this.outcome = outcome;
        this.encoded = encoded;
    }

    /** {@code replacementId}'s request as {@code encoded} (a Replace's bytes), parsed when first asked for. */
    public static Ended encoded(String replacementId, Phase outcome, com.google.protobuf.ByteString encoded) {
        return new Ended(replacementId, outcome, encoded);
    }

    public String replacementId() {
        return replacementId;
    }

    public Phase outcome() {
        return outcome;
    }

    public io.baton.proto.Replace request() {
        if (request == null) {
            try {
                request = io.baton.proto.Replace.parseFrom(encoded);
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new IllegalStateException("the remembered request of replacement " + replacementId
                        + " does not parse: " + e.getMessage(), e);
            }
        }
        return request;
    }

    /** The request's encoding: as it was read, or made now. */
    public com.google.protobuf.ByteString requestBytes() {
        return encoded != null ? encoded : request.toByteString();
    }

    @Override
    public String toString() {
        return "Ended[" + replacementId + " " + outcome + "]";
    }
}
