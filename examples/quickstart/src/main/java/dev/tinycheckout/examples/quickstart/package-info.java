/**
 * The quickstart: the checkout API of the HTTP contract and a small storefront page on the JDK's
 * own HTTP server, over an embedded H2 database (or PostgreSQL, MariaDB, MySQL). Run it with {@code
 * java -jar examples/quickstart/target/quickstart.jar}; {@link
 * dev.tinycheckout.examples.quickstart.Main} lists the options.
 */
@NullMarked
package dev.tinycheckout.examples.quickstart;

import org.jspecify.annotations.NullMarked;
