package io.baton.sdk.client;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;

/**
 * Where the client's two threads come from: {@link ClientOptions#threads()} when set, else Baton's named
 * daemons {@code baton-client-io-<name>-P-N} (the connection's IO thread) and
 * {@code baton-client-updates-<name>-P-N} (update delivery). The one class of the client package that may
 * make a thread any other way ({@code ThreadInjectionArchTest}).
 */
final class ClientThreads {
    private ClientThreads() {
    }

    /** The connection's one IO thread. */
    static ThreadFactory io(ClientOptions options) {
        return options.threads() != null ? options.threads()
                : new DefaultThreadFactory("baton-client-io-" + options.name(), true);
    }

    /** The single thread that runs update listeners, the updates queue and acknowledgements, in order. */
    static ExecutorService delivery(ClientOptions options, java.util.function.Consumer<Thread> made) {
        ThreadFactory base = options.threads() != null ? options.threads()
                : new DefaultThreadFactory("baton-client-updates-" + options.name(), true);
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = base.newThread(r);
            made.accept(t); // the client knows its own delivery thread (close() must not wait for itself)
            return t;
        });
    }
}
