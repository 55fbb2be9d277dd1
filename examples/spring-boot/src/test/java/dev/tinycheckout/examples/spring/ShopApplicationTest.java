package dev.tinycheckout.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tinycheckout.consent.ConsentAudit;
import dev.tinycheckout.http.CheckoutApi;
import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.order.Email;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The application as a shop runs it, with its own beans: storage over Spring's H2 {@code
 * DataSource}, the seed catalog from {@code application.properties}, and the API under the prefix
 * {@code /shop}, all over a real socket.
 */
class ShopApplicationTest {
  private static final String ADMIN_TOKEN = "spring-example-admin-token";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String CONSENT_SECRET =
      "c2hvcC1hcHBsaWNhdGlvbi10ZXN0LWNvbnNlbnQtc2VjcmV0IQ==";

  private ConfigurableApplicationContext context;
  private URI base;

  @BeforeEach
  void startTheShop() {
    context =
        new SpringApplicationBuilder(ShopApplication.class)
            .run(
                "--server.port=0",
                "--server.address=127.0.0.1",
                "--spring.main.banner-mode=off",
                // A database of this test's own: the default URL is one per JVM.
                "--spring.datasource.url=jdbc:h2:mem:shop-"
                    + UUID.randomUUID()
                    + ";DB_CLOSE_DELAY=-1",
                "--tinycheckout.path-prefix=/shop",
                "--tinycheckout.admin-token=" + ADMIN_TOKEN,
                "--tinycheckout.consent-secret=" + CONSENT_SECRET);
    int port = ((WebServerApplicationContext) context).getWebServer().getPort();
    base = URI.create("http://127.0.0.1:" + port);
  }

  @AfterEach
  void stopTheShop() {
    context.close();
  }

  @Test
  void theProductCacheIsWarmBeforeTheFirstRequest() {
    assertThat(context.getBean(CheckoutApi.class).productCache().estimatedSize()).isEqualTo(1);
  }

  @Test
  void productsUnderThePrefixListTheSeededCatalog() throws Exception {
    HttpResponse<String> answer = get("/shop/products");

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().firstValue("ETag")).isPresent();
    JsonNode product = JSON.readTree(answer.body()).path("products").path(0);
    assertThat(product.path("sku").asString()).isEqualTo("one-dollar-item");
    assertThat(product.path("name").asString()).isEqualTo("The One Dollar Item");
    assertThat(product.path("price").path("amount").asLong()).isEqualTo(100);
    assertThat(product.path("price").path("currency").asString()).isEqualTo("USD");
    assertThat(product.path("stock").asLong()).isEqualTo(1_000_000);
  }

  @Test
  void aCheckoutUnderThePrefixPlacesAPaidOrderAndTakesStock() throws Exception {
    String terms = JSON.readTree(get("/shop/terms").body()).path("version").asString();
    String body =
        """
        {"items":[{"sku":"one-dollar-item","quantity":3}],"email":"ada@example.com",\
        "acceptedTerms":"%s","marketingOptIn":false,"paymentToken":"tok_ok"}"""
            .formatted(terms);

    HttpResponse<String> placed =
        HTTP.send(
            HttpRequest.newBuilder(base.resolve("/shop/checkout"))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .POST(BodyPublishers.ofString(body))
                .build(),
            BodyHandlers.ofString());

    assertThat(placed.statusCode()).isEqualTo(201);
    JsonNode order = JSON.readTree(placed.body());
    assertThat(order.path("status").asString()).isEqualTo("PAID");
    assertThat(order.path("total").path("amount").asLong()).isEqualTo(300);
    HttpResponse<String> fetched = get("/shop/orders/" + order.path("id").asString());
    assertThat(fetched.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(fetched.body()).path("id")).isEqualTo(order.path("id"));
    HttpResponse<String> product = get("/shop/products/one-dollar-item");
    assertThat(JSON.readTree(product.body()).path("stock").asLong()).isEqualTo(999_997);
  }

  @Test
  void theApiSeesPathsWithoutThePrefixAndAnswersItsOwn404() throws Exception {
    HttpResponse<String> answer = get("/shop/no-such-route");

    assertThat(answer.statusCode()).isEqualTo(404);
    assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(answer.body()).contains("/problems/not-found");
  }

  @Test
  void pathsOutsideThePrefixAreLeftToSpringMvc() throws Exception {
    HttpResponse<String> answer = get("/products");

    assertThat(answer.statusCode()).isEqualTo(404);
    assertThat(answer.headers().firstValue("Content-Type"))
        .get()
        .asString()
        .doesNotContain("problem+json");
    assertThat(answer.body()).doesNotContain("one-dollar-item");
  }

  @Test
  void theAdminRoutesAcceptTheConfiguredTokenOnly() throws Exception {
    HttpResponse<String> without = get("/shop/admin/audit/verify");
    HttpResponse<String> with =
        HTTP.send(
            HttpRequest.newBuilder(base.resolve("/shop/admin/audit/verify"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .build(),
            BodyHandlers.ofString());

    assertThat(without.statusCode()).isEqualTo(401);
    assertThat(without.headers().firstValue("WWW-Authenticate"))
        .get()
        .asString()
        .startsWith("Bearer");
    assertThat(with.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(with.body()).path("valid").asBoolean()).isTrue();
  }

  @Test
  void aCheckoutsConsentIsListedForTheAdminWithTheConfiguredSecret() throws Exception {
    String terms = JSON.readTree(get("/shop/terms").body()).path("version").asString();
    String body =
        """
        {"items":[{"sku":"one-dollar-item","quantity":1}],"email":"grace@example.com",\
        "acceptedTerms":"%s","marketingOptIn":true,"paymentToken":"tok_ok"}"""
            .formatted(terms);
    HTTP.send(
        HttpRequest.newBuilder(base.resolve("/shop/checkout"))
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", UUID.randomUUID().toString())
            .POST(BodyPublishers.ofString(body))
            .build(),
        BodyHandlers.ofString());

    HttpResponse<String> consents =
        HTTP.send(
            HttpRequest.newBuilder(base.resolve("/shop/admin/consents?email=grace%40example.com"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .build(),
            BodyHandlers.ofString());

    assertThat(consents.statusCode()).isEqualTo(200);
    JsonNode records = JSON.readTree(consents.body()).path("records");
    assertThat(records.size()).isEqualTo(2);
    assertThat(records.path(1).path("purposes").path(0).asString()).isEqualTo("MARKETING");
    assertThat(
            context
                .getBean(CheckoutApi.class)
                .checkout()
                .consentAudit()
                .subjectId(Email.of("grace@example.com")))
        .isEqualTo(
            ConsentAudit.builder(InMemoryStorage.create())
                .subjectSecret(Base64.getDecoder().decode(CONSENT_SECRET))
                .build()
                .subjectId(Email.of("grace@example.com")));
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).build(), BodyHandlers.ofString());
  }
}
