package dev.tinycheckout.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.tinycheckout.StorageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.EnumSource.Mode;

class JdbcMigratorTest {

  /** The versions of the listed migrations, in order (not necessarily consecutive). */
  private static List<Integer> versions() {
    return JdbcMigrator.MIGRATIONS.stream().map(JdbcMigrator::version).toList();
  }

  @ParameterizedTest
  @EnumSource(
      value = TestDatabase.class,
      names = {"H2", "SQLITE", "POSTGRES"})
  void migratingTwiceAppliesEachMigrationOnce(TestDatabase db) {
    try (HikariDataSource ds = db.freshDatabase()) {
      assertThat(JdbcMigrator.create(ds).migrate()).containsExactlyElementsOf(versions());
      assertThat(JdbcMigrator.create(ds).migrate()).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = TestDatabase.class,
      names = {"H2", "SQLITE", "POSTGRES"})
  void instancesStartingAtOnceMigrateExactlyOnce(TestDatabase db) throws Exception {
    try (HikariDataSource ds = db.freshDatabase()) {
      int instances = 4;
      ExecutorService pool = Executors.newFixedThreadPool(instances);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<List<Integer>>> results = new ArrayList<>();
      for (int i = 0; i < instances; i++) {
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return JdbcMigrator.create(ds).migrate();
                }));
      }
      start.countDown();
      List<Integer> applied = new ArrayList<>();
      for (Future<List<Integer>> f : results) {
        applied.addAll(f.get(60, TimeUnit.SECONDS));
      }
      pool.shutdown();
      assertThat(applied).containsExactlyElementsOf(versions());
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = TestDatabase.class,
      names = {"H2", "SQLITE", "POSTGRES"})
  void aChangedMigrationIsRefused(TestDatabase db) throws Exception {
    try (HikariDataSource ds = db.freshDatabase()) {
      JdbcMigrator.create(ds).migrate();
      try (Connection c = ds.getConnection();
          Statement s = c.createStatement()) {
        s.execute("UPDATE tc_schema_history SET checksum = '" + "0".repeat(64) + "'");
        if (!c.getAutoCommit()) {
          c.commit();
        }
      }
      assertThatThrownBy(() -> JdbcMigrator.create(ds).migrate())
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("V1__tinycheckout_core.sql changed after it was applied")
          .hasMessageContaining("add a new one");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = TestDatabase.class,
      names = {"H2", "SQLITE", "POSTGRES"})
  void aStorageUsedBeforeMigrationSaysHowToMigrate(TestDatabase db) {
    try (HikariDataSource ds = db.freshDatabase()) {
      JdbcStorage storage = JdbcStorage.create(ds);
      assertThatThrownBy(() -> storage.inTransaction(tx -> tx.products().findAll()))
          .isInstanceOfSatisfying(
              StorageException.class, e -> assertThat(e.isRetryable()).isFalse())
          .hasMessageContaining("schema is missing")
          .hasMessageContaining("JdbcMigrator.create(dataSource).migrate()")
          .hasMessageContaining(
              "db/migration/" + storage.dialect().name().toLowerCase(java.util.Locale.ROOT));
    }
  }

  @ParameterizedTest
  @EnumSource(value = TestDatabase.class, mode = Mode.MATCH_ANY, names = "H2|SQLITE|POSTGRES")
  void theDialectIsDetectedFromTheConnection(TestDatabase db) {
    JdbcDialect expected =
        switch (db) {
          case H2 -> JdbcDialect.H2;
          case SQLITE -> JdbcDialect.SQLITE;
          default -> JdbcDialect.POSTGRESQL;
        };
    assertThat(JdbcStorage.create(db.dataSource()).dialect()).isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void everyDialectShipsExactlyTheListedMigrations() throws IOException {
    for (JdbcDialect d : JdbcDialect.values()) {
      try (Stream<Path> files = Files.list(Path.of("src/main/resources", d.migrationLocation()))) {
        assertThat(files.map(p -> p.getFileName().toString()))
            .as(d.migrationLocation())
            .containsExactlyInAnyOrderElementsOf(JdbcMigrator.MIGRATIONS);
      }
    }
  }

  @org.junit.jupiter.api.Test
  void scriptsSplitAtLineEndingSemicolonsButNotInsideDollarQuotes() {
    List<String> statements =
        JdbcMigrator.statements(
            "-- comment\nCREATE TABLE a (x INT);\n\nCREATE FUNCTION f() RETURNS trigger AS $$\n"
                + "BEGIN\n  RAISE EXCEPTION 'no';\nEND;\n$$;\nINSERT INTO a VALUES (1);\n");
    assertThat(statements).hasSize(3);
    assertThat(statements.get(1)).contains("RAISE EXCEPTION 'no';").endsWith("$$");
  }
}
