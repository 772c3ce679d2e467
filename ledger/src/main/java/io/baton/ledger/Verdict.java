package io.baton.ledger;

import io.baton.proto.RejectCode;
import io.baton.proto.Rejection;

/**
 * The answer of a ledger operation: accepted with a value, or rejected with a code and a message a
 * user can act on. Rejections are expected outcomes, never exceptions.
 */
public sealed interface Verdict<T> {

    record Accepted<T>(T value) implements Verdict<T> {
    }

    record Rejected<T>(RejectCode code, String message) implements Verdict<T> {
        public Rejection toProto() {
            return Rejection.newBuilder().setCode(code).setMessage(message).build();
        }
    }

    static <T> Verdict<T> ok(T value) {
        return new Accepted<>(value);
    }

    static <T> Verdict<T> reject(RejectCode code, String message) {
        return new Rejected<>(code, message);
    }

    default boolean accepted() {
        return this instanceof Accepted;
    }

    /** The accepted value; throws if this is a rejection (programmer error). */
    default T value() {
        if (this instanceof Accepted<T> a) {
            return a.value();
        }
        Rejected<T> r = (Rejected<T>) this;
        throw new IllegalStateException("verdict was rejected: " + r.code() + ": " + r.message());
    }

    /** Re-types a rejection so it can be returned from an operation with another value type. */
    @SuppressWarnings("unchecked")
    default <U> Verdict<U> cast() {
        if (this instanceof Rejected) {
            return (Verdict<U>) this;
        }
        throw new IllegalStateException("only a rejection can be re-typed");
    }
}
