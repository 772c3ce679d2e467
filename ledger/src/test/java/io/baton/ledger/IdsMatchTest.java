package io.baton.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written id checks give the regexes' answers (the regexes stay the documented rule, in the messages). */
class IdsMatchTest {
    /** Every character class the patterns name, their neighbours in ASCII, and a few beyond it. */
    private static final String ALPHABET = "azAZ09_.:@-/\\ \t\n\u0000\u007f`{[^~!$%&'()*+,;<=>?\"|é\u00ff\u0100Ａ\u0660\uD83D";

    private static String randomId(Random r) {
        int[] lengths = {0, 1, 2, 3, 62, 63, 64, 127, 128, 129};
        int n = r.nextInt(3) == 0 ? lengths[r.nextInt(lengths.length)] : r.nextInt(140);
        StringBuilder b = new StringBuilder(n);
        // mostly valid characters (of an executor id, or of any other id), so that long ids get tested too
        String plain = switch (r.nextInt(3)) {
            case 0 -> "abz09_.-";
            case 1 -> "abz09_.-AZ:@";
            default -> "";
        };
        for (int i = 0; i < n; i++) {
            b.append(!plain.isEmpty() && r.nextInt(200) != 0 ? plain.charAt(r.nextInt(plain.length()))
                    : ALPHABET.charAt(r.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }

    @Test
    void theHandWrittenChecksAgreeWithThePatterns() {
        Random r = new Random(20261204);
        int executorValid = 0;
        int objectValid = 0;
        for (int i = 0; i < 100_000; i++) {
            String id = randomId(r);
            boolean executor = Ids.EXECUTOR.matcher(id).matches();
            boolean object = Ids.OBJECT.matcher(id).matches();
            assertThat(Ids.executorShaped(id)).as("executor id '%s'", Ids.printable(id)).isEqualTo(executor);
            assertThat(Ids.objectShaped(id)).as("object id '%s'", Ids.printable(id)).isEqualTo(object);
            executorValid += executor ? 1 : 0;
            objectValid += object ? 1 : 0;
        }
        assertThat(executorValid).as("valid executor ids among the samples").isGreaterThan(3_000);
        assertThat(objectValid).as("valid object ids among the samples").isGreaterThan(3_000);
    }

    @Test
    void theMessagesStillNameThePattern() {
        assertThat(Ids.checkExecutor("Exec")).contains("must match " + Ids.EXECUTOR.pattern());
        assertThat(Ids.checkObject("task id", "a/b")).contains("must match " + Ids.OBJECT.pattern());
        assertThat(Ids.checkObject("task id", "a..b")).contains("must not contain '..'");
        assertThat(Ids.checkExecutor("e".repeat(63))).isNull();
        assertThat(Ids.checkExecutor("e".repeat(64))).isNotNull();
        assertThat(Ids.checkObject("task id", "t".repeat(128))).isNull();
        assertThat(Ids.checkObject("task id", "t".repeat(129))).isNotNull();
    }
}
