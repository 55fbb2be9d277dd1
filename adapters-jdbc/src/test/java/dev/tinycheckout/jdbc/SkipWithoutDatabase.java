package dev.tinycheckout.jdbc;

import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/**
 * Skips jqwik properties on a database that the environment does not provide, as JUnit's
 * {@code @EnabledIfEnvironmentVariable} does for Jupiter tests. Without it a property would count
 * every aborted try as rejected and fail instead of being skipped.
 */
abstract class SkipWithoutDatabase implements SkipExecutionHook {
  private final TestDatabase database;

  SkipWithoutDatabase(TestDatabase database) {
    this.database = database;
  }

  @Override
  public SkipResult shouldBeSkipped(LifecycleContext context) {
    String url = System.getenv(database.envVariable());
    return url == null || url.isBlank()
        ? SkipResult.skip(
            database.envVariable() + " is not set: skipping the " + database + " tests")
        : SkipResult.doNotSkip();
  }

  @Override
  public PropagationMode propagateTo() {
    return PropagationMode.ALL_DESCENDANTS;
  }

  /** For MariaDB / MySQL. */
  static final class MariaDb extends SkipWithoutDatabase {
    MariaDb() {
      super(TestDatabase.MARIADB);
    }
  }

  /** For the machine's own PostgreSQL. */
  static final class LocalPostgres extends SkipWithoutDatabase {
    LocalPostgres() {
      super(TestDatabase.POSTGRES_LOCAL);
    }
  }
}
