package io.baton.sdk.journal;

import io.baton.proto.JournalRecord;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A journal that hands every call to another: the base of wrappers that watch or interrupt a journal (crash
 * tests' fail points, benchmarks' timers, the simulation's crashes) and override only the calls they care about.
 */
public abstract class ForwardingJournal implements Journal {
    private final Journal delegate;

    protected ForwardingJournal(Journal delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The journal every call goes to. */
    protected final Journal delegate() {
        return delegate;
    }

    @Override
    public long append(JournalRecord record) {
        return delegate.append(record);
    }

    @Override
    public void settle() {
        delegate.settle();
    }

    @Override
    public void sync() {
        delegate.sync();
    }

    @Override
    public long checkpoint(JournalRecord checkpoint) {
        return delegate.checkpoint(checkpoint);
    }

    @Override
    public void replay(Consumer<JournalRecord> consumer) {
        delegate.replay(consumer);
    }

    @Override
    public long appended() {
        return delegate.appended();
    }

    @Override
    public Stats stats() {
        return delegate.stats();
    }

    @Override
    public boolean opening() {
        return delegate.opening();
    }

    @Override
    public Optional<Shortage> shortage() {
        return delegate.shortage();
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
