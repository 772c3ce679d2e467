package io.baton.shim.isolator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ContainerIdsTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "0", "exec-1", "exec_1.v2", "a.b.c", "svc-7.task_3-x", "a-",
        "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0"})
    void acceptsWellFormedIds(String id) {
        assertThat(ContainerIds.validate(id)).isEqualTo(id);
        assertThat(ContainerIds.PATTERN.matcher(id).matches()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "../etc", "a/../../b", "a..b", "exec..", "a/b", "/abs", "Exec-1",
        "-lead", "_lead", ".hidden", "a b", "a\u0000b", "a\nb", "é", "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz01"})
    void rejectsTraversalAndMalformedIdsNamingIdAndPattern(String id) {
        assertThatThrownBy(() -> ContainerIds.validate(id))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid container id")
                .hasMessageContaining(ContainerIds.RULE);
        assertThat(ContainerIds.PATTERN.matcher(id).matches()).isFalse();
    }

    @Test
    void messagesShowControlCharactersEscapedAndNullAsNull() {
        assertThatThrownBy(() -> ContainerIds.validate("a\u0000b")).hasMessageContaining("'a\\u0000b'");
        assertThatThrownBy(() -> ContainerIds.validate(null)).hasMessageContaining("id null");
        assertThatThrownBy(() -> ContainerIds.validate("x".repeat(5000))).hasMessageContaining("(5000 chars)");
    }

    @Test
    void resolveUnderStaysBelowTheRoot() {
        Path root = Path.of("/sys/fs/cgroup/memory/baton");

        assertThat(ContainerIds.resolveUnder(root, "exec-1")).isEqualTo(root.resolve("exec-1"));
        assertThatThrownBy(() -> ContainerIds.resolveUnder(root, "..")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ContainerIds.requireUnder(root, root.resolve("../other")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("escapes");
        assertThatThrownBy(() -> ContainerIds.requireUnder(root, Path.of("/sys/fs/cgroup/memory/baton-evil")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parentsAreValidatedSegmentBySegment() {
        assertThat(ContainerIds.validateParent("baton/node-1")).isEqualTo("baton/node-1");
        for (String bad : new String[] {"", "/baton", "baton/", "baton//x", "baton/../x", "Baton"}) {
            assertThatThrownBy(() -> ContainerIds.validateParent(bad))
                    .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cgroup parent");
        }
    }
}
