package io.baton.shim.core;

import java.util.ArrayList;
import java.util.List;

/** The effects of one input, in the order they must be carried out. */
public record Result(List<Effect> effects) {

    public <T extends Effect> List<T> of(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (Effect e : effects) {
            if (type.isInstance(e)) {
                out.add(type.cast(e));
            }
        }
        return out;
    }

    /** The one effect of that type; fails with the effects listed when there is not exactly one. */
    public <T extends Effect> T only(Class<T> type) {
        List<T> all = of(type);
        if (all.size() != 1) {
            throw new IllegalStateException("expected one " + type.getSimpleName() + ", got " + all.size() + " in " + effects);
        }
        return all.get(0);
    }
}
