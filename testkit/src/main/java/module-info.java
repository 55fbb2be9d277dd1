/**
 * tinycheckout testkit: abstract JUnit 5 and jqwik contract classes that every storage adapter's
 * tests extend, supplying a fresh {@link dev.tinycheckout.store.CheckoutStorage}.
 *
 * <p>The package is open as well as exported, so that JUnit and jqwik can call the inherited test
 * methods reflectively when the kit runs on the module path.
 */
module dev.tinycheckout.testkit {
  requires transitive dev.tinycheckout.core;
  requires transitive org.junit.jupiter.api;
  requires transitive net.jqwik.api;
  requires transitive org.assertj.core;
  requires static org.jspecify;

  exports dev.tinycheckout.testkit;

  opens dev.tinycheckout.testkit;
}
