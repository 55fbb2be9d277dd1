package dev.tinycheckout.examples.spring;

import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.consent.ConsentAudit;
import dev.tinycheckout.http.ApiHandler;
import dev.tinycheckout.http.CheckoutApi;
import dev.tinycheckout.http.servlet.CheckoutServlet;
import dev.tinycheckout.jdbc.JdbcMigrator;
import dev.tinycheckout.jdbc.JdbcStorage;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.payment.PaymentGateway;
import dev.tinycheckout.payment.TestPaymentGateway;
import dev.tinycheckout.store.CheckoutStorage;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires tinycheckout into the application: a migrated {@link JdbcStorage} over Spring's {@link
 * DataSource}, the {@link CheckoutApi}, and a {@link CheckoutServlet} registered with Tomcat at
 * {@link ShopProperties#urlMapping()}.
 *
 * <p>Each part steps aside for a bean of the same type that the application supplies (a real {@link
 * PaymentGateway}, another {@link CheckoutStorage}, or a whole {@link ApiHandler}, as the contract
 * tests do). Supply it before this class is processed, for example from an {@code
 * ApplicationContextInitializer}: {@code @ConditionalOnMissingBean} sees only the beans defined so
 * far.
 *
 * <p>The product cache is warmed when the {@code CheckoutApi} bean is made, which is before Tomcat
 * opens its port: Spring Boot creates the servlet and its handler while it starts the embedded
 * Tomcat with its connector detached, and attaches the connector only once every singleton exists.
 * So no request ever meets a cold cache, and a catalog the database cannot read stops the start
 * instead of failing the first buyers. {@code ApplicationReadyEvent} would come after the port is
 * open, leaving a window in which traffic races the warm-up.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ShopProperties.class)
public class CheckoutConfiguration {
  private static final Logger LOG = LoggerFactory.getLogger(CheckoutConfiguration.class);

  /** For Spring. */
  public CheckoutConfiguration() {}

  /**
   * The storage: migrates the database's tinycheckout tables (the dialect is detected from the
   * connection), then adds the seed catalog's products that are not stored yet. Not made when the
   * application supplies its own storage or its own API.
   *
   * @param dataSource Spring's pooled data source ({@code spring.datasource.*})
   * @param properties the seed catalog
   * @return the storage
   */
  @Bean
  @ConditionalOnMissingBean({CheckoutStorage.class, ApiHandler.class})
  public JdbcStorage checkoutStorage(DataSource dataSource, ShopProperties properties) {
    List<Integer> applied = JdbcMigrator.create(dataSource).migrate();
    JdbcStorage storage = JdbcStorage.create(dataSource);
    int added = seed(storage, properties.catalog(), Clock.systemUTC().instant());
    LOG.info(
        "tinycheckout storage ready on {}: migrations applied {}, {} of {} seed products added",
        storage.dialect(),
        applied,
        added,
        properties.catalog().size());
    return storage;
  }

  private static int seed(
      CheckoutStorage storage, List<ShopProperties.CatalogItem> items, Instant now) {
    return storage.inTransaction(
        tx -> {
          int added = 0;
          for (ShopProperties.CatalogItem item : items) {
            Sku sku = Sku.of(item.sku());
            if (tx.products().find(sku).isEmpty()) {
              Money price = Money.of(item.price().amount(), item.price().currency());
              tx.products().upsert(sku, item.name(), price, item.stock(), now);
              added++;
            }
          }
          return added;
        });
  }

  /**
   * The payment gateway: the deterministic test gateway ({@code tok_ok} approves, {@code
   * tok_declined} declines). A shop defines its real provider's gateway as a bean instead.
   *
   * @return the test gateway
   */
  @Bean
  @ConditionalOnMissingBean({PaymentGateway.class, ApiHandler.class})
  public TestPaymentGateway paymentGateway() {
    return new TestPaymentGateway();
  }

  /**
   * The checkout API, its product cache warmed (see the class comment for why here). Not made when
   * the application supplies its own {@link ApiHandler}. Its consent audit trail uses {@code
   * tinycheckout.consent-secret}, so {@code /admin/consents} finds a customer's entries across
   * restarts and instances.
   *
   * @param storage the storage
   * @param gateway the payment gateway
   * @param properties terms, admin token, consent secret and product {@code max-age}
   * @return the API
   */
  @Bean
  @ConditionalOnMissingBean(ApiHandler.class)
  public CheckoutApi checkoutApi(
      CheckoutStorage storage, PaymentGateway gateway, ShopProperties properties) {
    ConsentAudit.Builder audit = ConsentAudit.builder(storage);
    properties.consentSecretBytes().ifPresent(audit::subjectSecret);
    CheckoutApi.Builder builder =
        CheckoutApi.builder()
            .storage(storage)
            .paymentGateway(gateway)
            .terms(properties.termsVersion(), properties.termsText())
            .consentAudit(audit.build())
            .productMaxAge(properties.productMaxAge());
    String token = properties.adminToken();
    if (token != null) {
      builder.adminToken(token);
    }
    CheckoutApi api = builder.build();
    api.warmUp(); // logs how many products it loaded
    return api;
  }

  /**
   * Registers the API with the servlet container at {@code tinycheckout.path-prefix} + {@code /*}.
   * The path mapping outranks Spring MVC's {@code DispatcherServlet} at {@code /}, which keeps
   * every other path; the servlet strips the prefix, so the API sees the paths of the HTTP
   * contract.
   *
   * @param handler the API, this class's or the application's own
   * @param properties the path prefix
   * @return the registration
   */
  @Bean
  public ServletRegistrationBean<CheckoutServlet> checkoutServlet(
      ApiHandler handler, ShopProperties properties) {
    ServletRegistrationBean<CheckoutServlet> registration =
        new ServletRegistrationBean<>(new CheckoutServlet(handler), properties.urlMapping());
    registration.setName("tinycheckout");
    registration.setLoadOnStartup(1);
    return registration;
  }
}
