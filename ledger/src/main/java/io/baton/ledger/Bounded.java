package io.baton.ledger;

import java.util.LinkedHashMap;
import java.util.Map;

/** Maps that keep their latest {@code max} entries (by insertion), for the ledger's memories of ended things. */
final class Bounded {
    private Bounded() {
    }

    static <K, V> Map<K, V> map(int max) {
        return new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > max;
            }
        };
    }
}
