package io.baton.shim.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The shim core is pure (no IO, threads, clock or random source), and the shim never depends on the SDK.
 * (The ledger's purity is checked in its own module,
 * {@code io.baton.ledger.arch.LedgerPurityTest}.)
 */
class ArchitectureTest {
    static final JavaClasses SHIM = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.baton.shim");

    @Test
    void theShimCoreDoesNoIoUsesNoThreadsAndReadsNoClockOrRandomSource() {
        noClasses().that().resideInAPackage("io.baton.shim.core..")
                .should().dependOnClassesThat().resideInAnyPackage("io.netty..", "java.io..", "java.nio.file..",
                        "java.nio.channels..", "java.net..", "java.util.concurrent..", "java.time..", "org.slf4j..",
                        "io.baton.shim.server..", "io.baton.shim.isolator..", "io.baton.shim.metrics..")
                .orShould().dependOnClassesThat().areAssignableTo(Thread.class)
                .orShould().dependOnClassesThat().areAssignableTo(java.util.Random.class)
                .orShould().dependOnClassesThat().areAssignableTo(java.util.UUID.class)
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .because("the shim core decides, the adapters do IO: time and uuids come in as data")
                .check(SHIM);
    }

    @Test
    void theShimDoesNotDependOnTheSdk() {
        noClasses().should().dependOnClassesThat().resideInAPackage("io.baton.sdk..")
                .because("agent-shim and sdk share types only through the proto and ledger modules").check(SHIM);
    }
}
