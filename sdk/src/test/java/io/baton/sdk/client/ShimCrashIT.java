package io.baton.sdk.client;

import static io.baton.sdk.client.ShimFixture.task;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.proto.TaskState;
import io.baton.resources.Resources;
import io.baton.shim.ShimMain;
import io.baton.shim.testing.JavaProcess;
import io.baton.shim.testing.TestExecutor;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real shim process killed with SIGKILL: whatever the client still waits for fails with
 * {@link ShimUnavailableException} naming the socket, and so does every later call.
 */
class ShimCrashIT {
    @TempDir
    Path dir;

    @Test
    void aKilledShimFailsWhatWaitsAndWhatComesAfter() throws Exception {
        try (JavaProcess shim = JavaProcess.start(dir.resolve("shim.log"), ShimMain.class.getName(), "--work-dir",
                dir.toString(), "--isolator", "none", "--resources", "cpus:4;mem:4096")) {
            shim.awaitLine("baton shim ready");
            try (TestExecutor e1 = new TestExecutor(dir.resolve("executor.sock"), "e1");
                    BatonClient client = BatonClient.connect(ClientOptions.workDir(dir).build())) {
                e1.subscribe("cpus:0.1;mem:32");
                var offers = client.offers(Resources.parse("cpus:1;mem:256")).get(5, SECONDS);
                client.launch("e1", task("a", "cpus:1;mem:256"), BatonClient.offerIds(offers)).get(5, SECONDS);
                e1.wire.await(m -> m.hasEvent() && m.getEvent().hasLaunch());
                e1.update("a", TaskState.TASK_RUNNING);
                ReplaceHandle h = client.replace(ReplaceSpec.of("a", task("b", "cpus:1;mem:256")));
                h.forwarded().get(5, SECONDS);

                shim.kill9();

                assertThatThrownBy(() -> h.outcome().get(5, SECONDS)).cause()
                        .isInstanceOfSatisfying(ShimUnavailableException.class, e -> assertThat(e.endpoint())
                                .isEqualTo("unix:" + dir.resolve("framework.sock")))
                        .hasMessage("lost the connection to the shim at unix:" + dir.resolve("framework.sock"));
                client.closed().get(5, SECONDS);
                assertThat(client.isConnected()).isFalse();
                assertThatThrownBy(() -> client.state().get(5, SECONDS)).cause()
                        .isInstanceOf(ShimUnavailableException.class);
            }
        }
    }
}
