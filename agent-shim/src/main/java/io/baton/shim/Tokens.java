package io.baton.shim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/** The framework token: read from its file, or created (mode 0600) with 32 random bytes. */
public final class Tokens {
    private Tokens() {
    }

    public static String loadOrCreate(Path file, boolean createIfMissing) throws IOException {
        if (Files.exists(file)) {
            String token = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (token.isEmpty()) {
                throw new IOException("token file " + file + " is empty; put a token in it or delete it to get a new one");
            }
            return token;
        }
        if (!createIfMissing) {
            throw new IOException("token file " + file + " does not exist; create it or omit --token-file");
        }
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        String token = HexFormat.of().formatHex(bytes);
        Files.createDirectories(file.getParent());
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
        return token;
    }
}
