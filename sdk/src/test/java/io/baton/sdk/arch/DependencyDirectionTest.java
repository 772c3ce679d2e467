package io.baton.sdk.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import org.junit.jupiter.api.Test;

/**
 * Dependencies point one way: executor authors see {@code sdk.api}; the runtime wires the adapters to it;
 * the SDK shares the node's ledger with the shim through the ledger module, never through the shim.
 */
class DependencyDirectionTest {
    static final JavaClasses SDK = CorePurityTest.SDK;

    @Test
    void theApiDoesNotKnowTheRuntimeOrItsAdapters() {
        noClasses().that().resideInAPackage("io.baton.sdk.api..")
                .should().dependOnClassesThat().resideInAnyPackage("io.baton.sdk.runtime..", "io.baton.sdk.journal..",
                        "io.baton.sdk.transport..", "io.baton.sdk.core..", "io.baton.sdk.client..")
                .because("the api holds only the types an executor author sees; ExecutorBootstrap (runtime) wires "
                        + "clock, journal and shim connection to them")
                .check(SDK);
    }

    @Test
    void theSdkDoesNotDependOnTheShim() {
        noClasses().should().dependOnClassesThat().resideInAPackage("io.baton.shim..")
                .because("executor authors must not get the shim daemon, picocli or logback; the ledger module "
                        + "is what the SDK and the shim share")
                .check(SDK);
    }

    @Test
    void theSdkUsesNoPicocliAndNoLogback() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("picocli..", "ch.qos.logback..")
                .because("a command line and a logging backend belong to runnable modules (cli, bench, the shim); "
                        + "the SDK logs through slf4j only")
                .check(SDK);
    }
}
