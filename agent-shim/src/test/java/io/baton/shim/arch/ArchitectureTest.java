package io.baton.shim.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The shim never depends on the SDK. (The ledger's purity is checked in its own module,
 * {@code io.baton.ledger.arch.LedgerPurityTest}.)
 */
class ArchitectureTest {
    static final JavaClasses SHIM = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.baton.shim");

    @Test
    void theShimDoesNotDependOnTheSdk() {
        noClasses().should().dependOnClassesThat().resideInAPackage("io.baton.sdk..")
                .because("agent-shim and sdk share types only through the proto and ledger modules").check(SHIM);
    }
}
