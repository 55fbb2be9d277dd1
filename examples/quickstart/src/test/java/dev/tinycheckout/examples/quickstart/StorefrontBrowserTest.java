package dev.tinycheckout.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The storefront in a real headless Chromium (Debian's {@code chromium} and {@code
 * chromium-driver}), as a customer uses it. Skipped, with a message, where they are not installed.
 * Screenshots land in {@code target/storefront.png} and {@code target/storefront-withdrawn.png}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StorefrontBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String ORDER_BUTTON = "Order with obligation to pay";

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
    quickstart =
        Main.start(
            Settings.parse(
                List.of("--port", "0", "--jdbc-url", "jdbc:h2:file:" + dir.resolve("shop")),
                Map.of()));
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

  private WebDriverWait waiting() {
    return new WebDriverWait(driver, WAIT);
  }

  private void screenshot(String name) throws IOException {
    Path target = Path.of("target", name);
    Files.createDirectories(target.getParent());
    Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Opens the shop and orders one unit as a customer would; returns the order's status cell. */
  private WebElement order(String email) {
    driver.get(quickstart.uri().toString());
    By stock = By.id("product-stock");
    waiting().until(d -> d.findElement(stock).getText().matches("[\\d,.\\u00a0 ]+"));
    waiting().until(ExpectedConditions.textToBe(By.id("terms-version"), "2026-11-01"));
    WebElement consent = driver.findElement(By.id("consent"));
    assertThat(consent.isSelected()).as("consent unchecked by default").isFalse();
    assertThat(driver.findElement(By.id("marketing")).isSelected())
        .as("marketing unchecked by default")
        .isFalse();
    consent.click();
    driver.findElement(By.id("email")).sendKeys(email);
    driver.findElement(By.xpath("//button[normalize-space()='" + ORDER_BUTTON + "']")).click();
    WebElement status = driver.findElement(By.id("order-status"));
    waiting().until(ExpectedConditions.textToBePresentInElement(status, "PAID"));
    return status;
  }

  @Test
  void aCustomerAcceptsTheTermsAndOrdersWithObligationToPay() throws IOException {
    WebElement status = order("ada@example.com");

    assertThat(status.getText()).isEqualTo("PAID");
    assertThat(driver.findElement(By.id("order-total")).getText()).contains("1.00");
    assertThat(driver.findElement(By.id("order-email")).getText()).isEqualTo("ada@example.com");
    assertThat(driver.findElement(By.id("order-id")).getText()).matches("[0-9a-f-]{36}");
    assertThat(driver.findElement(By.id("problem")).isDisplayed()).isFalse();
    screenshot("storefront.png");
  }

  @Test
  void anOrderWithoutConsentIsNotSentAndTheCustomerIsToldWhy() {
    driver.get(quickstart.uri().toString());
    waiting().until(ExpectedConditions.textToBe(By.id("terms-version"), "2026-11-01"));
    driver.findElement(By.id("email")).sendKeys("bo@example.com");

    driver.findElement(By.id("order-button")).click();

    WebElement problem = driver.findElement(By.id("problem"));
    waiting().until(ExpectedConditions.visibilityOf(problem));
    assertThat(problem.getText()).isEqualTo("Please accept the terms and conditions to order.");
    assertThat(driver.findElement(By.id("result")).isDisplayed()).isFalse();
  }

  @Test
  void aDeclinedCardShowsTheProblemDetailOfTheServer() {
    driver.get(quickstart.uri().toString());
    waiting().until(ExpectedConditions.textToBe(By.id("terms-version"), "2026-11-01"));
    driver.findElement(By.id("consent")).click();
    driver.findElement(By.id("email")).sendKeys("cy@example.com");
    new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("payment")))
        .selectByValue("tok_declined");

    driver.findElement(By.id("order-button")).click();

    WebElement problem = driver.findElement(By.id("problem"));
    waiting().until(ExpectedConditions.visibilityOf(problem));
    assertThat(problem.getText()).isNotBlank().doesNotContain("HTTP 402");
    assertThat(driver.findElement(By.id("result")).isDisplayed()).isFalse();
  }

  @Test
  void aPurchaseWhosePaymentOutcomeIsUnknownIsSentAgainWithTheSameKey() throws Exception {
    driver.get(quickstart.uri().toString());
    waiting().until(ExpectedConditions.textToBe(By.id("terms-version"), "2026-11-01"));
    driver.findElement(By.id("consent")).click();
    driver.findElement(By.id("email")).sendKeys("cy@example.com");
    new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("payment")))
        .selectByValue("tok_unavailable");
    long before = stock();
    WebElement button =
        driver.findElement(By.xpath("//button[normalize-space()='" + ORDER_BUTTON + "']"));
    WebElement problem = driver.findElement(By.id("problem"));
    Duration outage = Duration.ofSeconds(40);

    button.click();
    new WebDriverWait(driver, outage).until(d -> problem.isDisplayed());
    long afterFirst = stock();
    waiting().until(ExpectedConditions.elementToBeClickable(button)).click();
    waiting().until(d -> !problem.isDisplayed());
    new WebDriverWait(driver, outage).until(d -> button.isEnabled() && problem.isDisplayed());

    // The first attempt reserved one unit for its pending order. A new key would reserve another
    // on every click; the same key resumes the same pending order, so the stock stays put.
    assertThat(afterFirst).isEqualTo(before - 1);
    assertThat(stock()).isEqualTo(afterFirst);
  }

  private long stock() throws Exception {
    java.net.http.HttpResponse<String> product =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        quickstart.uri().resolve("products/one-dollar-item"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\"stock\":(\\d+)").matcher(product.body());
    assertThat(m.find()).as(product.body()).isTrue();
    return Long.parseLong(m.group(1));
  }

  @Test
  void aCustomerWithdrawsFromTheContractWithTheWithdrawalButton() throws Exception {
    order("dee@example.com");

    driver
        .findElement(By.xpath("//button[normalize-space()='Withdraw from contract here']"))
        .click();
    WebElement confirm = driver.findElement(By.id("withdraw-confirm-button"));
    waiting().until(ExpectedConditions.visibilityOf(confirm));
    assertThat(driver.findElement(By.id("withdraw-email")).getAttribute("value"))
        .isEqualTo("dee@example.com");
    confirm.click();

    waiting()
        .until(
            ExpectedConditions.textToBePresentInElementLocated(By.id("order-status"), "WITHDRAWN"));
    screenshot("storefront-withdrawn.png");
    assertThat(driver.findElement(By.id("withdrawal-result")).getText()).contains("receipt");
    assertThat(driver.findElement(By.id("withdraw-button")).isDisplayed()).isFalse();
  }
}
