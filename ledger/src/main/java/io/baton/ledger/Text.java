package io.baton.ledger;

import io.baton.proto.RejectCode;
import io.baton.proto.Resource;
import io.baton.resources.Resources;
import io.baton.tasks.TaskResources;
import java.util.List;

/** Small helpers for rejection messages and resource parsing. */
final class Text {
    private Text() {
    }

    static String of(Resources r) {
        return r.isEmpty() ? "nothing" : r.toString();
    }

    /** "only X is free", or "nothing is free" (never "only nothing"). */
    static String onlyFree(Resources free) {
        return free.isEmpty() ? "nothing is free" : "only " + free + " is free";
    }

    static Verdict<Resources> resources(String whose, List<Resource> list) {
        try {
            return Verdict.ok(Resources.fromProto(list));
        } catch (IllegalArgumentException e) {
            return Verdict.reject(RejectCode.INVALID_RESOURCES, "resources of " + whose + " are invalid: "
                    + e.getMessage());
        }
    }

    /** A task's resources: valid, and not empty (a task must use something: {@link TaskResources}). */
    static Verdict<Resources> taskResources(String whose, List<Resource> list) {
        Verdict<Resources> v = resources(whose, list);
        if (v.accepted() && v.value().isEmpty()) {
            return Verdict.reject(RejectCode.INVALID_RESOURCES, TaskResources.refusal(whose));
        }
        return v;
    }
}
