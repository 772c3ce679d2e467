package io.baton.sdk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.proto.FrameworkCall;
import io.baton.proto.GetState;
import io.baton.resources.Resources;
import io.baton.sdk.api.BatonExecutor;
import io.baton.sdk.api.ExecutorOptions;
import io.baton.sdk.api.Task;
import io.baton.sdk.journal.JournalException;
import io.baton.sdk.runtime.ExecutorBootstrap;
import io.baton.shim.isolator.InMemoryIsolator;
import io.baton.shim.server.ShimConfig;
import io.baton.shim.server.ShimServer;
import io.baton.shim.testing.TestFramework;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An executor whose journal cannot be opened stops with the journal's error: {@link ExecutorBootstrap#run} throws it
 * (the queue opens on a thread of its own, so it is no longer {@code start} that throws), and the executor never
 * subscribes with a journal it could not read.
 */
class JournalStartFailureIT {
    static final String TOKEN = "journal-token";

    @TempDir
    Path dir;
    ShimServer shim;
    ShimConfig config;
    TestFramework fw;

    @BeforeEach
    void start() throws Exception {
        config = ShimConfig.defaults(dir.resolve("shim"), Resources.parse("cpus:4;mem:1024"), "none");
        shim = new ShimServer(config, new InMemoryIsolator(), TOKEN).start();
        fw = TestFramework.unix(config.frameworkSocket());
        fw.subscribe(TOKEN, true);
    }

    @AfterEach
    void stop() {
        fw.close();
        shim.close();
    }

    static final class Idle extends BatonExecutor {
        @Override
        public void launch(Task task) {
            task.running();
        }

        @Override
        public void kill(Task task, Duration grace) {
            task.killed("stopped");
        }
    }

    @Test
    void aJournalThatCannotBeOpenedStopsTheExecutorWithItsError() throws Exception {
        Path work = dir.resolve("x1");
        Files.createDirectories(work);
        Files.writeString(work.resolve("journal"), "a file where the journal's directory belongs");
        ExecutorOptions options = new ExecutorOptions("x1", work, config.executorSocket());
        CompletableFuture<Void> ran = CompletableFuture.runAsync(() -> ExecutorBootstrap.run(new Idle(), options));
        assertThatThrownBy(() -> ran.get(20, TimeUnit.SECONDS)).cause().isInstanceOf(JournalException.class)
                .hasMessageContaining(work.resolve("journal").toString());
        var state = fw.call(FrameworkCall.newBuilder().setState(GetState.getDefaultInstance())).getState();
        assertThat(state.getExecutorsCount()).as("never subscribed").isZero();
    }
}
