package io.baton.shim;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import org.junit.jupiter.api.Test;

class ConsoleTextTest {
    private static final String ERROR = "baton status: cannot reach the shim — no socket → start it (≤ 5× in 300 µs…)";

    @Test
    void aCharsetThatCannotShowTheDashGetsLookAlikes() {
        assertThat(ConsoleText.folds(US_ASCII)).isTrue();
        assertThat(ConsoleText.folds(ISO_8859_1)).isTrue();
        assertThat(ConsoleText.folds(UTF_8)).isFalse();
        // windows-1252 shows the dash, not ≤: it folds, and keeps what it can show
        Charset cp1252 = Charset.forName("windows-1252");
        assertThat(ConsoleText.folds(cp1252)).isTrue();
        assertThat(ConsoleText.fold("a — b ≤ c", cp1252)).isEqualTo("a — b <= c");

        assertThat(ConsoleText.fold(ERROR, US_ASCII))
                .isEqualTo("baton status: cannot reach the shim - no socket -> start it (<= 5x in 300 us...)");
        assertThat(ConsoleText.fold(ERROR, UTF_8)).isEqualTo(ERROR);
    }

    @Test
    void whatTheCharsetCanShowStays() {
        // Latin-1 shows µ, × and é, not the dash or the arrow
        assertThat(ConsoleText.fold("café — 5× in 3 µs → ok", ISO_8859_1)).isEqualTo("café - 5× in 3 µs -> ok");
        String ascii = "plain ASCII, nothing to do";
        assertThat(ConsoleText.fold(ascii, US_ASCII)).isSameAs(ascii);
    }

    @Test
    void aCharacterWithoutALookAlikeIsAQuestionMarkAsBefore() {
        assertThat(ConsoleText.fold("任务 \uD83D\uDE80 ✔ ✘ § 6", US_ASCII)).isEqualTo("?? ? ok x section  6");
        assertThat(ConsoleText.fold("\uD83D\uDE80", UTF_8)).isEqualTo("\uD83D\uDE80");
        assertThat(ConsoleText.fold("lone \uD83D high surrogate", US_ASCII)).isEqualTo("lone ? high surrogate");
    }

    @Test
    void everyTextMethodOfTheStreamFolds() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConsoleText.Folding out = new ConsoleText.Folding(bytes, US_ASCII);

        out.print("a — b");
        out.print('→');
        out.print(new char[] {'×'});
        out.print((Object) "…");
        out.println();
        out.println("c — d");
        out.println((Object) "e — f");
        out.println(new char[] {'≤'});
        out.printf("%s ≥ %d%n", "g", 1);
        out.append("h — i").append('µ').append("xx—", 2, 3);
        out.println();
        out.flush();

        String n = System.lineSeparator();
        assertThat(bytes.toString(US_ASCII)).isEqualTo("a - b->x..." + n + "c - d" + n + "e - f" + n + "<=" + n
                + "g >= 1" + n + "h - iu-" + n);
        assertThat(ConsoleText.isFolding(out)).isTrue();
        assertThat(ConsoleText.isFolding(System.out)).isFalse();
    }

    @Test
    void aWriterOnAFoldingStreamFoldsInItsCharset() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintWriter w = ConsoleText.writer(new ConsoleText.Folding(bytes, US_ASCII));

        w.print("x — y ");
        w.write('→');
        w.write(" z ≤ 1".toCharArray(), 0, 6);
        w.write("ab—cd", 2, 1);
        w.flush();

        assertThat(bytes.toString(US_ASCII)).isEqualTo("x - y -> z <= 1-");
    }

    @Test
    void jsonKeepsEveryCharacterAsAnEscape() {
        String json = "{\"message\": \"replaced s1 — committed\", \"n\": 1}";

        assertThat(ConsoleText.jsonFor(json, US_ASCII)).isEqualTo("{\"message\": \"replaced s1 \\u2014 committed\", \"n\": 1}");
        assertThat(ConsoleText.jsonFor(json, UTF_8)).isSameAs(json);
        // what the charset shows stays; a pair beyond 16 bits is two escapes; a lone surrogate is escaped too
        assertThat(ConsoleText.jsonFor("{\"m\": \"café — \uD83D\uDE80 \uD83D\"}", ISO_8859_1))
                .isEqualTo("{\"m\": \"café \\u2014 \\ud83d\\ude80 \\ud83d\"}");
        assertThat(ConsoleText.jsonFor("{\"m\": \"\uD83D\uDE80\"}", UTF_8)).isEqualTo("{\"m\": \"\uD83D\uDE80\"}");
        assertThat(ConsoleText.jsonFor("{\"m\": \"— ≤\"}", Charset.forName("windows-1252")))
                .isEqualTo("{\"m\": \"— \\u2264\"}");
    }

    @Test
    void logLinesInACharsetThatNeedsThem() {
        assertThat(new String(ConsoleText.bytes("ready — 3 µs", US_ASCII, true), US_ASCII)).isEqualTo("ready - 3 us");
        assertThat(new String(ConsoleText.bytes("ready — 3 µs", UTF_8, false), UTF_8)).isEqualTo("ready — 3 µs");
    }
}
