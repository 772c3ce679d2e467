package io.baton.sdk.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A shim's TCP address kept in a file, for a shim that can move: {@code FILE} holds {@code tcp://HOST:PORT}
 * (first line), and a newer address may arrive beside it as {@code FILE.N}: the one with the highest {@code N}
 * wins over {@code FILE} and lower numbers. The executor's connection reads it again before every attempt to
 * connect, so after its shim moved (a Baton AM on YARN restarted as attempt N, which drops
 * {@code baton-am.address.N} into the executor's container) it reconnects to the new place.
 *
 * <p>Reads files; safe from any thread.
 */
public final class ShimAddressFile {
    private ShimAddressFile() {
    }

    /** The newest file of {@code file}'s versions ({@code file} itself, or {@code file.N} with the highest N). */
    public static Path newest(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        String prefix = file.getFileName() + ".";
        Path best = file;
        long bestN = -1;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, prefix + "*")) {
            for (Path p : entries) {
                String suffix = p.getFileName().toString().substring(prefix.length());
                if (suffix.matches("[0-9]{1,9}") && Long.parseLong(suffix) > bestN) {
                    bestN = Long.parseLong(suffix);
                    best = p;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + " for versions of the shim address file "
                    + file.getFileName() + ": " + e.getMessage(), e);
        }
        return best;
    }

    /**
     * The address in the newest version of {@code file}; fails with a message naming the file and what it held
     * when it is missing or is not {@code tcp://HOST:PORT}.
     */
    public static InetSocketAddress read(Path file) {
        Path newest = newest(file);
        String text;
        try {
            text = Files.readString(newest, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the shim address file " + newest + ": " + e.getMessage(), e);
        }
        String first = text.lines().findFirst().orElse("");
        return parse(first, newest.toString());
    }

    /** {@code tcp://HOST:PORT}; {@code source} names where it came from in the error. */
    static InetSocketAddress parse(String address, String source) {
        int colon = address.lastIndexOf(':');
        if (!address.startsWith("tcp://") || colon <= "tcp://".length()) {
            throw new IllegalArgumentException("the shim address in " + source + " must be tcp://HOST:PORT, got '"
                    + address + "'");
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("the shim address in " + source + " must have a port 1-65535, got '"
                    + address + "'");
        }
        return new InetSocketAddress(address.substring("tcp://".length(), colon), port);
    }
}
