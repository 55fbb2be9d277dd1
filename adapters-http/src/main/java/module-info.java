/** tinycheckout HTTP adapter: the checkout API of the HTTP contract, on any server. */
module dev.tinycheckout.http {
  requires transitive dev.tinycheckout.core;
  requires tools.jackson.databind;
  requires com.github.benmanes.caffeine;
  requires org.slf4j;
  requires transitive jdk.httpserver;
  requires static transitive jakarta.servlet;
  requires static transitive org.jspecify;

  exports dev.tinycheckout.http;
  exports dev.tinycheckout.http.cache;
  exports dev.tinycheckout.http.fraud;
  exports dev.tinycheckout.http.json;
  exports dev.tinycheckout.http.jdk;
  exports dev.tinycheckout.http.servlet;
}
