package io.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 11: {@code --resources ''} is refused before anything is sent, in the shim's words ("task s1 uses no
 * resources: ..."); the work dir named does not exist, so a command that got as far as connecting would say so.
 */
class NoResourcesTest {
    @Test
    void launchAndReplaceOfATaskWithNoResourcesFailBeforeConnecting() {
        for (String none : List.of("", "cpus:0", "{}")) {
            for (List<String> args : List.of(List.of("launch", "--executor", "e1"), List.of("replace", "w1"))) {
                List<String> all = new java.util.ArrayList<>(args);
                all.addAll(List.of("--work-dir", "/nonexistent/baton-no-resources", "--task", "s1", "--resources", none));
                CliNode.Run r = CliNode.run(all.toArray(String[]::new));
                assertThat(r.exit()).as("%s", all).isEqualTo(2);
                assertThat(r.err().strip()).as("%s", all).doesNotContain("\n").isEqualTo("baton " + args.get(0)
                        + ": task s1 uses no resources — --resources '" + none + "' holds nothing — give it at least "
                        + "one, e.g. cpus:0.1;mem:16");
            }
        }
    }
}
