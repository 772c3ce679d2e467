package io.baton.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written resource name check gives the regex's answer (the regex stays the documented rule). */
class EntryNameTest {
    private static final String ALPHABET = "azAZ09_./-\\ :@\t\u0000\u007f`{[^~!$%&'()*+,;<=>?\"|é\u00ffＡ\u0660";

    @Test
    void theHandWrittenCheckAgreesWithThePattern() {
        Random r = new Random(20261204);
        int valid = 0;
        for (int i = 0; i < 100_000; i++) {
            int n = r.nextInt(4) == 0 ? r.nextInt(3) : r.nextInt(40);
            boolean plain = r.nextBoolean();
            StringBuilder b = new StringBuilder(n);
            for (int k = 0; k < n; k++) {
                b.append(plain && r.nextInt(30) != 0 ? "azAZ09_./-".charAt(r.nextInt(10))
                        : ALPHABET.charAt(r.nextInt(ALPHABET.length())));
            }
            String name = b.toString();
            boolean expected = Entry.NAME.matcher(name).matches();
            assertThat(Entry.named(name)).as("name '%s'", name).isEqualTo(expected);
            valid += expected ? 1 : 0;
        }
        assertThat(valid).as("valid names among the samples").isGreaterThan(3_000);
    }

    @Test
    void anInvalidNameIsStillRefusedWithTheRule() {
        assertThatThrownBy(() -> Resources.parse("cp us:1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be non-empty and use only A-Z a-z 0-9 _ . - /");
    }
}
