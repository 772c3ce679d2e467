package io.baton.shim;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import picocli.CommandLine;

/**
 * Baton's messages on a console that cannot show them. They use a few characters outside ASCII: the dash between an
 * error's parts ({@code baton status: cannot reach the shim — why — what to do}), arrows, µs, ×, ≤, …. A Java 17 JVM
 * writes standard output and error in the locale's charset, and where no locale is set (a container image, cron, a
 * service manager, {@code env -i}) that is US-ASCII, so each of those characters would come out as {@code ?}. Where
 * the charset cannot show them, they are written as their ASCII look-alikes instead ({@code —} as {@code -},
 * {@code →} as {@code ->}, {@code µ} as {@code u}, {@code ≤} as {@code <=}); a character with no look-alike that the
 * charset cannot show is still a {@code ?}. Where the charset shows them all (UTF-8), nothing changes. The standard
 * streams' charset on a terminal is {@code sun.stdout.encoding} / {@code sun.stderr.encoding} (the locale's), not
 * {@code file.encoding}: {@code -Dfile.encoding=UTF-8} alone does not change it.
 */
public final class ConsoleText {
    /** Characters Baton's messages hold: a charset that cannot show all of them gets look-alikes. */
    private static final String PROBE = "—→µ×≤…";
    private static final Charset DEFAULT = Charset.defaultCharset();
    private static final boolean DEFAULT_FOLDS = folds(DEFAULT);

    private ConsoleText() {
    }

    /** Whether text written in {@code charset} is written with look-alikes. */
    public static boolean folds(Charset charset) {
        return !charset.newEncoder().canEncode(PROBE);
    }

