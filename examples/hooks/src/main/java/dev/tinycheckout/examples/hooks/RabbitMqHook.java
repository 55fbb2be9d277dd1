package dev.tinycheckout.examples.hooks;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import dev.tinycheckout.ValidationException;
import dev.tinycheckout.fulfilment.Delivery;
import dev.tinycheckout.fulfilment.FulfilmentHook;
import dev.tinycheckout.fulfilment.OutboxEvent;
import dev.tinycheckout.fulfilment.PendingDelivery;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Date;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fulfilment hook that publishes each event it subscribes to to a RabbitMQ exchange (AMQP 0-9-1,
 * with the {@code com.rabbitmq:amqp-client} library), for shops whose other systems already read
 * from RabbitMQ.
 *
 * <p>Each delivery becomes one <b>persistent</b> message (delivery mode 2) on the {@linkplain
 * Builder#exchange exchange}, routed by {@linkplain Builder#routingKeyPrefix prefix} + event type
 * (such as {@code order.placed}). Its body is the JSON {@code
 * {"deliveryId":…,"attempt":…,"event":{"id":…,"type":…,"aggregateId":…,"createdAt":…,"payload":…}}}
 * that {@link WebhookHook} sends too; its properties are {@code content-type: application/json},
 * {@code message-id} = the delivery id (the same on every attempt and on a replay: consumers
 * de-duplicate on it), {@code type} = the event type, {@code app-id: tinycheckout} and {@code
 * timestamp}; its headers {@value #HEADER_EVENT_TYPE}, {@value #HEADER_EVENT_ID}, {@value
 * #HEADER_AGGREGATE_ID} and {@value #HEADER_ATTEMPT}.
 *
 * <p><b>Delivered means confirmed.</b> The hook publishes with <em>publisher confirms</em> and the
 * <em>mandatory</em> flag, and {@link #handle} returns only once the broker has acknowledged the
 * message, which for a durable queue means written to disk. A {@code basic.nack}, no confirm within
 * the {@linkplain Builder#confirmTimeout confirm timeout}, a message the broker returned as
 * unroutable (no queue bound for its routing key), a missing exchange, or a connection that is down
 * makes {@code handle} throw an {@link IOException}, so the dispatcher retries with backoff. The
 * message names the hook, the broker's host, port and virtual host, the exchange and the routing
 * key; never the credentials or the payload.
 *
 * <p>The hook opens one connection on first use (and again on the next delivery if that failed),
 * with automatic recovery: after a network failure or a broker restart the client reconnects every
 * {@linkplain Builder#recoveryInterval recovery interval}, and deliveries fail until it has.
 *
 * <p>Thread-safe: AMQP channels are not, so each delivery borrows a channel of its own from a pool
 * (one per delivery running at once) and gives it back when the publish was confirmed. {@link
 * #close()} closes the connection; call it after the dispatcher has stopped.
 */
public final class RabbitMqHook implements FulfilmentHook, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RabbitMqHook.class);

  /** The default name: {@value}. */
  public static final String DEFAULT_NAME = "rabbitmq";

  /** The default confirm timeout: 10 seconds. */
  public static final Duration DEFAULT_CONFIRM_TIMEOUT = Duration.ofSeconds(10);

  /** The default connect timeout, for the TCP connection and the AMQP handshake: 10 seconds. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** The default interval between reconnection attempts: 5 seconds. */
  public static final Duration DEFAULT_RECOVERY_INTERVAL = Duration.ofSeconds(5);

  /**
   * How much longer than connect plus confirm timeout the dispatcher waits before it abandons a
   * run, so that the hook's own, clearer failure is what gets recorded: 5 seconds.
   */
  public static final Duration DISPATCH_GRACE = Duration.ofSeconds(5);

  /** The header with the event type: {@value}. */
  public static final String HEADER_EVENT_TYPE = "tinycheckout-event-type";

  /** The header with the event id, the same for every hook the event goes to: {@value}. */
  public static final String HEADER_EVENT_ID = "tinycheckout-event-id";

  /** The header with the event's aggregate id, such as the order id: {@value}. */
  public static final String HEADER_AGGREGATE_ID = "tinycheckout-aggregate-id";

  /** The header with the attempt number, 1 for the first: {@value}. */
  public static final String HEADER_ATTEMPT = "tinycheckout-attempt";

  /** The {@code app-id} property of every message: {@value}. */
  public static final String APP_ID = "tinycheckout";

  private static final int PERSISTENT = 2;
  private static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);
  private static final Pattern EXCHANGE = Pattern.compile("[A-Za-z0-9_.:-]{1,255}");
  private static final Pattern PREFIX = Pattern.compile("([A-Za-z0-9_-]+\\.){0,16}");

  private final String name;
  private final String where;
  private final String exchange;
  private final String routingKeyPrefix;
  private final Optional<Set<String>> eventTypes;
  private final boolean ordered;
  private final Duration confirmTimeout;
  private final Duration connectTimeout;
  private final Clock clock;
  private final ConnectionFactory factory;
  private final Object lock = new Object();
  private final ConcurrentLinkedDeque<PooledChannel> idle = new ConcurrentLinkedDeque<>();
  private @Nullable Connection connection; // guarded by lock
  private volatile @Nullable String blocked;
  private volatile boolean closed;

  private RabbitMqHook(Builder b, URI uri, String exchange, ConnectionFactory factory) {
    this.name = b.name;
    this.where = where(uri);
    this.exchange = exchange;
    this.routingKeyPrefix = b.routingKeyPrefix;
    this.eventTypes = b.eventTypes;
    this.ordered = b.ordered;
    this.confirmTimeout = b.confirmTimeout;
    this.connectTimeout = b.connectTimeout;
    this.clock = b.clock;
    this.factory = factory;
  }

  /**
   * A builder; {@code uri} and {@code exchange} are required.
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

  /**
   * Whether one order's events are published one at a time, in order, also across retries; see
   * {@link Builder#ordered}.
   *
   * @return {@code true} for per-order ordering
   */
  @Override
  public boolean ordered() {
    return ordered;
  }

  /**
   * The connect timeout plus the confirm timeout plus {@link #DISPATCH_GRACE}.
   *
   * @return how long the dispatcher lets one run take
   */
  @Override
  public Duration timeout() {
    return connectTimeout.plus(confirmTimeout).plus(DISPATCH_GRACE);
  }

  /**
   * The routing key of an event type: the {@linkplain Builder#routingKeyPrefix prefix} followed by
   * the type.
   *
   * @param eventType an event type such as {@value OutboxEvent#ORDER_PLACED}
   * @return the routing key, such as {@code order.placed}
   */
  public String routingKey(String eventType) {
    return routingKeyPrefix + Objects.requireNonNull(eventType, "eventType");
  }

  /**
   * Publishes the delivery and waits until the broker has confirmed it.
   *
   * @param delivery the delivery
   * @throws IOException if the broker could not be reached, refused ({@code basic.nack}) or
   *     returned the message as unroutable, the exchange does not exist, or no confirm came within
   *     the confirm timeout; retry later
   * @throws InterruptedException if the thread was interrupted while waiting for the confirm
   * @throws IllegalStateException if the hook was {@linkplain #close() closed}
   */
  @Override
  public void handle(Delivery delivery) throws IOException, InterruptedException {
    Objects.requireNonNull(delivery, "delivery");
    OutboxEvent event = delivery.event();
    String id = delivery.deliveryId().toString();
    String routingKey = routingKey(event.type());
    byte[] body = WebhookHook.body(delivery).getBytes(StandardCharsets.UTF_8);
    AMQP.BasicProperties properties =
        new AMQP.BasicProperties.Builder()
            .contentType("application/json")
            .deliveryMode(PERSISTENT)
            .messageId(id)
            .type(event.type())
            .appId(APP_ID)
            .timestamp(Date.from(clock.instant()))
            .headers(
                Map.of(
                    HEADER_EVENT_TYPE, event.type(),
                    HEADER_EVENT_ID, event.id().toString(),
                    HEADER_AGGREGATE_ID, event.aggregateId(),
                    HEADER_ATTEMPT, delivery.attempt()))
            .build();
    PooledChannel pooled = borrow(delivery, routingKey);
    boolean reusable = false;
    try {
      pooled.returned.remove(id);
      pooled.channel.basicPublish(exchange, routingKey, true, properties, body);
      pooled.channel.waitForConfirmsOrDie(confirmTimeout.toMillis());
      // The broker sends basic.return before the basic.ack of the same message, and the client
      // handles both on its connection thread in that order: once confirmed, a return has arrived.
      reusable = true;
      if (pooled.returned.remove(id)) {
        throw failure(
            delivery,
            routingKey,
            "the broker returned it as unroutable (no queue is bound for the routing key)",
            null);
      }
    } catch (TimeoutException e) {
      throw failure(delivery, routingKey, "no publisher confirm within " + confirmTimeout, null);
    } catch (ShutdownSignalException e) {
      throw failure(delivery, routingKey, shutdownReason(e), null);
    } catch (IOException e) {
      if (reusable) {
        throw e;
      }
      throw failure(delivery, routingKey, ioReason(e), e);
    } catch (RuntimeException e) {
      reusable = false;
      throw corrupted(pooled.channel.getConnection(), delivery, routingKey, e);
    } finally {
      giveBack(pooled, reusable);
    }
    LOG.debug(
        "rabbitmq {} published {} ({}) as {}, attempt {}",
        name,
        id,
        event.type(),
        routingKey,
        delivery.attempt());
  }

  private PooledChannel borrow(Delivery delivery, String routingKey) throws IOException {
    if (closed) {
      throw new IllegalStateException("rabbitmq hook '" + name + "' is closed");
    }
    PooledChannel pooled;
    while ((pooled = idle.pollFirst()) != null) {
      if (pooled.channel.isOpen()) {
        return pooled;
      }
      closeQuietly(pooled.channel);
    }
    Connection open = connection(delivery, routingKey);
    String why = blocked;
    if (why != null) {
      throw failure(
          delivery, routingKey, "the broker blocks publishers (" + oneLine(why) + ")", null);
    }
    Channel channel;
    try {
      channel = open.createChannel();
    } catch (ShutdownSignalException e) {
      throw failure(delivery, routingKey, "the connection is down, recovering", null);
    } catch (IOException e) {
      throw failure(delivery, routingKey, ioReason(e), e);
    } catch (RuntimeException e) {
      throw corrupted(open, delivery, routingKey, e);
    }
    if (channel == null) {
      throw failure(delivery, routingKey, "the connection has no free channel", null);
    }
    PooledChannel fresh = new PooledChannel(channel);
    try {
      channel.confirmSelect();
    } catch (ShutdownSignalException e) {
      closeQuietly(channel);
      throw failure(delivery, routingKey, shutdownReason(e), null);
    } catch (IOException e) {
      closeQuietly(channel);
      throw failure(delivery, routingKey, ioReason(e), e);
    } catch (RuntimeException e) {
      throw corrupted(open, delivery, routingKey, e);
    }
    channel.addReturnListener(
        returned -> {
          String messageId = returned.getProperties().getMessageId();
          if (messageId != null) {
            fresh.returned.add(messageId);
          }
        });
    return fresh;
  }

  private Connection connection(Delivery delivery, String routingKey) throws IOException {
    synchronized (lock) {
      Connection open = connection;
      if (open != null) {
        // Open, or recovering on its own; a second connection would only compete with it.
        return open;
      }
      try {
        open = factory.newConnection("tinycheckout " + name);
      } catch (TimeoutException e) {
        throw failure(delivery, routingKey, "no connection within " + connectTimeout, null);
      } catch (IOException e) {
        throw failure(delivery, routingKey, "cannot connect: " + ioReason(e), e);
      }
      open.addBlockedListener(reason -> blocked = reason, () -> blocked = null);
      if (closed) {
        open.abort();
        throw new IllegalStateException("rabbitmq hook '" + name + "' is closed");
      }
      connection = open;
      LOG.debug("rabbitmq {} connected to {}", name, where);
      return open;
    }
  }

  /**
   * The client library failed in a way it has no exception for, such as a reply it matched to the
   * wrong request after frames stalled on the network: the connection can no longer be trusted.
   * Drops it (with its channels) so the next attempt connects afresh, and returns the failure.
   */
  private IOException corrupted(
      Connection open, Delivery delivery, String routingKey, RuntimeException e) {
    synchronized (lock) {
      if (connection == open) {
        connection = null;
      }
    }
    for (PooledChannel pooled; (pooled = idle.pollFirst()) != null; ) {
      closeQuietly(pooled.channel);
    }
    try {
      open.abort((int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
    } catch (RuntimeException ignored) {
      // Aborting is best effort; the connection is dropped either way.
    }
    LOG.warn("rabbitmq {}: the client lost track of its connection; reconnecting", name, e);
    return failure(
        delivery,
        routingKey,
        "the client lost track of the connection ("
            + e.getClass().getSimpleName()
            + "); the next attempt reconnects",
        null);
  }

  private void giveBack(PooledChannel pooled, boolean reusable) {
    if (reusable && !closed && pooled.channel.isOpen()) {
      idle.offerFirst(pooled);
    } else {
      closeQuietly(pooled.channel);
    }
  }

  private static void closeQuietly(Channel channel) {
    try {
      channel.abort();
    } catch (IOException | RuntimeException e) {
      // Already closed or the connection is gone: nothing left to release.
    }
  }

  private IOException failure(
      Delivery delivery, String routingKey, String reason, @Nullable Throwable cause) {
    return new IOException(
        "rabbitmq '"
            + name
            + "' to exchange '"
            + exchange
            + "' on "
            + where
            + ", routing key '"
            + routingKey
            + "': "
            + reason
            + "; attempt "
            + delivery.attempt()
            + " of delivery "
            + delivery.deliveryId(),
        cause);
  }

  private String shutdownReason(ShutdownSignalException e) {
    if (e instanceof AlreadyClosedException) {
      return "the connection is down, recovering";
    }
    Object reason = e.getReason();
    if (reason instanceof AMQP.Channel.Close close) {
      if (close.getReplyCode() == 404) {
        return "the exchange does not exist (404 NOT_FOUND): declare it, such as a durable topic"
            + " exchange, and bind the consumers' queues to it";
      }
      return "the broker closed the channel (" + close.getReplyCode() + ")";
    }
    if (reason instanceof AMQP.Connection.Close close) {
      return "the broker closed the connection (" + close.getReplyCode() + ")";
    }
    return "the connection was lost (" + oneLine(String.valueOf(e.getMessage())) + ")";
  }

  private static String ioReason(IOException e) {
    Throwable cause = e.getCause();
    if (cause instanceof ShutdownSignalException shutdown) {
      Object reason = shutdown.getReason();
      if (reason instanceof AMQP.Connection.Close close) {
        return "the broker refused the connection (" + close.getReplyCode() + ")";
      }
    }
    String message = e.getMessage();
    if (message != null && message.toLowerCase(Locale.ROOT).contains("nack")) {
      return "the broker refused it (basic.nack)";
    }
    return e.getClass().getName() + (message == null ? "" : ": " + oneLine(message));
  }

  private static String oneLine(String text) {
    String line = text.replaceAll("\\s+", " ").strip();
    return line.length() > 200 ? line.substring(0, 200) + "…" : line;
  }

  private static String where(URI uri) {
    boolean tls = "amqps".equalsIgnoreCase(uri.getScheme());
    int port = uri.getPort() >= 0 ? uri.getPort() : tls ? 5671 : 5672;
    String path = uri.getRawPath();
    String vhost = path == null || path.isEmpty() ? "/" : path;
    return (tls ? "amqps" : "amqp") + "://" + uri.getHost() + ":" + port + vhost;
  }

  /**
   * Closes the connection and its channels. A delivery still running fails; later ones throw {@link
   * IllegalStateException}. Idempotent.
   */
  @Override
  public void close() {
    closed = true;
    Connection open;
    synchronized (lock) {
      open = connection;
      connection = null;
    }
    idle.clear();
    if (open != null) {
      open.abort((int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
    }
  }

  @Override
  public String toString() {
    return "RabbitMqHook["
        + name
        + " -> "
        + where
        + ", exchange '"
        + exchange
        + "', routing key '"
        + routingKeyPrefix
        + "<type>', confirm timeout "
        + confirmTimeout
        + "]";
  }

  /** A channel in confirm mode and the ids of the messages the broker returned on it. */
  private static final class PooledChannel {
    final Channel channel;
    final Set<String> returned = ConcurrentHashMap.newKeySet();

    PooledChannel(Channel channel) {
      this.channel = channel;
    }
  }

  /** Builds a {@link RabbitMqHook}. Each setter validates at once. Not thread-safe. */
  public static final class Builder {
    private String name = DEFAULT_NAME;
    private @Nullable URI uri;
    private @Nullable String exchange;
    private String routingKeyPrefix = "";
    private Optional<Set<String>> eventTypes = Optional.empty();
    private boolean ordered;
    private Duration confirmTimeout = DEFAULT_CONFIRM_TIMEOUT;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration recoveryInterval = DEFAULT_RECOVERY_INTERVAL;
    private Clock clock = Clock.systemUTC();
    private Optional<SSLContext> sslContext = Optional.empty();

    private Builder() {}

    /**
     * Sets the hook's name (default {@value RabbitMqHook#DEFAULT_NAME}), stored with each of its
     * deliveries: keep it stable.
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
     * Sets the broker, as an <a href="https://www.rabbitmq.com/docs/uri-spec">AMQP URI</a>: {@code
     * amqp://user:password@host:5672/vhost}, the virtual host percent-encoded ({@code %2F} for
     * {@code /}, the default when the path is missing). {@code amqps://} connects with TLS (port
     * 5671 by default), checks the certificate against the JDK's trusted authorities (or the
     * {@linkplain #sslContext given context}) and the host name. The credentials are never shown.
     *
     * @param uri an {@code amqp} or {@code amqps} URI with a host
     * @return this builder
     * @throws ValidationException if of another scheme or without a host (the message never repeats
     *     the URI)
     */
    public Builder uri(URI uri) {
      Objects.requireNonNull(uri, "uri");
      String scheme = uri.getScheme();
      if (scheme == null
          || !(scheme.equalsIgnoreCase("amqp") || scheme.equalsIgnoreCase("amqps"))
          || uri.getHost() == null) {
        throw new ValidationException(
            "uri",
            "must be an amqp:// or amqps:// URI with a host, such as"
                + " amqp://user:password@127.0.0.1:5672/%2F, but had scheme '"
                + scheme
                + "'");
      }
      String path = uri.getRawPath();
      if (path != null && path.indexOf('/', 1) >= 0) {
        throw new ValidationException(
            "uri", "must name one virtual host, percent-encoded (%2F for '/')");
      }
      this.uri = uri;
      return this;
    }

    /**
     * Sets the exchange to publish to. It must exist: the hook declares nothing, so the topology
     * stays with the shop's broker configuration. A durable {@code topic} exchange fits best:
     * consumers bind queues with patterns such as {@code order.*}.
     *
     * @param exchange 1-255 of {@code A-Z a-z 0-9 - _ . :}
     * @return this builder
     * @throws ValidationException if empty or malformed; the default exchange ({@code ""}) is not
     *     accepted, since it routes by queue name, not by event type
     */
    public Builder exchange(String exchange) {
      Objects.requireNonNull(exchange, "exchange");
      if (!EXCHANGE.matcher(exchange).matches()) {
        throw new ValidationException(
            "exchange",
            "must be 1-255 of A-Z a-z 0-9 - _ . : (not the default exchange), but was '"
                + exchange
                + "'");
      }
      this.exchange = exchange;
      return this;
    }

    /**
     * Sets what goes before the event type in the routing key (default none: {@code order.placed});
     * with {@code shop1.} the key is {@code shop1.order.placed}.
     *
     * @param prefix empty, or up to 16 words of {@code A-Z a-z 0-9 - _} each followed by a dot
     * @return this builder
     * @throws ValidationException if malformed
     */
    public Builder routingKeyPrefix(String prefix) {
      Objects.requireNonNull(prefix, "prefix");
      if (prefix.length() > 128 || !PREFIX.matcher(prefix).matches()) {
        throw new ValidationException(
            "routingKeyPrefix",
            "must be empty or dot-terminated words such as 'shop1.', but was '" + prefix + "'");
      }
      this.routingKeyPrefix = prefix;
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
     * Sets whether one order's events are published one at a time, in order, also across retries
     * (default {@code false}); see {@link FulfilmentHook#ordered()}. RabbitMQ keeps the order of
     * one channel's messages in a queue, but only a single consumer per queue sees them in that
     * order.
     *
     * @param ordered {@code true} for per-order ordering
     * @return this builder
     */
    public Builder ordered(boolean ordered) {
      this.ordered = ordered;
      return this;
    }

    /**
     * Sets how long the hook waits for the broker to confirm a message (default 10 s).
     *
     * @param confirmTimeout 1 ms to 10 minutes
     * @return this builder
     * @throws ValidationException if out of range
     */
    public Builder confirmTimeout(Duration confirmTimeout) {
      this.confirmTimeout = checked("confirmTimeout", confirmTimeout);
      return this;
    }

    /**
     * Sets how long connecting may take, TCP connection and AMQP handshake each (default 10 s).
     *
     * @param connectTimeout 1 ms to 10 minutes
     * @return this builder
     * @throws ValidationException if out of range
     */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = checked("connectTimeout", connectTimeout);
      return this;
    }

    /**
     * Sets how long the client waits between attempts to recover a lost connection (default 5 s).
     *
     * @param recoveryInterval 1 ms to 10 minutes
     * @return this builder
     * @throws ValidationException if out of range
     */
    public Builder recoveryInterval(Duration recoveryInterval) {
      this.recoveryInterval = checked("recoveryInterval", recoveryInterval);
      return this;
    }

    /**
     * Sets the clock for the messages' {@code timestamp} (default the system clock).
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets the TLS context for an {@code amqps://} URI, such as one that trusts a private authority
     * (default: the JDK's). The host name is checked either way.
     *
     * @param sslContext an initialised context
     * @return this builder
     */
    public Builder sslContext(SSLContext sslContext) {
      this.sslContext = Optional.of(Objects.requireNonNull(sslContext, "sslContext"));
      return this;
    }

    private static Duration checked(String field, Duration value) {
      Objects.requireNonNull(value, field);
      if (value.toMillis() < 1 || value.compareTo(MAX_TIMEOUT) > 0) {
        throw new ValidationException(
            field, "must be from 1 ms to " + MAX_TIMEOUT + ", but was " + value);
      }
      return value;
    }

    /**
     * Builds the hook. It connects on its first delivery, not here.
     *
     * @return the hook
     * @throws ValidationException if the URI or the exchange is missing, or the URI cannot be used
     */
    public RabbitMqHook build() {
      URI broker = uri;
      String target = exchange;
      if (broker == null) {
        throw new ValidationException("uri", "is required");
      }
      if (target == null) {
        throw new ValidationException("exchange", "is required");
      }
      return new RabbitMqHook(this, broker, target, factory(broker));
    }

    private ConnectionFactory factory(URI broker) {
      boolean tls = "amqps".equalsIgnoreCase(broker.getScheme());
      ConnectionFactory factory = new ConnectionFactory();
      try {
        // The client's own amqps handling trusts every certificate; set the port and TLS here.
        String userInfo = broker.getRawUserInfo();
        String path = broker.getRawPath();
        String query = broker.getRawQuery();
        factory.setUri(
            new URI(
                "amqp://"
                    + (userInfo == null ? "" : userInfo + "@")
                    + broker.getHost()
                    + ":"
                    + (broker.getPort() >= 0 ? broker.getPort() : tls ? 5671 : 5672)
                    + (path == null ? "" : path)
                    + (query == null ? "" : "?" + query)));
        if (tls) {
          factory.useSslProtocol(
              sslContext.isPresent() ? sslContext.get() : SSLContext.getDefault());
          factory.enableHostnameVerification();
        }
      } catch (URISyntaxException | GeneralSecurityException | IllegalArgumentException e) {
        throw new ValidationException(
            "uri", "cannot be used (" + e.getClass().getSimpleName() + "); check its syntax");
      }
      factory.setAutomaticRecoveryEnabled(true);
      factory.setTopologyRecoveryEnabled(false);
      factory.setNetworkRecoveryInterval(recoveryInterval.toMillis());
      int connectMillis = (int) connectTimeout.toMillis();
      factory.setConnectionTimeout(connectMillis);
      factory.setHandshakeTimeout(connectMillis);
      factory.setChannelRpcTimeout((int) Math.max(connectMillis, confirmTimeout.toMillis()));
      return factory;
    }
  }
}
