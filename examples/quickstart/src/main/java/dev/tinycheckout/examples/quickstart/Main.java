package dev.tinycheckout.examples.quickstart;

import dev.tinycheckout.catalog.Product;
import dev.tinycheckout.checkout.CheckoutConfig;
import dev.tinycheckout.consent.ConsentAudit;
import dev.tinycheckout.fulfilment.AlertOutbox;
import dev.tinycheckout.fulfilment.FulfilmentDispatcher;
import dev.tinycheckout.fulfilment.FulfilmentHooks;
import dev.tinycheckout.http.CheckoutApi;
import dev.tinycheckout.http.fraud.FraudAlertOutbox;
import dev.tinycheckout.http.fraud.FraudGuard;
import dev.tinycheckout.http.jdk.JdkHttpMount;
import dev.tinycheckout.micrometer.HttpMetrics;
import dev.tinycheckout.micrometer.MicrometerObserver;
import dev.tinycheckout.micrometer.TinyCheckoutMetrics;
import dev.tinycheckout.observe.BurnRateRule;
import dev.tinycheckout.observe.CheckoutObserver;
import dev.tinycheckout.observe.ServiceLevelObjective;
import dev.tinycheckout.observe.SloMonitor;
import dev.tinycheckout.observe.SloObserver;
import dev.tinycheckout.payment.TestPaymentGateway;
import dev.tinycheckout.store.CheckoutStorage;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quickstart's entry point: {@code java -jar quickstart.jar [options]}. Run it with {@code
 * --help} for the options.
 *
 * <p>It serves the checkout API of the HTTP contract and a storefront page at {@code
 * http://localhost:8080/}, with the data in an embedded H2 database under {@code
 * ./tinycheckout-data}, payments by the test gateway ({@code tok_ok} approves, {@code tok_declined}
 * declines), and stops gracefully on SIGTERM (exit status 0). A bad option exits with status 2, any
 * other problem at start with status 1, both before it listens.
 *
 * <p>It serves its meters at {@code /metrics} in the Prometheus text format, and watches two
 * service level objectives (99.9% of checkouts without a server-side failure, 99% within 300 ms)
 * with the SRE workbook's burn-rate alerts, evaluated every 15 seconds: an alert that starts or
 * stops firing is written to the outbox and logged once by the {@link AlertLog} hook, and {@code
 * /health} lists the alerts that fire.
 *
 * <p>Its consent audit trail has a subject secret and a checkpoint signing key that stay the same
 * across restarts: from the environment or files named by the options, else from files it makes
 * once in the data directory ({@link ConsentKeys}).
 */
public final class Main {
  static final String USAGE =
      """
      Usage: java -jar quickstart.jar [options]

      Serves the tinycheckout checkout API and a storefront page on http://localhost:8080/.

      Options (each also read from the environment variable in brackets; a flag wins):
        --port N              TCP port, 0 for any free port (PORT). Default: 8080
        --jdbc-url URL        jdbc:h2:, jdbc:postgresql:, jdbc:mariadb: or jdbc:mysql: URL
                              (TINYCHECKOUT_JDBC_URL). The schema is migrated at start.
                              Default: an H2 file database in the data directory
        --data-dir DIR        where the default H2 database and the consent key files made
                              at the first start live (TINYCHECKOUT_DATA_DIR).
                              Default: ./tinycheckout-data
        --catalog FILE        JSON array of {"sku","name","price":{"amount","currency"},"stock"}
                              upserted at start (TINYCHECKOUT_CATALOG). New products get the
                              stock given; existing ones keep theirs. Default: one product,
                              one-dollar-item, 1.00 USD, 1000000 in stock
        --admin-token TOKEN   bearer token of the /admin routes (TINYCHECKOUT_ADMIN_TOKEN).
                              Default: none, and the admin routes answer 401 to everyone
        --terms-version V     version of the terms accepted at checkout
                              (TINYCHECKOUT_TERMS_VERSION). Default: 2026-11-01
        --fraud-rules R       default or off (TINYCHECKOUT_FRAUD_RULES). The default rules
                              count declined payments and distinct cards per client address
                              (and declines per email), and answer 429 too-many-attempts with
                              Retry-After to a client over the limit; successful checkouts never
                              count against an address. Default: default
        --consent-secret-file FILE
                              the consent trail's subject secret, which keys the customers'
                              pseudonyms: at least 32 bytes as hex or base64, such as
                              'openssl rand -hex 32' prints (TINYCHECKOUT_CONSENT_SECRET_FILE).
                              Or put the secret itself into TINYCHECKOUT_CONSENT_SECRET.
                              Default: consent-secret.hex in the data directory, made once
        --checkpoint-key-file FILE
                              the Ed25519 key that signs consent checkpoints, PKCS #8 PEM or
                              DER, as 'openssl genpkey -algorithm ed25519' writes it
                              (TINYCHECKOUT_CHECKPOINT_KEY_FILE). Default: checkpoint-key.pem
                              in the data directory, made once
        -h, --help            this help

      Payments use the test gateway: paymentToken tok_ok approves, tok_declined declines.
      Key files the quickstart makes are readable by their owner only; it logs the checkpoint
      verifier key to publish, never a secret.
      Exit status: 0 after SIGTERM, 1 if it cannot start, 2 for a bad option.
      """;

