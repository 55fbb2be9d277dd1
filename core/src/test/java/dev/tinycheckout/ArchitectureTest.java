package dev.tinycheckout;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The boundaries of core, guarded by tests rather than by reviews. */
class ArchitectureTest {
  private static JavaClasses core;

  @BeforeAll
  static void importCore() {
    core =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.tinycheckout");
  }

  @Test
  void coreDependsOnTheJdkSlf4jAndJSpecifyOnly() {
    classes()
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "java..", "javax.crypto..", "dev.tinycheckout..", "org.slf4j..", "org.jspecify..")
        .check(core);
  }

  @Test
  void coreNeverTouchesJdbcServersJsonLibrariesOrCaches() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "java.sql..",
            "javax.sql..",
            "jakarta..",
            "javax.servlet..",
            "com.sun.net.httpserver..",
            "tools.jackson..",
            "com.fasterxml.jackson..",
            "com.github.benmanes.caffeine..")
        .check(core);
  }

  @Test
  void storageSpisDoNotDependOnTheEngines() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.tinycheckout.store..",
            "dev.tinycheckout.catalog..",
            "dev.tinycheckout.order..",
            "dev.tinycheckout.idempotency..",
            "dev.tinycheckout.fulfilment..",
            "dev.tinycheckout.consent..",
            "dev.tinycheckout.memory..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.tinycheckout.checkout..")
        .check(core);
  }

  @Test
  void theInMemoryStorageUsesOnlyTheSpis() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.tinycheckout.memory..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.tinycheckout.internal..", "dev.tinycheckout.payment..")
        .check(core);
  }

  @Test
  void exceptionsAreUncheckedAndShareOneRoot() {
    classes()
        .that()
        .areAssignableTo(Exception.class)
        .should()
        .beAssignableTo(TinyCheckoutException.class)
        .check(core);
  }

  @Test
  void noManagersHelpersOrIPrefixedInterfaces() {
    noClasses()
        .should()
        .haveSimpleNameEndingWith("Manager")
        .orShould()
        .haveSimpleNameEndingWith("Helper")
        .orShould()
        .haveNameMatching(".*\\.I[A-Z][a-z].*")
        .check(core);
  }
}
