/**
 * tinycheckout JDBC adapter: every storage SPI of core on PostgreSQL, MySQL/MariaDB, H2 and SQLite,
 * and a built-in migrator.
 */
module dev.tinycheckout.jdbc {
  requires transitive dev.tinycheckout.core;
  requires transitive java.sql;
  requires org.slf4j;
  requires static transitive org.jspecify;

  exports dev.tinycheckout.jdbc;
}
