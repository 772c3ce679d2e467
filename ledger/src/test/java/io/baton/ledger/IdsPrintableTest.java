package io.baton.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Ids quoted in messages stay valid text (HostileExecutorFuzzIT found a surrogate pair cut at the length cap). */
class IdsPrintableTest {
    @Test
    void aSurrogatePairAtTheCapIsNotCutInTwo() {
        String id = "a".repeat(79) + "\uD83D\uDE00" + "b".repeat(10); // an emoji straddling the 80th char
        String p = Ids.printable(id);
        assertThat(p).startsWith("a".repeat(79) + "\uD83D\uDE00").endsWith("...(91 chars)");
        assertThat(p.chars().filter(c -> Character.isSurrogate((char) c))).hasSize(2); // the pair, whole
    }

    @Test
    void unpairedSurrogatesAndControlCharactersAreEscaped() {
        assertThat(Ids.printable("x\uDC85y\u0001")).isEqualTo("x\\udc85y\\x01");
    }
}
