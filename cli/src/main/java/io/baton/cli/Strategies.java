package io.baton.cli;

import io.baton.proto.ReplaceStrategy;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;

/**
 * The replacement strategies a user may name: the four real ones, never the wire enum's placeholders
 * (STRATEGY_DEFAULT, UNRECOGNIZED). Listed in help and completion, and the only values {@code --strategy} takes.
 */
final class Strategies implements Iterable<String>, CommandLine.ITypeConverter<ReplaceStrategy> {
    static final List<ReplaceStrategy> REAL = List.of(ReplaceStrategy.STOP_THEN_START, ReplaceStrategy.START_THEN_STOP,
            ReplaceStrategy.FREEZE_THEN_START, ReplaceStrategy.RESIZE_IN_PLACE);

    @Override
    public Iterator<String> iterator() {
        return REAL.stream().map(Enum::name).iterator();
    }

    @Override
    public ReplaceStrategy convert(String value) {
        String v = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (ReplaceStrategy s : REAL) {
            if (s.name().equals(v)) {
                return s;
            }
        }
        throw new CommandLine.TypeConversionException("'" + value + "' is not a strategy: use STOP_THEN_START, "
                + "START_THEN_STOP, FREEZE_THEN_START or RESIZE_IN_PLACE");
    }
}
