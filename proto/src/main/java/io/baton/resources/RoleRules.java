package io.baton.resources;

/**
 * Apache Mesos's role name rules, as {@code mesos::roles::validate} applies them in Mesos 1.11.
 *
 * <p>{@code *} is the default (unreserved) role. Any other role is a path of one or more components
 * separated by {@code /} (a hierarchical role such as {@code eng/web}, allowed since Mesos 1.4):
 * it must not start or end with {@code /} nor contain {@code //}, and no component may be {@code .},
 * {@code ..} or {@code *}, start with {@code -}, or contain whitespace (tab, line feed, vertical tab,
 * form feed, carriage return, space) or DEL. A role with no component at all (the empty string) is
 * refused too. (Mesos's roles page still lists {@code /} as forbidden, from before hierarchical roles;
 * the code it ships accepts {@code /} as the separator, and so do we.)
 *
 * <p>On top of Mesos, Baton keeps roles to the characters {@code A-Z a-z 0-9 _ . - /} so that every
 * value prints as text that {@link Resources#parse} reads back.
 */
final class RoleRules {
    private static final String MESOS_WHITESPACE_OR_DEL = "\t\n\u000b\f\r \u007f";

    private RoleRules() {}

    /** Returns the canonical role: {@code ""} for unreserved ({@code ""} or {@code *}). */
    static String canonical(String label, String role) {
        if (role.isEmpty() || role.equals("*")) {
            return "";
        }
        check(label, role);
        return role;
    }

    /** Refuses a role Mesos refuses; {@code *} passes (the default role). */
    static void check(String label, String role) {
        if (role.isEmpty()) {
            throw refused(label, role, "a role name must not be empty; leave out the parentheses for unreserved");
        }
        if (role.equals("*")) {
            return;
        }
        if (role.startsWith("/")) {
            throw refused(label, role, "a role must not start with '/'");
        }
        if (role.endsWith("/")) {
            throw refused(label, role, "a role must not end with '/'");
        }
        if (role.contains("//")) {
            throw refused(label, role, "a role must not contain '//' (an empty component)");
        }
        for (String component : role.split("/", -1)) {
            checkComponent(label, role, component);
        }
        for (int i = 0; i < role.length(); i++) {
            char c = role.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '_' || c == '.' || c == '-' || c == '/';
            if (!ok) {
                throw Entry.invalid(label, "role '" + role + "' is refused: character '" + c + "' (U+"
                        + String.format("%04X", (int) c) + ") is not allowed; Baton roles use only A-Z a-z 0-9 _ . - /"
                        + " so that they print as parseable text");
            }
        }
    }

    private static void checkComponent(String label, String role, String component) {
        String where = component.equals(role) ? "a role" : "component '" + component + "'";
        if (component.equals(".") || component.equals("..")) {
            throw refused(label, role, where + " must not be '.' or '..'");
        }
        if (component.equals("*")) {
            throw refused(label, role, where + " must not be '*' ('*' alone is the unreserved role)");
        }
        if (component.startsWith("-")) {
            throw refused(label, role, where + " must not start with '-'");
        }
        for (int i = 0; i < component.length(); i++) {
            if (MESOS_WHITESPACE_OR_DEL.indexOf(component.charAt(i)) >= 0) {
                throw refused(label, role, where + " must not contain whitespace or DEL (found U+"
                        + String.format("%04X", (int) component.charAt(i)) + " at index " + i + ")");
            }
        }
    }

    private static IllegalArgumentException refused(String label, String role, String rule) {
        return Entry.invalid(label, "role '" + role + "' is refused by Mesos's role rules: " + rule);
    }
}
