/**
 * The JDBC adapter: {@link dev.tinycheckout.jdbc.JdbcStorage} runs each unit of work in one
 * database transaction; {@link dev.tinycheckout.jdbc.JdbcMigrator} creates the schema; {@link
 * dev.tinycheckout.jdbc.JdbcDialect} holds every SQL difference between databases; {@link
 * dev.tinycheckout.jdbc.PostgresOutboxListener} wakes a dispatcher when another instance commits
 * deliveries on PostgreSQL.
 */
@NullMarked
package dev.tinycheckout.jdbc;

import org.jspecify.annotations.NullMarked;
