/**
 * tinycheckout JDBC adapter: every storage SPI of core on PostgreSQL, MySQL/MariaDB, H2 and SQLite,
 * a built-in migrator, and an optional PostgreSQL LISTEN/NOTIFY listener that wakes a dispatcher
 * when another instance commits deliveries.
 */
@SuppressWarnings("requires-automatic") // pgjdbc has no module-info, only a module name
module dev.tinycheckout.jdbc {
  requires transitive dev.tinycheckout.core;
  requires transitive java.sql;
  requires org.slf4j;
  requires static transitive org.jspecify;
  // Only PostgresOutboxListener needs the driver; whoever uses it has it.
  requires static org.postgresql.jdbc;

  exports dev.tinycheckout.jdbc;
}
