/**
 * tinycheckout core: the framework-agnostic engines and storage SPIs.
 *
 * <p>Exports the API and SPI packages; {@code dev.tinycheckout.internal} is not exported.
 */
module dev.tinycheckout.core {
  requires org.slf4j;
  requires static transitive org.jspecify;

  exports dev.tinycheckout;
  exports dev.tinycheckout.catalog;
  exports dev.tinycheckout.checkout;
  exports dev.tinycheckout.consent;
  exports dev.tinycheckout.fulfilment;
  exports dev.tinycheckout.httpcache;
  exports dev.tinycheckout.idempotency;
  exports dev.tinycheckout.memory;
  exports dev.tinycheckout.money;
  exports dev.tinycheckout.observe;
  exports dev.tinycheckout.order;
  exports dev.tinycheckout.payment;
  exports dev.tinycheckout.store;
}
