package dev.tinycheckout.http.kit.support;

import dev.tinycheckout.jdbc.JdbcDialect;
import dev.tinycheckout.store.CheckoutStorage;
import javax.sql.DataSource;

/**
 * A fresh test database: the storage on it, and its pool for SQL that goes around the storage.
 *
 * @param storage the storage on the database
 * @param dataSource the database's pool, for raw SQL
 * @param dialect the database's dialect
 */
public record KitDatabase(CheckoutStorage storage, DataSource dataSource, JdbcDialect dialect) {}
