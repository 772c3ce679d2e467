package io.baton.sdk.core;

/**
 * What is remembered of a finished replacement: what was asked, and how it ended. The request is kept encoded (one
 * array instead of a tree of a few dozen messages) until it is asked for, by a retry of its id after the engine let
 * the whole replacement go: an engine remembers 10,000 of them, which at thousands of replacements a second outlive
 * several young collections, and copying their trees from survivor space to survivor space was most of the cost of
 * each one. The checkpoint writes the same bytes, and replay reads an entry's id only.
 */
public final class Ended {
    private final String replacementId;
    private final Phase outcome;
    private final com.google.protobuf.ByteString encoded;

    public Ended(io.baton.proto.Replace request, Phase outcome) {
        this(request.getReplacementId().getValue(), outcome, request.toByteString());
    }

    private Ended(String replacementId, Phase outcome, com.google.protobuf.ByteString encoded) {
        this.replacementId = replacementId;
        this.outcome = outcome;
        this.encoded = encoded;
    }

    /** {@code replacementId}'s request as {@code encoded} (a Replace's bytes), parsed whenever asked for. */
    public static Ended encoded(String replacementId, Phase outcome, com.google.protobuf.ByteString encoded) {
        return new Ended(replacementId, outcome, encoded);
    }

    public String replacementId() {
        return replacementId;
    }

    public Phase outcome() {
        return outcome;
    }

    /** The request, parsed (each time: a retry of a replacement this old is rare, and keeping the tree is not). */
    public io.baton.proto.Replace request() {
        try {
            return io.baton.proto.Replace.parseFrom(encoded);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException("the remembered request of replacement " + replacementId
                    + " does not parse: " + e.getMessage(), e);
        }
    }

    /** The request's encoding. */
    public com.google.protobuf.ByteString requestBytes() {
        return encoded;
    }

    @Override
    public String toString() {
        return "Ended[" + replacementId + " " + outcome + "]";
    }
}