  static final String TERMS_RESOURCE = "dev/tinycheckout/examples/quickstart/terms.txt";

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  /** How old the backlog gauges' reading (a storage query) may be when a scrape reads them. */
  private static final Duration BACKLOG_REFRESH = Duration.ofSeconds(5);

  private Main() {}

  /**
   * Runs the quickstart until the process is stopped.
   *
   * @param args the options; see {@code --help}
   */
  public static void main(String[] args) {
    List<String> arguments = List.of(args);
    if (arguments.contains("--help") || arguments.contains("-h")) {
      System.out.print(USAGE);
      return;
    }
    Quickstart quickstart;
    try {
      quickstart = start(Settings.parse(arguments, System.getenv()));
    } catch (UsageException e) {
      System.err.println("tinycheckout quickstart: " + e.getMessage());
      System.err.println("Run with --help to see the options.");
      System.exit(2);
      return;
    } catch (StartupException e) {
      System.err.println("tinycheckout quickstart: cannot start: " + e.getMessage());
      System.exit(1);
      return;
    } catch (RuntimeException e) {
      LOG.error("tinycheckout quickstart: cannot start", e);
      System.exit(1);
      return;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  int status = 0;
                  try {
                    quickstart.close();
                  } catch (RuntimeException e) {
                    LOG.error("tinycheckout quickstart: stopping failed", e);
                    status = 1;
                  }
                  System.out.flush();
                  System.err.flush();
                  // A stop by SIGTERM or Ctrl-C that finished its work is a success, not the
                  // JVM's 143; one that failed to close cleanly says so. Nothing else in this
                  // process ends it.
                  Runtime.getRuntime().halt(status);
                },
                "quickstart-shutdown"));
    // Only now: a SIGTERM sent as soon as this line appears finds the hook in place.
    logReady(quickstart);
  }

  private static void logReady(Quickstart quickstart) {
    LOG.info(
        "tinycheckout quickstart ready at {} in {} ms",
        quickstart.uri(),
        ManagementFactory.getRuntimeMXBean().getUptime());
  }

  /**
   * Starts the quickstart: reads the catalog and the consent keys, opens and migrates the database,
   * upserts the catalog, warms the product cache, then listens.
   *
   * @param settings what to run with
   * @return the running quickstart; close it to stop
   * @throws StartupException if the catalog file, a consent key, the database or the port is not
   *     usable
   */
  static Quickstart start(Settings settings) {
    return start(settings, CheckoutConfig.ofDefaults());
  }

  /**
   * Starts the quickstart with a checkout configuration of its own, such as a shorter withdrawal
   * period; the storefront page shows that period.
   *
   * @param settings what to run with
   * @param checkoutConfig the checkout engine's configuration
   * @return the running quickstart; close it to stop
   * @throws StartupException if the catalog file, a consent key, the database or the port is not
   *     usable
   */
  static Quickstart start(Settings settings, CheckoutConfig checkoutConfig) {
    return start(settings, checkoutConfig, Observability.defaults());
  }

  /**
   * Starts the quickstart with a checkout configuration and an SLO set-up of its own, such as a
   * clock the caller advances and no evaluation timer.
   *
   * @param settings what to run with
   * @param checkoutConfig the checkout engine's configuration
   * @param observability the SLO monitors' clock, evaluation period and latency threshold
   * @return the running quickstart; close it to stop
   * @throws StartupException if the catalog file, a consent key, the database or the port is not
   *     usable
   */
  static Quickstart start(
      Settings settings, CheckoutConfig checkoutConfig, Observability observability) {
    Optional<List<CatalogEntry>> fromFile = settings.catalog().map(CatalogFile::read);
    String terms = terms();
    ConsentKeys keys = ConsentKeys.load(settings);
    Database database = Database.open(settings.jdbcUrl());
    try {
      ConsentAudit audit = consentAudit(database.storage(), keys);
      String catalog =
          fromFile
              .map(
                  entries ->
                      upsert(database.storage(), entries, false)
                          + " from "
                          + settings.catalog().orElseThrow())
              .orElseGet(
                  () ->
                      upsert(database.storage(), List.of(CatalogEntry.ONE_DOLLAR_ITEM), true)
                          + " (built in)");
      FulfilmentLog fulfilmentLog = new FulfilmentLog();
      AlertLog alertLog = new AlertLog();
      // The checkout writes order events for the order hooks only; the alert outbox writes alert
      // events for the alert hooks only; the dispatcher runs them all by name.
      FulfilmentHooks orderHooks = FulfilmentHooks.of(fulfilmentLog);
      FulfilmentHooks alertHooks = FulfilmentHooks.of(alertLog);
      FulfilmentHooks allHooks = FulfilmentHooks.of(fulfilmentLog, alertLog);
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      new JvmMemoryMetrics().bindTo(registry);
      new ProcessorMetrics().bindTo(registry);
      new UptimeMetrics().bindTo(registry);
      CheckoutObserver metrics = MicrometerObserver.of(registry);
      FulfilmentDispatcher dispatcher =
          FulfilmentDispatcher.builder()
              .storage(database.storage())
              .hooks(allHooks)
              .observer(metrics)
              .build();
      AlertOutbox alerts =
          AlertOutbox.builder()
              .storage(database.storage())
              .hooks(alertHooks)
              .afterCommit(dispatcher::wakeUp)
              .build();
      SloMonitor availability =
          monitor(Observability.AVAILABILITY_OBJECTIVE, Observability.AVAILABILITY_TARGET)
              .clock(observability.clock())
              .listener(alerts)
              .build();
      SloMonitor latency =
          monitor(Observability.LATENCY_OBJECTIVE, Observability.LATENCY_TARGET)
              .clock(observability.clock())
              .listener(alerts)
              .build();
      List<SloMonitor> monitors = List.of(availability, latency);
      CheckoutObserver observer =
          CheckoutObserver.of(
              metrics,
              SloObserver.availability(availability),
              SloObserver.latency(latency, observability.latencyThreshold()));
      FraudGuard guard =
          FraudGuard.builder()
              .rules(settings.fraudRules().rules())
              // Logged, and sent on through the alert hook: a digest per rule, and each spike.
              .listener(new FraudAlerts(FraudAlertOutbox.of(alerts)))
              .build();
      CheckoutApi.Builder builder =
          CheckoutApi.builder()
              .storage(database.storage())
              .paymentGateway(new TestPaymentGateway())
              .terms(settings.termsVersion(), terms)
              .checkoutConfig(checkoutConfig)
              .consentAudit(audit)
              .hooks(orderHooks)
              .afterEventsCommitted(dispatcher::wakeUp)
              .fraudGuard(guard)
              .observer(observer)
              .fulfilmentBacklog(dispatcher::backlog)
              .sloMonitors(monitors);
      settings.adminToken().ifPresent(builder::adminToken);
      CheckoutApi api = builder.build();
      api.warmUp();
      TinyCheckoutMetrics.bindFulfilmentBacklog(
          registry, dispatcher::backlog, Clock.systemUTC(), BACKLOG_REFRESH);
      HttpMetrics.bindProductCache(registry, api.productCache());
      HttpMetrics.bindFraudGuard(registry, guard);
      monitors.forEach(monitor -> TinyCheckoutMetrics.bindSloMonitor(registry, monitor));
      JdkHttpMount.Running server;
      try {
        server =
            JdkHttpMount.builder()
                .handler(new StorefrontHandler(api, checkoutConfig.withdrawalPeriod(), registry))
                .port(settings.port())
                .threads(16)
                .build()
                .start();
      } catch (UncheckedIOException e) {
        if (e.getCause() instanceof BindException) {
          throw new StartupException(
              "port "
                  + settings.port()
                  + " is in use; stop the other server or choose another port with --port or PORT",
              e);
        }
        throw new StartupException("cannot listen on port " + settings.port() + ": " + e, e);
      }
      // Deliveries left by an earlier run (or a crash) go out now, with the new ones.
      dispatcher.start();
      Optional<ScheduledExecutorService> evaluator = Optional.empty();
      if (observability.timed()) {
        ScheduledExecutorService scheduler =
            Executors.newSingleThreadScheduledExecutor(
                task -> {
                  Thread thread = new Thread(task, "quickstart-slo-evaluation");
                  thread.setDaemon(true);
                  return thread;
                });
        for (SloMonitor monitor : monitors) {
          // Cancelled when the quickstart stops and shuts the scheduler down.
          ScheduledFuture<?> unused =
              monitor.evaluateEvery(scheduler, observability.evaluationPeriod());
        }
        evaluator = Optional.of(scheduler);
      }
      Quickstart quickstart =
          new Quickstart(
              server,
              api,
              dispatcher,
              fulfilmentLog,
              database,
              keys.signer().verifierKey(),
              new Quickstart.Observed(registry, monitors, alertLog, evaluator));
      LOG.info(
          "storage {} ({}), catalog {}, terms {}, admin routes {}, fraud rules {}",
          database.dialect(),
          Database.redacted(settings.jdbcUrl()),
          catalog,
          settings.termsVersion(),
          settings.adminToken().isPresent() ? "on" : "off (no --admin-token)",
          settings.fraudRules());
      return quickstart;
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
  }

  /** A monitor of an objective with the SRE workbook's four burn-rate rules. */
  private static SloMonitor.Builder monitor(String name, double target) {
    return SloMonitor.builder(ServiceLevelObjective.of(name, target))
        .rules(BurnRateRule.sreWorkbookDefaults());
  }

  /**
   * The consent audit trail over the storage, with the subject secret and the checkpoint signer.
   * Warns when this start made a new subject secret but the trail already holds entries: those were
   * written under another secret, so {@code /admin/consents} cannot find their customers.
   */
  static ConsentAudit consentAudit(CheckoutStorage storage, ConsentKeys keys) {
    ConsentAudit audit =
        ConsentAudit.builder(storage)
            .subjectSecret(keys.secret().bytes())
            .checkpointSigner(keys.signer())
            .build();
    if (keys.secretCreated()) {
      long entries = audit.head().sequence();
      if (entries > 0) {
        LOG.warn(
            "the subject secret is new, but the consent trail already holds entries up to number"
                + " {}, written under another secret: /admin/consents will not find their"
                + " customers. If you have that secret, stop and give it with"
                + " --consent-secret-file or {}",
            entries,
            Settings.CONSENT_SECRET_ENV);
      }
    }
    return audit;
  }

  /**
   * Puts the catalog into the store. A product that is absent is created with its stock; one that
   * exists keeps its stock (sales survive a restart) and, unless {@code onlyWhenAbsent}, takes the
   * entry's name and price.
   *
   * @return a summary such as {@code "2 products (1 new, 1 updated)"}
   */
  static String upsert(
      CheckoutStorage storage, List<CatalogEntry> entries, boolean onlyWhenAbsent) {
    Instant now = Instant.now();
    int[] counts =
        storage.inTransaction(
            tx -> {
              int[] createdAndUpdated = new int[2];
              for (CatalogEntry entry : entries) {
                Optional<Product> existing = tx.products().find(entry.sku());
                if (existing.isEmpty()) {
                  tx.products()
                      .upsert(entry.sku(), entry.name(), entry.price(), entry.stock(), now);
                  createdAndUpdated[0]++;
                } else if (!onlyWhenAbsent
                    && (!existing.get().name().equals(entry.name())
                        || !existing.get().price().equals(entry.price()))) {
                  tx.products()
                      .upsert(
                          entry.sku(), entry.name(), entry.price(), existing.get().stock(), now);
                  createdAndUpdated[1]++;
                }
              }
              return createdAndUpdated;
            });
    return entries.size()
        + (entries.size() == 1 ? " product" : " products")
        + " ("
        + counts[0]
        + " new, "
        + counts[1]
        + " updated)";
  }

  static String terms() {
    try (InputStream in = Main.class.getClassLoader().getResourceAsStream(TERMS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(TERMS_RESOURCE + " is missing from the quickstart jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + TERMS_RESOURCE, e);
    }
  }
}
