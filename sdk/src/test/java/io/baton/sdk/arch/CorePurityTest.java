package io.baton.sdk.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The replacement engine is pure: no Netty, no Chronicle, no file IO, no threads, no clock. */
class CorePurityTest {
    static final JavaClasses SDK = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.baton.sdk");

    @Test
    void theCoreHasNoIoThreadsOrClock() {
        noClasses().that().resideInAPackage("io.baton.sdk.core..")
                .should().dependOnClassesThat().resideInAnyPackage("io.netty..", "net.openhft..", "java.io..",
                        "java.nio..", "java.net..", "java.util.concurrent..", "java.time..", "org.slf4j..",
                        "io.baton.sdk.journal..", "io.baton.sdk.transport..", "io.baton.sdk.runtime..",
                        "io.baton.sdk.client..")
                .orShould().dependOnClassesThat().areAssignableTo(Thread.class)
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .because("time and threads are injected; the runtime executes the core's commands")
                .check(SDK);
    }

    @Test
    void theExecutorDriverHasNoIoThreadsOrClock() {
        noClasses().that().resideInAPackage("io.baton.sdk.driver..")
                .should().dependOnClassesThat().resideInAnyPackage("io.netty..", "net.openhft..", "java.io..",
                        "java.net..", "java.util.concurrent..", "java.time..", "org.slf4j..",
                        "io.baton.sdk.transport..", "io.baton.sdk.runtime..", "io.baton.sdk.client..",
                        "io.baton.sdk.api..")
                .orShould().dependOnClassesThat().haveSimpleNameStartingWith("Chronicle")
                .orShould().dependOnClassesThat().areAssignableTo(Thread.class)
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().callMethod(java.util.UUID.class, "randomUUID")
                .because("the executor driver decides; the runtime (threads, sockets, hooks, clock) carries out its"
                        + " effects, and the simulation runs the same driver")
                .check(SDK);
    }
}
