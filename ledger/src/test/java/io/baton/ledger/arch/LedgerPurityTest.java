package io.baton.ledger.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The ledger is the node's pure core, shared by the shim and the SDK's in-process agent: it sees only the
 * proto module, protobuf and the JDK's plain types — no Netty, Chronicle, files, threads or clock.
 */
class LedgerPurityTest {
    static final JavaClasses LEDGER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.baton.ledger");

    @Test
    void theLedgerSeesOnlyProtoProtobufAndTheJdk() {
        classes().that().resideInAPackage("io.baton.ledger..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("io.baton.ledger..", "io.baton.proto..",
                        "io.baton.resources..", "io.baton.tasks..", "com.google.protobuf..", "java..")
                .because("the ledger module depends on baton-proto only; the shim and the SDK depend on it")
                .check(LEDGER);
    }

    @Test
    void theLedgerDoesNoIoUsesNoThreadsAndReadsNoClock() {
        noClasses().that().resideInAPackage("io.baton.ledger..")
                .should().dependOnClassesThat().resideInAnyPackage("java.io..", "java.nio..", "java.net..",
                        "java.util.concurrent..", "java.time..")
                .orShould().dependOnClassesThat().areAssignableTo(Thread.class)
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .because("time comes in as an argument; IO and threads belong to the processes that use the ledger")
                .check(LEDGER);
    }
}