    /**
     * Has {@code System.out} and {@code System.err} write look-alikes where their charset cannot show Baton's
     * characters (and leaves them as they are where it can). Call before anything is printed.
     */
    public static void install() {
        Charset out = streamCharset("sun.stdout.encoding");
        if (folds(out)) {
            System.setOut(new Folding(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 128), out));
        }
        Charset err = streamCharset("sun.stderr.encoding");
        if (folds(err)) {
            System.setErr(new Folding(new BufferedOutputStream(new FileOutputStream(FileDescriptor.err), 128), err));
        }
    }

    /** The charset a Java 17 JVM gave the standard stream: its property when set (a console), else the default. */
    static Charset streamCharset(String property) {
        String name = System.getProperty(property);
        try {
            return name == null ? DEFAULT : Charset.forName(name);
        } catch (RuntimeException e) {
            return DEFAULT;
        }
    }

    /**
     * A writer onto {@code stream} in its charset ({@link Folding}'s, else the default), with look-alikes where that
     * charset needs them: for picocli, whose own writer would encode the text before a {@link Folding} stream saw it.
     */
    public static PrintWriter writer(PrintStream stream) {
        Charset charset = stream instanceof Folding f ? f.charset : DEFAULT;
        Writer w = new OutputStreamWriter(stream, charset);
        return new PrintWriter(folds(charset) ? new FoldingWriter(w, charset) : w, true);
    }

    /** {@code text} in the default charset, with look-alikes where it needs them (the daemons' log lines). */
    public static byte[] bytes(String text) {
        return bytes(text, DEFAULT, DEFAULT_FOLDS);
    }

    static byte[] bytes(String text, Charset charset, boolean folds) {
        return (folds ? fold(text, charset) : text).getBytes(charset);
    }

    /** {@code text} with every character {@code charset} cannot show replaced by its look-alike ({@code ?} if none). */
    public static String fold(CharSequence text, Charset charset) {
        int i = 0;
        int n = text.length();
        while (i < n && text.charAt(i) < 0x80) {
            i++;
        }
        if (i == n) {
            return text.toString();
        }
        CharsetEncoder encoder = charset.newEncoder();
        StringBuilder b = new StringBuilder(n + 16).append(text, 0, i);
        for (; i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                b.append(c);
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                String pair = text.subSequence(i, i + 2).toString();
                b.append(encoder.canEncode(pair) ? pair : "?");
                i++;
            } else if (encoder.canEncode(c)) {
                b.append(c);
            } else {
                b.append(lookAlike(c));
            }
        }
        return b.toString();
    }

    /** The ASCII look-alike of a character Baton prints, {@code ?} for the others. */
    static String lookAlike(char c) {
        return switch (c) {
            case '—', '–', '−', '─', '‐', '‑' -> "-";
            case '→' -> "->";
            case '←' -> "<-";
            case '↔' -> "<->";
            case 'µ', 'μ' -> "u";
            case '×' -> "x";
            case '≤' -> "<=";
            case '≥' -> ">=";
            case '≠' -> "!=";
            case '…' -> "...";
            case '·', '•' -> "*";
            case '§' -> "section ";
            case '✔', '✓' -> "ok";
            case '✘', '✗' -> "x";
            case '‘', '’' -> "'";
            case '“', '”' -> "\"";
            case '\u00a0', '\u2009', '\u202f' -> " ";
            default -> "?";
        };
    }

    /**
     * {@code json} with every character {@code charset} cannot show written as a {@code \\uXXXX} escape (a pair of
     * them for a character beyond the 16-bit range): the same JSON for a parser (JSON's own syntax is ASCII, so such
     * characters only stand inside strings), nothing lost.
     */
    public static String jsonFor(String json, Charset charset) {
        CharsetEncoder encoder = null;
        StringBuilder b = null;
        for (int i = 0; i < json.length(); ) {
            int n = Character.charCount(json.codePointAt(i));
            boolean escape = false;
            if (json.charAt(i) >= 0x80) {
                encoder = encoder != null ? encoder : charset.newEncoder();
                escape = !encoder.canEncode(json.substring(i, i + n)); // a lone surrogate too: escaped, valid JSON
            }
            if (escape && b == null) {
                b = new StringBuilder(json.length() + 32).append(json, 0, i);
            }
            if (escape) {
                for (int k = i; k < i + n; k++) {
                    b.append(String.format("\\u%04x", (int) json.charAt(k)));
                }
            } else if (b != null) {
                b.append(json, i, i + n);
            }
            i += n;
        }
        return b == null ? json : b.toString();
    }

    /**
     * {@code line}'s writers onto {@code System.out} and {@code System.err} when {@link #install} made them fold (and
     * its subcommands', as picocli passes them on): picocli's own writers would encode the text before the stream
     * could fold it. Call after the subcommands are added.
     */
    public static CommandLine writersFor(CommandLine line) {
        if (isFolding(System.out)) {
            line.setOut(writer(System.out));
        }
        if (isFolding(System.err)) {
            line.setErr(writer(System.err));
        }
        return line;
    }

    /** Whether {@code stream} is one {@link #install} made: it writes look-alikes. */
    public static boolean isFolding(PrintStream stream) {
        return stream instanceof Folding;
    }

    /** The charset a writer from {@link #writer} on {@code System.out} writes. */
    public static Charset outCharset() {
        return System.out instanceof Folding f ? f.charset : streamCharset("sun.stdout.encoding");
    }

    /**
     * A print stream that writes look-alikes where its charset cannot show a character. Every text method of
     * {@link PrintStream} that a subclass can reach ends in {@link #print(String)} or {@link #print(char)}: the
     * {@code println}s of a subclass print and then end the line, {@code append} and {@code format} print.
     */
    static final class Folding extends PrintStream {
        final Charset charset;

        Folding(OutputStream out, Charset charset) {
            super(out, true, charset);
            this.charset = charset;
        }

        @Override
        public void print(String s) {
            super.print(fold(String.valueOf(s), charset));
        }

        @Override
        public void print(char c) {
            if (c < 0x80) {
                super.print(c);
            } else {
                print(String.valueOf(c));
            }
        }

        @Override
        public void print(char[] s) {
            print(new String(s));
        }

        @Override
        public void print(Object obj) {
            print(String.valueOf(obj));
        }

        // a line and its end in one write, as the JDK's own System.out does: another process writing to the same
        // terminal or file cannot land between them
        @Override
        public void println(String x) {
            super.print(fold(x + System.lineSeparator(), charset));
        }

        @Override
        public void println(Object x) {
            println(String.valueOf(x));
        }

        @Override
        public void println(char[] x) {
            println(new String(x));
        }
    }

    /** A writer that writes look-alikes where {@code charset} cannot show a character. */
    static final class FoldingWriter extends FilterWriter {
        private final Charset charset;

        FoldingWriter(Writer out, Charset charset) {
            super(out);
            this.charset = charset;
        }

        @Override
        public void write(int c) throws IOException {
            if (c < 0x80) {
                out.write(c);
            } else {
                out.write(fold(String.valueOf((char) c), charset));
            }
        }

        @Override
        public void write(char[] cbuf, int off, int len) throws IOException {
            out.write(fold(java.nio.CharBuffer.wrap(cbuf, off, len), charset));
        }

        @Override
        public void write(String str, int off, int len) throws IOException {
            out.write(fold(str.subSequence(off, off + len), charset));
        }
    }
}
