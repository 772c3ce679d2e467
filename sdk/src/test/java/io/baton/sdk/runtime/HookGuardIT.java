package io.baton.sdk.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.sdk.core.Hook;
import io.baton.sdk.transport.ExecutorThreads;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Hooks of one task never overlap, even when one outlives its bound; failures arrive on the loop. */
class HookGuardIT {
    @Test
    void aHookPastItsBoundFailsButTheTasksNextHookWaitsForItToReallyReturn() throws Exception {
        DriverLoop loop = new DriverLoop(ExecutorThreads.named().driver("test"));
        HookGuard guard = new HookGuard(loop, ExecutorThreads.named().hookPool());
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxConcurrent = new AtomicInteger();
        List<String> outcomes = new CopyOnWriteArrayList<>();
        CountDownLatch release = new CountDownLatch(1);
        loop.submit(() -> {
            guard.run("a", Hook.LAUNCH, 100, () -> {
                maxConcurrent.accumulateAndGet(running.incrementAndGet(), Math::max);
                try {
                    while (release.getCount() > 0) {
                        try {
                            release.await(10, TimeUnit.MILLISECONDS);
                        } catch (InterruptedException ignored) {
                            // a badly behaved hook that ignores interruption
                        }
                    }
                } finally {
                    running.decrementAndGet();
                }
                return "late";
            }, ok -> outcomes.add("first ok"), msg -> outcomes.add("first failed: " + msg));
            guard.run("a", Hook.KILL, 1_000, () -> {
                maxConcurrent.accumulateAndGet(running.incrementAndGet(), Math::max);
                running.decrementAndGet();
                return "done";
            }, ok -> outcomes.add("second ok"), msg -> outcomes.add("second failed: " + msg));
        }).get();
        await().atMost(Duration.ofSeconds(5)).until(() -> outcomes.size() == 1);
        assertThat(outcomes.get(0)).isEqualTo("first failed: LAUNCH of task a did not return within 100 ms");
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> outcomes.size() == 1); // the second hook still waits for the first to return
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> outcomes.size() == 2);
        assertThat(outcomes.get(1)).isEqualTo("second ok");
        assertThat(maxConcurrent.get()).isEqualTo(1);
        guard.close();
        loop.shutdownNow();
    }
}
