package io.baton.sdk.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.annotation.Testable;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * Every row of the {@link Transitions} table must be used by the core scenario tests: an unexercised row is
 * untested behaviour. Each {@link Script} collects the rows its engine took; a test class registered with
 * {@code @ExtendWith(RowCoverage.class)} contributes the rows of the scripts its passing tests used.
 *
 * <p>The union is checked after the last contributing class, whichever that is — once every test method of
 * every contributing class (found on the class path by the annotation) has run and passed. A run of a
 * subset ({@code -Dtest=...}) or one with failures therefore checks nothing, and says so, rather than
 * failing for rows the tests that did not run would have used. Random tests (the property tests) do not
 * contribute, so coverage never depends on a seed. The core tests run on one thread (JUnit's default).
 */
final class RowCoverage implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
    private static final String PACKAGE = RowCoverage.class.getPackageName();
    private static final BitSet USED = new BitSet();
    private static final Set<String> PASSED = new HashSet<>();
    private static final Set<String> FAILED = new TreeSet<>();
    /** The scripts made since the last test of a contributing class ended; null outside such a class. */
    private static List<Script> scripts;
    private static boolean checked;

    static synchronized void track(Script s) {
        if (scripts != null) {
            scripts.add(s);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        synchronized (RowCoverage.class) {
            scripts = new ArrayList<>();
        }
        context.getRoot().getStore(ExtensionContext.Namespace.create(RowCoverage.class))
                .getOrComputeIfAbsent("note", k -> (AutoCloseable) RowCoverage::note);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        String test = key(context.getRequiredTestClass(), context.getRequiredTestMethod().getName());
        synchronized (RowCoverage.class) {
            if (context.getExecutionException().isPresent()) {
                FAILED.add(test);
            } else {
                PASSED.add(test);
                scripts.forEach(s -> USED.or(s.rows));
            }
            scripts.clear();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        List<String> missing;
        BitSet used;
        synchronized (RowCoverage.class) {
            scripts = null;
            if (checked || !FAILED.isEmpty() || !PASSED.containsAll(expected())) {
                return;
            }
            checked = true;
            used = (BitSet) USED.clone();
        }
        missing = new ArrayList<>();
        for (Row r : Transitions.rows()) {
            if (!used.get(r.index())) {
                missing.add(r.from() + " on " + Transitions.label(r) + " (" + r.note() + ")");
            }
        }
        if (!missing.isEmpty()) {
            throw new AssertionError(missing.size() + " of " + Transitions.rows().size() + " transition rows were"
                    + " used by no core scenario test; add a scenario for each:\n  " + String.join("\n  ", missing));
        }
        System.out.println("RowCoverage: all " + Transitions.rows().size() + " transition rows used by the core"
                + " scenario tests");
    }

    private static synchronized void note() {
        if (!checked) {
            int expected = expected().size();
            System.out.println("RowCoverage: transition row coverage not checked: " + PASSED.size() + " of "
                    + expected + " core scenario tests passed" + (FAILED.isEmpty() ? "" : ", failed: " + FAILED)
                    + " (it is checked when all of them run and pass)");
        }
    }

    /** Every test method of every class in this package that contributes. */
    private static Set<String> expected() {
        Set<String> out = new HashSet<>();
        for (Class<?> c : ReflectionSupport.findAllClassesInPackage(PACKAGE, RowCoverage::contributes, n -> true)) {
            for (var m : ReflectionSupport.findMethods(c, m -> AnnotationSupport.isAnnotated(m, Testable.class)
                    && !AnnotationSupport.isAnnotated(m, Disabled.class), HierarchyTraversalMode.TOP_DOWN)) {
                out.add(key(c, m.getName()));
            }
        }
        return out;
    }

    private static boolean contributes(Class<?> c) {
        return !AnnotationSupport.isAnnotated(c, Disabled.class) && AnnotationSupport
                .findRepeatableAnnotations(c, ExtendWith.class).stream()
                .anyMatch(a -> Arrays.asList(a.value()).contains(RowCoverage.class));
    }

    private static String key(Class<?> c, String method) {
        return c.getName() + "#" + method;
    }
}
