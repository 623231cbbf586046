package dev.latchkey.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.latchkey.server.http.HttpApi;
import dev.latchkey.server.store.StoreThatUsesTheHttpLayer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The server's package map (README, "Layout") as rules over the compiled classes: a layer uses only the layers below
 * it, the sign-in methods under {@code factor} are peers that never use each other, and the store's interfaces know
 * nothing of JDBC. A change that breaks the map fails here, naming the class and the dependency.
 */
class ArchitectureTest {
  private static final String SERVER = "dev.latchkey.server";
  private static final JavaClasses SERVER_CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages(SERVER);

  /** Top to bottom; each layer names who may use it. */
  private static ArchRule layering() {
    return layeredArchitecture().consideringOnlyDependenciesInLayers()
        .layer("root").definedBy(SERVER)
        .layer("http").definedBy(SERVER + ".http..")
        .layer("admin").definedBy(SERVER + ".admin..")
        .layer("factor").definedBy(SERVER + ".factor..")
        .layer("user").definedBy(SERVER + ".user..")
        .layer("session").definedBy(SERVER + ".session..")
        .layer("keys").definedBy(SERVER + ".keys..")
        .layer("mail").definedBy(SERVER + ".mail..")
        .layer("oidc").definedBy(SERVER + ".oidc..")
        .layer("store.jdbc").definedBy(SERVER + ".store.jdbc..")
        .layer("store").definedBy(SERVER + ".store")
        .layer("crypto").definedBy(SERVER + ".crypto..")
        .layer("config").definedBy(SERVER + ".config..")
        .layer("error").definedBy(SERVER + ".error..")
        .layer("metrics").definedBy(SERVER + ".metrics..")
        .whereLayer("root").mayNotBeAccessedByAnyLayer()
        .whereLayer("http").mayOnlyBeAccessedByLayers("root")
        .whereLayer("admin").mayOnlyBeAccessedByLayers("http", "root")
        .whereLayer("factor").mayOnlyBeAccessedByLayers("admin", "http", "root")
        .whereLayer("user").mayOnlyBeAccessedByLayers("admin", "factor", "http", "root")
        .whereLayer("session").mayOnlyBeAccessedByLayers("admin", "user", "factor", "http", "root")
        .whereLayer("keys").mayOnlyBeAccessedByLayers("admin", "session", "http", "root")
        .whereLayer("mail").mayOnlyBeAccessedByLayers("factor", "http", "root")
        .whereLayer("oidc").mayOnlyBeAccessedByLayers("factor", "http", "root")
        .whereLayer("store.jdbc").mayOnlyBeAccessedByLayers("root")
        .whereLayer("store").mayOnlyBeAccessedByLayers("store.jdbc", "keys", "session", "user", "factor", "admin",
            "http", "root")
        .whereLayer("crypto").mayOnlyBeAccessedByLayers("keys", "session", "user", "factor", "admin", "http", "root")
        .whereLayer("config").mayOnlyBeAccessedByLayers("mail", "store.jdbc", "factor", "admin", "http", "root")
        .whereLayer("error").mayOnlyBeAccessedByLayers("mail", "keys", "session", "user", "factor", "admin", "http",
            "root")
        .whereLayer("metrics").mayOnlyBeAccessedByLayers("mail", "keys", "session", "user", "factor", "admin", "http",
            "root");
  }

  @Test
  void eachLayerUsesOnlyTheLayersBelowIt() {
    layering().check(SERVER_CLASSES);
  }

  @Test
  void theLayeringRuleCatchesAStoreThatUsesTheHttpLayer() {
    JavaClasses withViolation = new ClassFileImporter().importClasses(StoreThatUsesTheHttpLayer.class, HttpApi.class);

    assertThat(layering().evaluate(withViolation).hasViolation()).isTrue();
  }

  @Test
  void signInMethodsArePeersThatNeverUseEachOther() {
    slices().matching(SERVER + ".factor.(*)..").should().notDependOnEachOther().check(SERVER_CLASSES);
  }

  @Test
  void oauthIsASignInMethodThatReachesNeitherTheHttpLayerNorJdbcNorAnotherMethod() {
    noClasses().that().resideInAPackage(SERVER + ".factor.oauth..")
        .should().dependOnClassesThat().resideInAnyPackage(SERVER + ".http..", SERVER + ".keys..",
            SERVER + ".store.jdbc..", SERVER + ".factor.password..", SERVER + ".factor.magiclink..",
            SERVER + ".factor.otp..", SERVER + ".factor.totp..", "java.sql..")
        .check(SERVER_CLASSES);
  }

  @Test
  void whatTheSignInMethodsShareUsesNoSignInMethod() {
    DescribedPredicate<JavaClass> aSignInMethod = DescribedPredicate.describe("a sign-in method under factor.*",
        c -> c.getPackageName().startsWith(SERVER + ".factor."));
    noClasses().that().resideInAPackage(SERVER + ".factor")
        .should().dependOnClassesThat(aSignInMethod).check(SERVER_CLASSES);
  }

  @Test
  void onlyThePasskeyMethodUsesTheWebAuthnLibrary() {
    // Yubico's types stay inside factor.webauthn: the routes, the store and the sessions see our own records only.
    noClasses().that().resideOutsideOfPackage(SERVER + ".factor.webauthn..")
        .should().dependOnClassesThat().resideInAPackage("com.yubico..").check(SERVER_CLASSES);
  }

  @Test
  void theStoreInterfacesKnowNothingOfJdbcPoolsOrMigrations() {
    noClasses().that().resideInAPackage(SERVER + ".store")
        .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..", "com.zaxxer..",
            "org.flywaydb..", "org.sqlite..", "org.postgresql..")
        .check(SERVER_CLASSES);
  }

  @Test
  void theReadmesPackageMapNamesEveryServerPackageAndNoOther() throws IOException {
    String readme = Files.readString(projectRoot().resolve("README.md"));
    String layout = readme.substring(readme.indexOf("## Layout"));
    Set<String> documented = new TreeSet<>();
    Matcher row = Pattern.compile("(?m)^\\| (?:`([a-z.]+)`|\\(root\\)) \\|").matcher(layout);
    while (row.find()) {
      documented.add(row.group(1) == null ? SERVER : SERVER + "." + row.group(1));
    }
    Set<String> actual = new TreeSet<>();
    SERVER_CLASSES.forEach(c -> actual.add(c.getPackageName()));

    assertThat(documented).isEqualTo(actual);
  }

  private static Path projectRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (!Files.exists(dir.resolve("README.md"))) {
      dir = dir.getParent();
    }
    return dir;
  }

  @Test
  void theAdminConsoleUsesNoSignInMethodButPasswordsAndNeverTheHttpLayerOrJdbc() {
    // It hashes admin passwords with the users' Argon2id hasher and strength policy; nothing else of factor.*.
    noClasses().that().resideInAPackage(SERVER + ".admin..")
        .should().dependOnClassesThat().resideInAnyPackage(SERVER + ".http..", SERVER + ".store.jdbc..",
            SERVER + ".factor.magiclink..", SERVER + ".factor.otp..", SERVER + ".factor.totp..",
            SERVER + ".factor.oauth..", SERVER + ".factor.webauthn..", SERVER + ".factor.migrate..", "java.sql..")
        .check(SERVER_CLASSES);
  }

  @Test
  void thereAreNoCyclesBetweenServerPackages() {
    slices().matching(SERVER + ".(**)").should().beFreeOfCycles().check(SERVER_CLASSES);
  }
}
