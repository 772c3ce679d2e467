package io.baton.shim.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.ExecutorID;
import io.baton.proto.ExecutorResponse;
import io.baton.proto.ExecutorSubscribe;
import io.baton.proto.FrameworkCall;
import io.baton.proto.Launch;
import io.baton.proto.RejectCode;
import io.baton.shim.testing.TestExecutor;
import io.baton.shim.testing.TestFramework;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ids that would escape a cgroup or work dir are refused; the shim's files are owner-only. */
class IdsAndFilesIT {
    static final List<String> ESCAPING = List.of("../etc", "..", ".", "a/b", "/abs", "a\\b", "A", "", " ",
            "a..b", "-lead", "x".repeat(64), "e\u0000", "é", "a b", "a\nb", "..%2fetc", "cgroup.procs/..");

    @TempDir
    Path dir;
    SecurityShim shim;

    @BeforeEach
    void start() throws Exception {
        // the work dir does not exist yet: the shim creates it
        shim = new SecurityShim(SecurityShim.config(dir.resolve("created").resolve("work")));
    }

    @AfterEach
    void stop() {
        shim.close();
    }

    @Test
    void executorIdsThatCouldEscapeAreRefusedWithoutTouchingTheIsolator() throws Exception {
        int refused = 0;
        for (String id : ESCAPING) {
            try (TestExecutor e = new TestExecutor(shim.config.executorSocket(), id)) {
                ExecutorResponse r = e.subscribe(ExecutorSubscribe.newBuilder());
                assertThat(r.hasRejected()).as("executor id '%s': %s", id, r).isTrue();
                assertThat(r.getRejected().getCode()).as("executor id '%s'", id).isEqualTo(RejectCode.INVALID_ID);
                assertThat(r.getRejected().getMessage()).contains("executor id");
                refused++;
            }
        }
        try (TestFramework fw = shim.framework()) {
            for (String id : ESCAPING) {
                var r = fw.call(FrameworkCall.newBuilder().setLaunch(Launch.newBuilder()
                        .setExecutorId(ExecutorID.newBuilder().setValue(id))
                        .setTask(SecurityShim.task("t", "cpus:1;mem:64"))));
                assertThat(r.hasRejected()).as("launch on '%s': %s", id, r).isTrue();
                assertThat(r.getRejected().getCode()).as("launch on '%s'", id).isEqualTo(RejectCode.INVALID_ID);
                refused++;
            }
        }
        System.out.println("IdsAndFilesIT: " + refused + " escaping executor ids refused");
        assertThat(shim.isolator.calls()).as("isolator calls").isEmpty();
        assertThat(shim.state().getExecutorsCount()).isZero();
        assertThat(shim.server.verifyLedger()).isNull();
    }

    @Test
    void socketsAreOwnerOnlyAndACreatedWorkDirIsPrivate() throws Exception {
        assertThat(mode(shim.config.executorSocket())).isEqualTo("rw-------");
        assertThat(mode(shim.config.frameworkSocket())).isEqualTo("rw-------");
        assertThat(mode(shim.config.workDir())).isEqualTo("rwx------");
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
