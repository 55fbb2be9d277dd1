/** tinycheckout Micrometer adapter: the checkout's signals as Micrometer meters. */
module dev.tinycheckout.micrometer {
  requires transitive dev.tinycheckout.core;
  requires static transitive dev.tinycheckout.http;
  requires transitive micrometer.core;
  requires org.slf4j;
  requires static transitive org.jspecify;

  exports dev.tinycheckout.micrometer;
}
