package dev.tinycheckout.examples.hooks;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.fulfilment.Delivery;
import dev.tinycheckout.fulfilment.FulfilmentHook;
import dev.tinycheckout.fulfilment.OutboxEvent;
import dev.tinycheckout.fulfilment.PendingDelivery;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fulfilment hook that POSTs each event it subscribes to, as JSON, to a URL of the shop's, signed
 * the <a href="https://www.standardwebhooks.com/">Standard Webhooks</a> way so the receiver can
 * tell it came from the shop and was not replayed.
 *
 * <p>The body is {@code
 * {"deliveryId":…,"attempt":…,"event":{"id":…,"type":…,"aggregateId":…,"createdAt":…,"payload":…}}},
 * where {@code payload} is the event's payload JSON as it is and {@code createdAt} an ISO-8601
 * instant. The headers are {@code Content-Type: application/json}, {@code Webhook-Id} (the delivery
 * id: the same on every attempt and on a replay, so the receiver de-duplicates on it), {@code
 * Webhook-Timestamp} (Unix seconds of this attempt) and {@code Webhook-Signature} ({@code
 * v1,<base64>}, see {@link WebhookSignature}).
 *
 * <p>A {@code 2xx} answer means delivered. Any other status (redirects are not followed), a
 * connection failure or no complete answer within the {@linkplain Builder#timeout timeout} makes
 * {@link #handle} throw, so the dispatcher retries with backoff. The exception's message names the
 * hook, the target's scheme, host and port, and the status; never the body, the path or query of
 * the target, or the secret.
 *
 * <p>Immutable and thread-safe.
 */
public final class WebhookHook implements FulfilmentHook {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookHook.class);

  /** The default name: {@value}. */
  public static final String DEFAULT_NAME = "webhook";

  /** The default request timeout: 15 seconds. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

  /**
   * How much longer than the request timeout the dispatcher waits before it abandons a run, so that
   * the hook's own, clearer failure is what gets recorded: 5 seconds.
   */
  public static final Duration DISPATCH_GRACE = Duration.ofSeconds(5);

  private static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);

  private final String name;
  private final URI target;
  private final String where;
  private final WebhookSignature signature;
  private final Optional<Set<String>> eventTypes;
  private final boolean ordered;
  private final Duration timeout;
  private final Clock clock;
  private final HttpClient client;

  private WebhookHook(Builder b, URI target, WebhookSignature signature, HttpClient client) {
    this.name = b.name;
    this.target = target;
    this.where = target.getScheme() + "://" + target.getRawAuthority();
    this.signature = signature;
    this.eventTypes = b.eventTypes;
    this.ordered = b.ordered;
    this.timeout = b.timeout;
    this.clock = b.clock;
    this.client = client;
  }

  /**
   * A builder; {@code target} and {@code secret} are required.
   *
   * @return an empty builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean subscribesTo(String eventType) {
    return eventTypes.map(types -> types.contains(eventType)).orElse(true);
  }

  @Override
  public boolean ordered() {
    return ordered;
  }

  /**
   * The request timeout plus {@link #DISPATCH_GRACE}.
   *
   * @return how long the dispatcher lets one run take
   */
  @Override
  public Duration timeout() {
    return timeout.plus(DISPATCH_GRACE);
  }

  /**
   * POSTs the delivery, signed, and waits for a {@code 2xx} answer.
   *
   * @param delivery the delivery
   * @throws HttpTimeoutException if no complete answer came within the request timeout
   * @throws IOException if the answer was not {@code 2xx} (the message carries the status), or the
   *     connection failed
   * @throws InterruptedException if the thread was interrupted while waiting (the request is
   *     cancelled)
   */
  @Override
  public void handle(Delivery delivery) throws IOException, InterruptedException {
    Objects.requireNonNull(delivery, "delivery");
    String id = delivery.deliveryId().toString();
    byte[] body = body(delivery).getBytes(StandardCharsets.UTF_8);
    long timestamp = clock.instant().getEpochSecond();
    HttpRequest request =
        HttpRequest.newBuilder(target)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("Webhook-Id", id)
            .header("Webhook-Timestamp", Long.toString(timestamp))
            .header("Webhook-Signature", signature.sign(id, timestamp, body))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    int status = send(request, delivery);
    if (status < 200 || status > 299) {
      throw new IOException(
          "webhook '"
              + name
              + "' to "
              + where
              + " answered "
              + status
              + ", expected 2xx; attempt "
              + delivery.attempt()
              + " of delivery "
              + id);
    }
    LOG.debug(
        "webhook {} delivered {} ({}), attempt {}, status {}",
        name,
        id,
        delivery.event().type(),
        delivery.attempt(),
        status);
  }

  // The request's own timeout ends when the headers arrive; the deadline here covers the body too,
  // so a receiver that stalls mid-answer cannot hold the dispatcher's thread.
  private int send(HttpRequest request, Delivery delivery)
      throws IOException, InterruptedException {
    CompletableFuture<HttpResponse<Void>> exchange =
        client.sendAsync(request, HttpResponse.BodyHandlers.discarding());
    try {
      return exchange.get(timeout.toNanos(), TimeUnit.NANOSECONDS).statusCode();
    } catch (TimeoutException e) {
      exchange.cancel(true);
      throw timedOut(delivery);
    } catch (InterruptedException e) {
      exchange.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof HttpTimeoutException) {
        throw timedOut(delivery);
      }
      throw new IOException(
          "webhook '"
              + name
              + "' to "
              + where
              + " failed: "
              + (cause == null ? "unknown" : cause.getClass().getName())
              + "; attempt "
              + delivery.attempt()
              + " of delivery "
              + delivery.deliveryId(),
          cause);
    }
  }

  private HttpTimeoutException timedOut(Delivery delivery) {
    return new HttpTimeoutException(
        "webhook '"
            + name
            + "' to "
            + where
            + " got no complete answer within "
            + timeout
            + "; attempt "
            + delivery.attempt()
            + " of delivery "
            + delivery.deliveryId());
  }

  static String body(Delivery delivery) {
    OutboxEvent event = delivery.event();
    StringBuilder json = new StringBuilder(160 + event.payload().length());
    json.append("{\"deliveryId\":");
    quote(json, delivery.deliveryId().toString());
    json.append(",\"attempt\":").append(delivery.attempt());
    json.append(",\"event\":{\"id\":");
    quote(json, event.id().toString());
    json.append(",\"type\":");
    quote(json, event.type());
    json.append(",\"aggregateId\":");
    quote(json, event.aggregateId());
    json.append(",\"createdAt\":");
    quote(json, event.createdAt().toString());
    json.append(",\"payload\":").append(event.payload()).append("}}");
    return json.toString();
  }

  private static void quote(StringBuilder json, String text) {
    json.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        default -> {
          if (c < 0x20) {
            json.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    json.append('"');
  }

  @Override
  public String toString() {
    return "WebhookHook[" + name + " -> " + where + ", timeout " + timeout + "]";
  }

  /** Builds a {@link WebhookHook}. Each setter validates at once. Not thread-safe. */
  public static final class Builder {
    private String name = DEFAULT_NAME;
    private @Nullable URI target;
    private @Nullable WebhookSignature signature;
    private Optional<Set<String>> eventTypes = Optional.empty();
    private boolean ordered;
    private Duration timeout = DEFAULT_TIMEOUT;
    private Clock clock = Clock.systemUTC();
    private Optional<HttpClient> client = Optional.empty();

    private Builder() {}

    /**
     * Sets the hook's name (default {@value WebhookHook#DEFAULT_NAME}), stored with each of its
     * deliveries: keep it stable, and give each of several webhooks its own.
     *
     * @param name 1-64 of {@code a-z 0-9 . -}, starting with a letter or digit
     * @return this builder
     * @throws ValidationException if malformed
     */
    public Builder name(String name) {
      this.name = PendingDelivery.requireHookName(Objects.requireNonNull(name, "name"));
      return this;
    }

    /**
     * Sets the URL to POST to. Prefer {@code https}: the signature proves origin and integrity but
     * does not hide the content.
     *
     * @param target an absolute {@code http} or {@code https} URI with a host
     * @return this builder
     * @throws ValidationException if it is not one (the message shows the scheme, never the rest)
     */
    public Builder target(URI target) {
      Objects.requireNonNull(target, "target");
      String scheme = target.getScheme();
      if (scheme == null
          || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
          || target.getHost() == null) {
        throw new ValidationException(
            "target",
            "must be an absolute http or https URI with a host, but had scheme '" + scheme + "'");
      }
      this.target = target;
      return this;
    }

    /**
     * Sets the shared secret the requests are signed with; give the receiver the same.
     *
     * @param secret {@code whsec_} followed by the base64 of 32 to 64 random bytes, as {@link
     *     WebhookSignature#generateSecret()} makes
     * @return this builder
     * @throws ValidationException if malformed or too short (the message never shows it)
     */
    public Builder secret(String secret) {
      this.signature = WebhookSignature.ofSecret(Objects.requireNonNull(secret, "secret"));
      return this;
    }

    /**
     * Limits the hook to some event types; by default it receives every type.
     *
     * @param types one or more types, such as {@value OutboxEvent#ORDER_PLACED}
     * @return this builder
     * @throws ValidationException if none is given or one is empty
     */
    public Builder eventTypes(String... types) {
      Objects.requireNonNull(types, "types");
      if (types.length == 0 || Arrays.stream(types).anyMatch(t -> t == null || t.isEmpty())) {
        throw new ValidationException(
            "eventTypes",
            "must name at least one non-empty type, but was " + Arrays.toString(types));
      }
      this.eventTypes = Optional.of(Set.of(types));
      return this;
    }

    /**
     * Sets whether one order's events are sent one at a time, in order, also across retries
     * (default {@code false}); see {@link FulfilmentHook#ordered()}.
     *
     * @param ordered {@code true} for per-order ordering
     * @return this builder
     */
    public Builder ordered(boolean ordered) {
      this.ordered = ordered;
      return this;
    }

    /**
     * Sets how long one request may take, connection and complete answer included (default 15 s, as
     * the Standard Webhooks specification recommends 15 to 30 s). The hook's {@link
     * WebhookHook#timeout()} is this plus {@link WebhookHook#DISPATCH_GRACE}.
     *
     * @param timeout positive, at most 10 minutes
     * @return this builder
     * @throws ValidationException if out of range
     */
    public Builder timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
        throw new ValidationException(
            "timeout", "must be positive and at most " + MAX_TIMEOUT + ", but was " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * Sets the clock the {@code Webhook-Timestamp} is read from (default the system clock).
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets the HTTP client (default: a new one that never follows redirects and connects within the
     * timeout). Share one client between hooks to share its connections.
     *
     * @param client a client whose redirect policy is {@link HttpClient.Redirect#NEVER}
     * @return this builder
     * @throws ValidationException if the client follows redirects
     */
    public Builder httpClient(HttpClient client) {
      Objects.requireNonNull(client, "client");
      if (client.followRedirects() != HttpClient.Redirect.NEVER) {
        throw new ValidationException(
            "httpClient",
            "must not follow redirects (a webhook answers 3xx only when its URL should change),"
                + " but follows "
                + client.followRedirects());
      }
      this.client = Optional.of(client);
      return this;
    }

    /**
     * Builds the hook.
     *
     * @return the hook
     * @throws ValidationException if the target or the secret is missing
     */
    public WebhookHook build() {
      URI url = target;
      WebhookSignature signing = signature;
      if (url == null) {
        throw new ValidationException("target", "is required");
      }
      if (signing == null) {
        throw new ValidationException("secret", "is required");
      }
      HttpClient http =
          client.orElseGet(
              () ->
                  HttpClient.newBuilder()
                      .followRedirects(HttpClient.Redirect.NEVER)
                      .connectTimeout(timeout)
                      .build());
      return new WebhookHook(this, url, signing, http);
    }
  }
}
