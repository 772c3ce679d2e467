package io.baton.sdk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.proto.FrameworkCall;
import io.baton.proto.GetState;
import io.baton.sdk.api.ExecutorOptions;
import io.baton.sdk.journal.JournalException;
import io.baton.sdk.runtime.ExecutorBootstrap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An executor whose journal cannot be opened stops with the journal's error: {@link ExecutorBootstrap#run} throws it
 * (the queue opens on a thread of its own, so it is no longer {@code start} that throws). One whose files cannot even
 * be read never subscribes; one whose files read but whose queue cannot open subscribes (the queue opens after the
 * first subscription, 2026-12-06) and stops as soon as the opening fails.
 */
class JournalStartFailureIT {
    @TempDir
    Path dir;
    LocalShim local;

    @BeforeEach
    void start() throws Exception {
        local = new LocalShim(dir, "journal-token");
    }

    @AfterEach
    void stop() {
        local.close();
    }

    @Test
    void aQueueThatCannotOpenAlthoughItsFilesReadStopsTheExecutorWithItsError() throws Exception {
        Path work = dir.resolve("x1");
        Files.createDirectories(work.resolve("journal").resolve("metadata.cq4t")); // Chronicle's table, a directory
        ExecutorOptions options = new ExecutorOptions("x1", work, local.config.executorSocket());
        CompletableFuture<Void> ran = CompletableFuture.runAsync(() -> ExecutorBootstrap.run(
                new ExecutorThreadsIT.RecordingExecutor(), options));
        // the replay reads the (empty) directory itself; the queue, opened after the subscription, fails (Chronicle's
        // own error, naming the journal's directory)
        assertThatThrownBy(() -> ran.get(20, TimeUnit.SECONDS)).cause()
                .hasMessageContaining(work.resolve("journal").toString());
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> local.fw.call(
                FrameworkCall.newBuilder().setState(GetState.getDefaultInstance())).getState().getExecutorsList()
                .stream().noneMatch(e -> e.getConnected()));
    }

    @Test
    void aJournalThatCannotBeOpenedStopsTheExecutorWithItsError() throws Exception {
        Path work = dir.resolve("x1");
        Files.createDirectories(work);
        Files.writeString(work.resolve("journal"), "a file where the journal's directory belongs");
        ExecutorOptions options = new ExecutorOptions("x1", work, local.config.executorSocket());
        CompletableFuture<Void> ran = CompletableFuture.runAsync(() -> ExecutorBootstrap.run(
                new ExecutorThreadsIT.RecordingExecutor(), options));
        assertThatThrownBy(() -> ran.get(20, TimeUnit.SECONDS)).cause().isInstanceOf(JournalException.class)
                .hasMessageContaining(work.resolve("journal").toString());
        var state = local.fw.call(FrameworkCall.newBuilder().setState(GetState.getDefaultInstance())).getState();
        assertThat(state.getExecutorsCount()).as("never subscribed").isZero();
    }
}
