package io.baton.shim.isolator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The outcome of probing the machine for an isolator: the isolator, or why there is none. */
record Detection<T extends Isolator>(Optional<T> isolator, String reason) {

    static <T extends Isolator> Detection<T> found(T isolator, String reason) {
        return new Detection<>(Optional.of(isolator), reason);
    }

    static <T extends Isolator> Detection<T> missing(String reason) {
        return new Detection<>(Optional.empty(), reason);
    }

    /** Reads a /proc file, or "" when it cannot be read (not Linux, restricted /proc). */
    static String readProc(String path) {
        try {
            return Files.readString(Path.of(path));
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
