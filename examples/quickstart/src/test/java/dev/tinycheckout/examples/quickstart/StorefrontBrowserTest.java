package dev.tinycheckout.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tinycheckout.checkout.CheckoutConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The storefront in a real headless Chromium (Debian's {@code chromium} and {@code
 * chromium-driver}), as a customer uses it. Skipped, with a message, where they are not installed.
 * Screenshots land in {@code target/}: {@code storefront.png}, {@code storefront-withdrawal.png}
 * (the withdrawal statement), {@code storefront-withdrawn.png} (the acknowledgement) and {@code
 * storefront-withdrawal-not-found.png} (a wrong email).
 *
 * <p>The withdrawal tests follow Art. 11a of the Consumer Rights Directive (inserted by Directive
 * (EU) 2023/2673): the control "Withdraw from contract here" for the whole withdrawal period, a
 * statement with name, order and email, a second step labelled only "Confirm withdrawal", and an
 * acknowledgement with the content and the date and time the withdrawal was sent. They buy a
 * product of their own, so that the stock they check moves only with their own orders.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StorefrontBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String ORDER_BUTTON = "Order with obligation to pay";
  private static final String WITHDRAW_BUTTON = "Withdraw from contract here";
  private static final String CONFIRM_BUTTON = "Confirm withdrawal";
  private static final String ONE_DOLLAR_ITEM = "one-dollar-item";
  private static final String WITHDRAWABLE = "withdrawable-item";
  private static final String CATALOG =
      """
      [
        {"sku": "one-dollar-item", "name": "The One Dollar Item",
         "price": {"amount": 100, "currency": "USD"}, "stock": 1000000},
        {"sku": "withdrawable-item", "name": "A Withdrawable Item",
         "price": {"amount": 250, "currency": "EUR"}, "stock": 500}
      ]
      """;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;

  private Quickstart quickstart;
  private WebDriver driver;

  @BeforeAll
  void startShopAndBrowser() throws IOException {
    Assumptions.assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "the browser test needs Debian's Chromium: apt-get install chromium chromium-driver"
            + " (looked for "
            + CHROMIUM
            + " and "
            + CHROMEDRIVER
            + ")");
    Files.writeString(dir.resolve("catalog.json"), CATALOG);
    quickstart = Main.start(settings(0, "shop"));
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1000,1800",
        "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium-profile")));
    // The network events, to read the Idempotency-Key of each request the page sends.
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.PERFORMANCE, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    driver = new ChromeDriver(service, options);
  }

  @AfterAll
  void stopBrowserAndShop() {
    if (driver != null) {
      driver.quit();
    }
    if (quickstart != null) {
      quickstart.close();
    }
  }

  /** A quickstart on {@code port} (0: any) with the test catalog and a database of its own. */
  private static Settings settings(int port, String database) {
    return Settings.parse(
        List.of(
            "--port",
            Integer.toString(port),
            "--jdbc-url",
            "jdbc:h2:file:" + dir.resolve(database),
            "--catalog",
            dir.resolve("catalog.json").toString(),
            "--data-dir",
            dir.resolve("data").toString()),
        Map.of());
  }

  private WebDriverWait waiting() {
    return new WebDriverWait(driver, WAIT);
  }

  private void screenshot(String name) throws IOException {
    Path target = Path.of("target", name);
    Files.createDirectories(target.getParent());
    Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
  }

  private static By button(String label) {
    return By.xpath("//button[normalize-space()='" + label + "']");
  }

  private WebElement element(String id) {
    return driver.findElement(By.id(id));
  }

  private String text(String id) {
    return element(id).getText();
  }

  private String value(String id) {
    return element(id).getDomProperty("value");
  }

  private void type(String id, String text) {
    WebElement input = element(id);
    input.clear();
    input.sendKeys(text);
  }

  /** Opens the shop and orders one unit as a customer would; returns the order's status cell. */
  private WebElement order(String email) {
    return order(quickstart.uri(), ONE_DOLLAR_ITEM, 1, email);
  }

  /** Opens {@code shop}'s page of {@code sku} and orders {@code quantity} of it. */
  private WebElement order(URI shop, String sku, int quantity, String email) {
    driver.get(shop.resolve("/?sku=" + sku).toString());
    By stock = By.id("product-stock");
    waiting().until(d -> d.findElement(stock).getText().matches("[\\d,.\\u00a0 ]+"));
    waiting().until(ExpectedConditions.textToBe(By.id("terms-version"), "2026-11-01"));
    WebElement consent = element("consent");
    assertThat(consent.isSelected()).as("consent unchecked by default").isFalse();
    assertThat(element("marketing").isSelected()).as("marketing unchecked by default").isFalse();
    consent.click();
    type("quantity", Integer.toString(quantity));
    element("email").sendKeys(email);
    driver.findElement(button(ORDER_BUTTON)).click();
    WebElement status = element("order-status");
    waiting().until(ExpectedConditions.textToBePresentInElement(status, "PAID"));
    return status;
  }

  /** Presses "Withdraw from contract here" and waits for the statement. */
  private void openWithdrawalStatement() {
    List<WebElement> controls = driver.findElements(button(WITHDRAW_BUTTON));
    assertThat(controls).as("one withdrawal control").hasSize(1);
    WebElement control = controls.get(0);
    assertThat(control.getText()).isEqualTo(WITHDRAW_BUTTON);
    assertThat(control.isDisplayed()).isTrue();
    control.click();
    waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("withdraw-form")));
    assertThat(control.getDomAttribute("aria-expanded")).isEqualTo("true");
  }

  /** The one "Confirm withdrawal" button, checked for its exact label. */
  private WebElement confirmButton() {
    List<WebElement> buttons = driver.findElements(button(CONFIRM_BUTTON));
    assertThat(buttons).as("one confirmation button").hasSize(1);
    WebElement confirm = buttons.get(0);
    assertThat(confirm.getText()).isEqualTo(CONFIRM_BUTTON);
    assertThat(confirm.getDomAttribute("id")).isEqualTo("withdraw-confirm-button");
    return confirm;
  }

  private WebElement waitForWithdrawalProblem() {
    WebElement problem = element("withdrawal-problem");
    waiting().until(ExpectedConditions.visibilityOf(problem));
    return problem;
  }

  private WebElement waitForAcknowledgement() {
    WebElement ack = element("withdrawal-ack");
    waiting().until(ExpectedConditions.visibilityOf(ack));
    return ack;
  }

  private long stock(String sku) throws Exception {
    return stock(quickstart.uri(), sku);
  }

  private static long stock(URI shop, String sku) throws Exception {
    HttpResponse<String> product =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(shop.resolve("/products/" + sku)).build(),
                HttpResponse.BodyHandlers.ofString());
    Matcher m = Pattern.compile("\"stock\":(\\d+)").matcher(product.body());
    assertThat(m.find()).as(product.body()).isTrue();
    return Long.parseLong(m.group(1));
  }

  /**
   * The Idempotency-Key of every withdrawal request the page sent since the last call, in order,
   * retries included, from Chromium's network log (which this drains).
   */
  private List<String> withdrawalKeysSent() {
    List<String> keys = new ArrayList<>();
    for (LogEntry entry : driver.manage().logs().get(LogType.PERFORMANCE)) {
      JsonNode message = JSON.readTree(entry.getMessage()).path("message");
      if (!message.path("method").asString("").equals("Network.requestWillBeSent")) {
        continue;
      }
      JsonNode request = message.path("params").path("request");
      if (request.path("method").asString("").equals("POST")
          && request.path("url").asString("").endsWith("/withdrawal")) {
        keys.add(request.path("headers").path("Idempotency-Key").asString(""));
      }
    }
    return keys;
  }

  @Test
  void aCustomerAcceptsTheTermsAndOrdersWithObligationToPay() throws IOException {
    WebElement status = order("ada@example.com");

    assertThat(status.getText()).isEqualTo("PAID");
    assertThat(text("order-total")).contains("1.00");
    assertThat(text("order-email")).isEqualTo("ada@example.com");
    assertThat(text("order-id")).matches("[0-9a-f-]{36}");
    assertThat(element("problem").isDisplayed()).isFalse();
    screenshot("storefront.png");
  }

  @Test
  void anOrderWithoutConsentIsNotSentAndTheCustomerIsToldWhy() {
    driver.get(quickstart.uri().toString());
    waiting().until(ExpectedConditions.textToBe(By.id("terms-version"), "2026-11-01"));
    element("email").sendKeys("bo@example.com");

    element("order-button").click();

    WebElement problem = element("problem");
    waiting().until(ExpectedConditions.visibilityOf(problem));
    assertThat(problem.getText()).isEqualTo("Please accept the terms and conditions to order.");
    assertThat(element("result").isDisplayed()).isFalse();
  }

  @Test
  void aDeclinedCardShowsTheProblemDetailOfTheServer() {
    driver.get(quickstart.uri().toString());
    waiting().until(ExpectedConditions.textToBe(By.id("terms-version"), "2026-11-01"));
    element("consent").click();
    element("email").sendKeys("cy@example.com");
    new Select(element("payment")).selectByValue("tok_declined");

    element("order-button").click();

    WebElement problem = element("problem");
    waiting().until(ExpectedConditions.visibilityOf(problem));
    assertThat(problem.getText()).isNotBlank().doesNotContain("HTTP 402");
    assertThat(element("result").isDisplayed()).isFalse();
  }

  @Test
  void aPurchaseWhosePaymentOutcomeIsUnknownIsSentAgainWithTheSameKey() throws Exception {
    driver.get(quickstart.uri().toString());
    waiting().until(ExpectedConditions.textToBe(By.id("terms-version"), "2026-11-01"));
    element("consent").click();
    element("email").sendKeys("cy@example.com");
    new Select(element("payment")).selectByValue("tok_unavailable");
    long before = stock(ONE_DOLLAR_ITEM);
    WebElement button = driver.findElement(button(ORDER_BUTTON));
    WebElement problem = element("problem");
    Duration outage = Duration.ofSeconds(40);

    button.click();
    new WebDriverWait(driver, outage).until(d -> problem.isDisplayed());
    long afterFirst = stock(ONE_DOLLAR_ITEM);
    waiting().until(ExpectedConditions.elementToBeClickable(button)).click();
    waiting().until(d -> !problem.isDisplayed());
    new WebDriverWait(driver, outage).until(d -> button.isEnabled() && problem.isDisplayed());

    // The first attempt reserved one unit for its pending order. A new key would reserve another
    // on every click; the same key resumes the same pending order, so the stock stays put.
    assertThat(afterFirst).isEqualTo(before - 1);
    assertThat(stock(ONE_DOLLAR_ITEM)).isEqualTo(afterFirst);
  }

  @Test
  void aCustomerWithdrawsWithTheWithdrawalFunctionAndGetsAnAcknowledgement() throws Exception {
    long before = stock(WITHDRAWABLE);
    order(quickstart.uri(), WITHDRAWABLE, 2, "dee@example.com");
    String orderId = text("order-id");
    assertThat(stock(WITHDRAWABLE)).isEqualTo(before - 2);
    assertThat(
            driver
                .findElement(By.cssSelector("meta[name='withdrawal-period-seconds']"))
                .getDomAttribute("content"))
        .as("the configured period, 14 days, in the page")
        .isEqualTo("1209600");
    assertThat(text("withdrawal-period"))
        .startsWith("You may withdraw from this contract without giving any reason until")
        .endsWith("(14 days after the order).");
    withdrawalKeysSent();

    openWithdrawalStatement();

    assertThat(driver.findElement(By.cssSelector("label[for='withdraw-name']")).getText())
        .isEqualTo("Your name");
    assertThat(driver.findElement(By.cssSelector("label[for='withdraw-order']")).getText())
        .isEqualTo("Order number");
    assertThat(driver.findElement(By.cssSelector("label[for='withdraw-email']")).getText())
        .isEqualTo("Email address");
    assertThat(value("withdraw-name")).isEmpty();
    assertThat(value("withdraw-order")).isEqualTo(orderId);
    assertThat(value("withdraw-email")).isEqualTo("dee@example.com");
    assertThat(driver.switchTo().activeElement().getDomAttribute("id")).isEqualTo("withdraw-name");

    // Without a name the statement is not sent, and the field says why.
    WebElement confirm = confirmButton();
    confirm.click();
    WebElement nameError = element("withdraw-name-error");
    waiting().until(ExpectedConditions.visibilityOf(nameError));
    assertThat(nameError.getText()).isEqualTo("Please enter your name.");
    assertThat(element("withdraw-name").getDomAttribute("aria-invalid")).isEqualTo("true");
    assertThat(element("withdraw-name").getDomAttribute("aria-describedby"))
        .startsWith("withdraw-name-error");
    assertThat(driver.switchTo().activeElement().getDomAttribute("id")).isEqualTo("withdraw-name");
    assertThat(text("withdrawal-problem")).isEqualTo("Please correct the marked field.");
    assertThat(withdrawalKeysSent()).as("nothing sent").isEmpty();
    assertThat(text("order-status")).isEqualTo("PAID");

    type("withdraw-name", "Dee Example");
    screenshot("storefront-withdrawal.png");
    Instant pressed = Instant.now();
    confirm.click();

    WebElement ack = waitForAcknowledgement();
    Instant answered = Instant.now();
    assertThat(text("withdrawal-ack-heading")).isEqualTo("Your withdrawal has been received");
    assertThat(text("ack-order-id")).isEqualTo(orderId);
    assertThat(text("ack-name")).isEqualTo("Dee Example");
    assertThat(text("ack-email")).isEqualTo("dee@example.com");
    assertThat(text("ack-receipt-id")).isNotBlank();
    WebElement sentAt = element("ack-withdrawn-at");
    Instant withdrawnAt = Instant.parse(sentAt.getDomAttribute("datetime"));
    assertThat(withdrawnAt).isBetween(pressed.minusSeconds(1), answered.plusSeconds(1));
    assertThat(sentAt.getText())
        .as("date and time")
        .contains(Integer.toString(withdrawnAt.atZone(java.time.ZoneOffset.UTC).getYear()))
        .containsPattern("\\d{1,2}:\\d{2}:\\d{2}");
    assertThat(text("withdrawal-ack-text"))
        .contains(orderId)
        .contains(sentAt.getText())
        .contains("A confirmation with this content is being sent to dee@example.com by email");
    assertThat(ack.isDisplayed()).isTrue();
    assertThat(element("withdraw-form").isDisplayed()).isFalse();
    assertThat(withdrawalKeysSent()).hasSize(1).allMatch(k -> k.matches("[0-9a-f-]{36}"));

    assertThat(text("order-status")).isEqualTo("WITHDRAWN");
    assertThat(element("withdraw-button").isDisplayed()).isFalse();
    assertThat(text("withdrawal-period")).isEqualTo("You have withdrawn from this contract.");
    assertThat(stock(WITHDRAWABLE)).as("the stock returned").isEqualTo(before);
    screenshot("storefront-withdrawn.png");

    // The order stays in the address: opened again, it shows that it is withdrawn.
    assertThat(driver.getCurrentUrl()).contains("order=" + orderId);
    driver.navigate().refresh();
    waiting().until(ExpectedConditions.textToBe(By.id("order-status"), "WITHDRAWN"));
    assertThat(element("withdraw-button").isDisplayed()).isFalse();
  }

  @Test
  void aWrongEmailIsAnsweredNotFoundAndTheStatementKeepsWhatWasTyped() throws Exception {
    order(quickstart.uri(), WITHDRAWABLE, 1, "eve@example.com");
    String orderId = text("order-id");
    long ordered = stock(WITHDRAWABLE);
    withdrawalKeysSent();
    openWithdrawalStatement();
    type("withdraw-name", "Eve Example");
    type("withdraw-email", "someone-else@example.com");

    confirmButton().click();

    WebElement problem = waitForWithdrawalProblem();
    assertThat(problem.getText())
        .startsWith("We found no order with this order number and this email address.")
        .contains("The shop says: no order " + orderId + " with this email");
    assertThat(value("withdraw-name")).isEqualTo("Eve Example");
    assertThat(value("withdraw-order")).isEqualTo(orderId);
    assertThat(value("withdraw-email")).isEqualTo("someone-else@example.com");
    assertThat(text("withdraw-email-error")).isEqualTo("Check the email address.");
    assertThat(element("withdraw-email").getDomAttribute("aria-invalid")).isEqualTo("true");
    assertThat(text("withdraw-order-error")).isEqualTo("Check the order number.");
    assertThat(element("withdrawal-ack").isDisplayed()).isFalse();
    assertThat(text("order-status")).isEqualTo("PAID");
    assertThat(stock(WITHDRAWABLE)).isEqualTo(ordered);
    screenshot("storefront-withdrawal-not-found.png");

    // Corrected, it is a new attempt with a new key, and it goes through.
    type("withdraw-email", "eve@example.com");
    confirmButton().click();

    waitForAcknowledgement();
    assertThat(text("order-status")).isEqualTo("WITHDRAWN");
    assertThat(element("withdrawal-problem").isDisplayed()).isFalse();
    assertThat(element("withdraw-email-error").isDisplayed()).isFalse();
    assertThat(element("withdraw-email").getDomAttribute("aria-invalid")).isNull();
    assertThat(stock(WITHDRAWABLE)).isEqualTo(ordered + 1);
    List<String> keys = withdrawalKeysSent();
    assertThat(keys).hasSize(2);
    assertThat(keys.get(1)).isNotEqualTo(keys.get(0));
  }

  @Test
  void aSecondWithdrawalOfTheSameOrderIsToldItIsAlreadyWithdrawn() throws Exception {
    order(quickstart.uri(), WITHDRAWABLE, 1, "fay@example.com");
    String first = text("order-id");
    openWithdrawalStatement();
    type("withdraw-name", "Fay Example");
    confirmButton().click();
    waitForAcknowledgement();
    long afterFirstWithdrawal = stock(WITHDRAWABLE);

    // A second order, from whose statement the customer withdraws the first order again by id.
    order(quickstart.uri(), WITHDRAWABLE, 1, "fay@example.com");
    String second = text("order-id");
    openWithdrawalStatement();
    type("withdraw-name", "Fay Example");
    type("withdraw-order", first);
    confirmButton().click();

    WebElement problem = waitForWithdrawalProblem();
    assertThat(problem.getText())
        .startsWith("This order has already been withdrawn, so there is nothing more to do.")
        .contains("The shop says: order " + first + " is already withdrawn");
    assertThat(value("withdraw-order")).isEqualTo(first);
    assertThat(value("withdraw-name")).isEqualTo("Fay Example");
    assertThat(text("order-id")).isEqualTo(second);
    assertThat(text("order-status")).isEqualTo("PAID");
    assertThat(element("withdraw-button").isDisplayed()).isTrue();
    assertThat(stock(WITHDRAWABLE)).isEqualTo(afterFirstWithdrawal - 1);
  }

  @Test
  void theWithdrawalControlLastsForThePeriodAndALateStatementIsToldThePeriodEnded()
      throws Exception {
    Duration period = Duration.ofSeconds(30);
    try (Quickstart shop =
        Main.start(
            settings(0, "short-period"),
            CheckoutConfig.builder().withdrawalPeriod(period).build())) {
      order(shop.uri(), WITHDRAWABLE, 1, "gus@example.com");
      assertThat(
              driver
                  .findElement(By.cssSelector("meta[name='withdrawal-period-seconds']"))
                  .getDomAttribute("content"))
          .isEqualTo("30");
      assertThat(text("withdrawal-period")).endsWith("(30 seconds after the order).");
      openWithdrawalStatement();
      type("withdraw-name", "Gus Example");

      // The control goes when the period ends; the open statement keeps what was typed.
      new WebDriverWait(driver, period.multipliedBy(2))
          .until(ExpectedConditions.invisibilityOfElementLocated(By.id("withdraw-button")));
      assertThat(text("withdrawal-period"))
          .startsWith("The withdrawal period of 30 seconds for this order ended on");
      assertThat(element("withdraw-form").isDisplayed()).isTrue();
      assertThat(value("withdraw-name")).isEqualTo("Gus Example");

      confirmButton().click();

      WebElement problem = waitForWithdrawalProblem();
      assertThat(problem.getText())
          .startsWith("The withdrawal period for this order has ended, so it can no longer be")
          .contains("The shop says: the withdrawal period of order");
      assertThat(value("withdraw-name")).isEqualTo("Gus Example");
      assertThat(text("order-status")).isEqualTo("PAID");

      // Opened again after the period, the order has no withdrawal control.
      driver.navigate().refresh();
      waiting().until(ExpectedConditions.textToBe(By.id("order-status"), "PAID"));
      assertThat(element("withdraw-button").isDisplayed()).isFalse();
      assertThat(text("withdrawal-period")).contains("ended on");
    }
  }

  @Test
  void aWithdrawalThatCannotReachTheShopKeepsTheStatementAndItsKeyUntilItGoesThrough()
      throws Exception {
    Quickstart shop = Main.start(settings(0, "unreachable"));
    int port = shop.port();
    try {
      order(shop.uri(), WITHDRAWABLE, 1, "hal@example.com");
      long ordered = stock(shop.uri(), WITHDRAWABLE);
      openWithdrawalStatement();
      type("withdraw-name", "Hal Example");
      withdrawalKeysSent();
      shop.close();

      WebElement confirm = confirmButton();
      confirm.click();

      WebElement problem = element("withdrawal-problem");
      new WebDriverWait(driver, Duration.ofSeconds(60))
          .until(d -> problem.isDisplayed() && confirm.isEnabled());
      assertThat(problem.getText())
          .startsWith("The shop cannot be reached, so your withdrawal may not have arrived.")
          .contains("press \u201cConfirm withdrawal\u201d again");
      assertThat(value("withdraw-name")).isEqualTo("Hal Example");
      assertThat(value("withdraw-email")).isEqualTo("hal@example.com");
      assertThat(text("order-status")).isEqualTo("PAID");

      shop = Main.start(settings(port, "unreachable"));
      confirm.click();

      waitForAcknowledgement();
      assertThat(text("order-status")).isEqualTo("WITHDRAWN");
      assertThat(stock(shop.uri(), WITHDRAWABLE)).isEqualTo(ordered + 1);
      // Every try of this one withdrawal, the failed ones and the one that went through, carried
      // the same key.
      List<String> keys = withdrawalKeysSent();
      assertThat(keys).hasSizeGreaterThan(2);
      assertThat(keys).containsOnly(keys.get(0));
    } finally {
      shop.close();
    }
  }
}
