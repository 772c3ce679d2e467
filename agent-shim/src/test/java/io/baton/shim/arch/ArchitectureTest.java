package io.baton.shim.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The ledger and the shim core are pure (no IO, threads or clock), and the shim never depends on the SDK. */
class ArchitectureTest {
    static final JavaClasses SHIM = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.baton.shim");

    @Test
    void theLedgerDoesNoIoUsesNoThreadsAndReadsNoClock() {
        noClasses().that().resideInAPackage("io.baton.shim.ledger..")
                .should().dependOnClassesThat().resideInAnyPackage("io.netty..", "java.io..", "java.nio..",
                        "java.net..", "java.util.concurrent..", "java.time..", "org.slf4j..",
                        "io.baton.shim.server..", "io.baton.shim.isolator..")
                .orShould().dependOnClassesThat().areAssignableTo(Thread.class)
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .because("the ledger is the shim's pure core: time comes in as an argument")
                .check(SHIM);
    }

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
                .because("agent-shim and sdk share types only through the proto module").check(SHIM);
    }
}
