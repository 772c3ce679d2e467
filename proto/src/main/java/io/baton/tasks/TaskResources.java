package io.baton.tasks;

/**
 * A task must use some resources. Like Mesos's master, which refuses a task with none ("Task uses no
 * resources"): a task that holds nothing has no share of the node, no container limit to grow or shrink, and a
 * replacement of it has nothing to hand over. Worded once, for the shim's refusal of LAUNCH and REPLACE and the
 * CLI's early check of {@code --resources}.
 */
public final class TaskResources {
    /** What to do about it. */
    public static final String HINT = "give it at least one, e.g. cpus:0.1;mem:16";

    private TaskResources() {
    }

    /** {@code "task s1 uses no resources"}, for {@code whose} = {@code "task s1"}. */
    public static String none(String whose) {
        return whose + " uses no resources";
    }

    /** The whole refusal: {@code "task s1 uses no resources: give it at least one, e.g. cpus:0.1;mem:16"}. */
    public static String refusal(String whose) {
        return none(whose) + ": " + HINT;
    }
}
