package dev.tinycheckout.examples.hooks;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.fulfilment.Delivery;
import dev.tinycheckout.fulfilment.FulfilmentHook;
import dev.tinycheckout.fulfilment.OutboxEvent;
import dev.tinycheckout.fulfilment.PendingDelivery;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamOptions;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fulfilment hook that publishes each event it subscribes to to <a
 * href="https://docs.nats.io/nats-concepts/jetstream">NATS JetStream</a> (with the {@code
 * io.nats:jnats} library), for shops whose other systems already read from NATS.
 *
 * <p>Each delivery becomes one message on the subject {@linkplain Builder#subjectPrefix prefix} +
 * event type (such as {@code tinycheckout.order.placed}), which a stream of the shop's must
 * capture. Its body is the JSON {@code
 * {"deliveryId":…,"attempt":…,"event":{"id":…,"type":…,"aggregateId":…,"createdAt":…,"payload":…}}}
 * that {@link WebhookHook} sends too; its headers are {@code Nats-Msg-Id} = the delivery id (the
 * same on every attempt and on a replay), {@code Content-Type: application/json}, {@value
 * #HEADER_EVENT_TYPE}, {@value #HEADER_EVENT_ID}, {@value #HEADER_AGGREGATE_ID} and {@value
 * #HEADER_ATTEMPT}.
 *
 * <p><b>Delivered means stored.</b> {@link #handle} returns once the stream has acknowledged the
 * message (a {@code PubAck}). A retried delivery whose first attempt was stored is answered as a
 * duplicate and not stored again, as long as it comes within the stream's <em>duplicate window</em>
 * (2 minutes unless the stream sets another): JetStream de-duplicates on {@code Nats-Msg-Id}. No
 * stream for the subject, a stream that refuses the message, another stream than the {@linkplain
 * Builder#expectedStream expected} one, no acknowledgement within the {@linkplain
 * Builder#ackTimeout acknowledgement timeout}, or a connection that is down makes {@code handle}
 * throw an {@link IOException}, so the dispatcher retries with backoff. Messages are never buffered
 * while the connection is down, so a failed attempt does not come back later behind the hook's
 * back. The exception's message names the hook, the server's host and port, and the subject; never
 * credentials or the payload.
 *
 * <p>The hook connects on first use (and again on the next delivery if that failed); once
 * connected, the client reconnects on its own after a network failure or a server restart, every
 * {@linkplain Builder#reconnectWait reconnect wait}. Thread-safe: the NATS connection is. {@link
 * #close()} closes the connection; call it after the dispatcher has stopped.
 */
public final class NatsJetStreamHook implements FulfilmentHook, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NatsJetStreamHook.class);

  /** The default name: {@value}. */
  public static final String DEFAULT_NAME = "nats";

  /** The default subject prefix: {@value}. */
  public static final String DEFAULT_SUBJECT_PREFIX = "tinycheckout.";

  /** The default acknowledgement timeout: 10 seconds. */
  public static final Duration DEFAULT_ACK_TIMEOUT = Duration.ofSeconds(10);

  /** The default connect timeout: 10 seconds. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** The default wait between reconnection attempts: 2 seconds. */
  public static final Duration DEFAULT_RECONNECT_WAIT = Duration.ofSeconds(2);

  /**
   * How much longer than connect plus acknowledgement timeout the dispatcher waits before it
   * abandons a run, so that the hook's own, clearer failure is what gets recorded: 5 seconds.
   */
  public static final Duration DISPATCH_GRACE = Duration.ofSeconds(5);

  /** The header with the event type: {@value}. */
  public static final String HEADER_EVENT_TYPE = RabbitMqHook.HEADER_EVENT_TYPE;

  /** The header with the event id, the same for every hook the event goes to: {@value}. */
  public static final String HEADER_EVENT_ID = RabbitMqHook.HEADER_EVENT_ID;

  /** The header with the event's aggregate id, such as the order id: {@value}. */
  public static final String HEADER_AGGREGATE_ID = RabbitMqHook.HEADER_AGGREGATE_ID;

  /** The header with the attempt number, 1 for the first: {@value}. */
  public static final String HEADER_ATTEMPT = RabbitMqHook.HEADER_ATTEMPT;

  private static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);
  private static final Pattern PREFIX = Pattern.compile("([A-Za-z0-9_-]+\\.){0,16}");
  private static final Pattern STREAM = Pattern.compile("[A-Za-z0-9_-]{1,255}");

  private final String name;
  private final String where;
  private final String subjectPrefix;
  private final Optional<String> expectedStream;
  private final Optional<Set<String>> eventTypes;
  private final boolean ordered;
  private final Duration ackTimeout;
  private final Duration connectTimeout;
  private final Options options;
  private final Object lock = new Object();
  private @Nullable Connection connection; // guarded by lock
  private volatile @Nullable JetStream jetStream;
  private volatile boolean closed;

  private NatsJetStreamHook(Builder b, List<URI> servers, Options options) {
    this.name = b.name;
    this.where = where(servers.get(0));
    this.subjectPrefix = b.subjectPrefix;
    this.expectedStream = b.expectedStream;
    this.eventTypes = b.eventTypes;
    this.ordered = b.ordered;
    this.ackTimeout = b.ackTimeout;
    this.connectTimeout = b.connectTimeout;
    this.options = options;
  }

  /**
   * A builder; at least one {@code server} is required.
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
   * The connect timeout plus the acknowledgement timeout plus {@link #DISPATCH_GRACE}.
   *
   * @return how long the dispatcher lets one run take
   */
  @Override
  public Duration timeout() {
    return connectTimeout.plus(ackTimeout).plus(DISPATCH_GRACE);
  }

  /**
   * The subject of an event type: the {@linkplain Builder#subjectPrefix prefix} followed by the
   * type.
   *
   * @param eventType an event type such as {@value OutboxEvent#ORDER_PLACED}
   * @return the subject, such as {@code tinycheckout.order.placed}
   */
  public String subject(String eventType) {
    return subjectPrefix + Objects.requireNonNull(eventType, "eventType");
  }

  /**
   * Publishes the delivery and waits for the stream's acknowledgement. A duplicate (the stream
   * already holds a message with this delivery id) counts as delivered.
   *
   * @param delivery the delivery
   * @throws IOException if no stream took the message (none captures the subject, it refused it, it
   *     is not the expected one, no acknowledgement within the timeout, the connection is down);
   *     retry later
   * @throws InterruptedException if the thread was interrupted while connecting or waiting
   * @throws IllegalStateException if the hook was {@linkplain #close() closed}
   */
  @Override
  public void handle(Delivery delivery) throws IOException, InterruptedException {
    Objects.requireNonNull(delivery, "delivery");
    OutboxEvent event = delivery.event();
    String id = delivery.deliveryId().toString();
    String subject = subject(event.type());
    byte[] body = WebhookHook.body(delivery).getBytes(StandardCharsets.UTF_8);
    Headers headers =
        new Headers()
            .add("Content-Type", "application/json")
            .add(HEADER_EVENT_TYPE, event.type())
            .add(HEADER_EVENT_ID, event.id().toString())
            .add(HEADER_AGGREGATE_ID, event.aggregateId())
            .add(HEADER_ATTEMPT, Integer.toString(delivery.attempt()));
    PublishOptions.Builder publish = PublishOptions.builder().messageId(id);
    expectedStream.ifPresent(publish::expectedStream);
    JetStream js = jetStream(delivery, subject);
    PublishAck ack;
    try {
      ack = js.publish(subject, headers, body, publish.build());
    } catch (JetStreamApiException e) {
      throw failure(
          delivery,
          subject,
          "the stream refused it (JetStream error "
              + e.getApiErrorCode()
              + ": "
              + oneLine(String.valueOf(e.getErrorDescription()))
              + ")",
          null);
    } catch (IOException e) {
      if (Thread.interrupted()) {
        throw new InterruptedException("interrupted while waiting for the PubAck of " + id);
      }
      throw failure(delivery, subject, ioReason(e), e);
    } catch (IllegalStateException e) {
      // The client refuses to publish while it reconnects (no reconnect buffer) or once closed.
      throw failure(
          delivery, subject, "the connection is down (" + oneLine(e.getMessage()) + ")", null);
    }
    LOG.debug(
        "nats {} published {} ({}) to stream {} seq {}{}, attempt {}",
        name,
        id,
        event.type(),
        ack.getStream(),
        ack.getSeqno(),
        ack.isDuplicate() ? " (duplicate)" : "",
        delivery.attempt());
  }

  private JetStream jetStream(Delivery delivery, String subject)
      throws IOException, InterruptedException {
    if (closed) {
      throw new IllegalStateException("nats hook '" + name + "' is closed");
    }
    JetStream js = jetStream;
    Connection open = connection;
    if (js != null && open != null && open.getStatus() != Connection.Status.CLOSED) {
      return js;
    }
    synchronized (lock) {
      open = connection;
      if (open == null || open.getStatus() == Connection.Status.CLOSED) {
        try {
          open = Nats.connect(options);
        } catch (IOException e) {
          throw failure(delivery, subject, "cannot connect: " + ioReason(e), e);
        }
        if (closed) {
          open.close();
          throw new IllegalStateException("nats hook '" + name + "' is closed");
        }
        connection = open;
        LOG.debug("nats {} connected to {}", name, where);
      }
      js = open.jetStream(JetStreamOptions.builder().requestTimeout(ackTimeout).build());
      jetStream = js;
      return js;
    }
  }

  private IOException failure(
      Delivery delivery, String subject, String reason, @Nullable Throwable cause) {
    return new IOException(
        "nats '"
            + name
            + "' on "
            + where
            + ", subject '"
            + subject
            + "': "
            + reason
            + "; attempt "
            + delivery.attempt()
            + " of delivery "
            + delivery.deliveryId(),
        cause);
  }

  private String ioReason(IOException e) {
    String message = String.valueOf(e.getMessage());
    if (message.contains("503") || message.toLowerCase(Locale.ROOT).contains("no responders")) {
      return "no stream captures the subject (503 no responders): add it to a stream's subjects";
    }
    if (message.toLowerCase(Locale.ROOT).contains("timeout")) {
      return "no PubAck within " + ackTimeout;
    }
    return e.getClass().getName() + ": " + oneLine(message);
  }

  private static String oneLine(@Nullable String text) {
    String line = String.valueOf(text).replaceAll("\\s+", " ").strip();
    return line.length() > 200 ? line.substring(0, 200) + "…" : line;
  }

  private static String where(URI server) {
    int port = server.getPort() >= 0 ? server.getPort() : 4222;
    return server.getScheme().toLowerCase(Locale.ROOT) + "://" + server.getHost() + ":" + port;
  }

  /**
   * Closes the connection. A delivery still running fails; later ones throw {@link
   * IllegalStateException}. Idempotent.
   */
  @Override
  public void close() {
    closed = true;
    Connection open;
    synchronized (lock) {
      open = connection;
      connection = null;
      jetStream = null;
    }
    if (open != null) {
      try {
        open.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String toString() {
    return "NatsJetStreamHook["
        + name
        + " -> "
        + where
        + ", subject '"
        + subjectPrefix
        + "<type>'"
        + expectedStream.map(s -> ", stream " + s).orElse("")
        + ", ack timeout "
        + ackTimeout
        + "]";
  }

  /** Builds a {@link NatsJetStreamHook}. Each setter validates at once. Not thread-safe. */
  public static final class Builder {
    private String name = DEFAULT_NAME;
    private final List<URI> servers = new ArrayList<>();
    private String subjectPrefix = DEFAULT_SUBJECT_PREFIX;
    private Optional<String> expectedStream = Optional.empty();
    private Optional<Set<String>> eventTypes = Optional.empty();
    private boolean ordered;
    private Duration ackTimeout = DEFAULT_ACK_TIMEOUT;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration reconnectWait = DEFAULT_RECONNECT_WAIT;
    private Optional<SSLContext> sslContext = Optional.empty();

    private Builder() {}

    /**
     * Sets the hook's name (default {@value NatsJetStreamHook#DEFAULT_NAME}), stored with each of
     * its deliveries: keep it stable.
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
     * Adds a NATS server, such as {@code nats://127.0.0.1:4222} ({@code tls://} for TLS, checked
     * against the JDK's trusted authorities or the {@linkplain #sslContext given context}). Give
     * several servers of a cluster for fail-over; user and password may go in the URI and are never
     * shown.
     *
     * @param server a {@code nats} or {@code tls} URI with a host
     * @return this builder
     * @throws ValidationException if of another scheme or without a host (the message never repeats
     *     the URI)
     */
    public Builder server(URI server) {
      Objects.requireNonNull(server, "server");
      String scheme = server.getScheme();
      if (scheme == null
          || !(scheme.equalsIgnoreCase("nats") || scheme.equalsIgnoreCase("tls"))
          || server.getHost() == null) {
        throw new ValidationException(
            "server",
            "must be a nats:// or tls:// URI with a host, such as nats://127.0.0.1:4222, but had"
                + " scheme '"
                + scheme
                + "'");
      }
      servers.add(server);
      return this;
    }

    /**
     * Sets what goes before the event type in the subject (default {@value
     * NatsJetStreamHook#DEFAULT_SUBJECT_PREFIX}: {@code tinycheckout.order.placed}).
     *
     * @param prefix empty, or up to 16 tokens of {@code A-Z a-z 0-9 - _} each followed by a dot
     * @return this builder
     * @throws ValidationException if malformed, such as with a wildcard
     */
    public Builder subjectPrefix(String prefix) {
      Objects.requireNonNull(prefix, "prefix");
      if (prefix.length() > 128 || !PREFIX.matcher(prefix).matches()) {
        throw new ValidationException(
            "subjectPrefix",
            "must be empty or dot-terminated tokens such as 'tinycheckout.', but was '"
                + prefix
                + "'");
      }
      this.subjectPrefix = prefix;
      return this;
    }

    /**
     * Requires that the message lands in this stream: the server refuses it otherwise ({@code
     * Nats-Expected-Stream}), and the delivery fails. By default any stream that captures the
     * subject will do.
     *
     * @param stream the stream's name, 1-255 of {@code A-Z a-z 0-9 - _}
     * @return this builder
     * @throws ValidationException if malformed
     */
    public Builder expectedStream(String stream) {
      Objects.requireNonNull(stream, "stream");
      if (!STREAM.matcher(stream).matches()) {
        throw new ValidationException(
            "expectedStream", "must be 1-255 of A-Z a-z 0-9 - _, but was '" + stream + "'");
      }
      this.expectedStream = Optional.of(stream);
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
     * (default {@code false}); see {@link FulfilmentHook#ordered()}. A stream keeps the order in
     * which it stored messages.
     *
     * @param ordered {@code true} for per-order ordering
     * @return this builder
     */
    public Builder ordered(boolean ordered) {
      this.ordered = ordered;
      return this;
    }

    /**
     * Sets how long the hook waits for the stream's acknowledgement (default 10 s).
     *
     * @param ackTimeout 1 ms to 10 minutes
     * @return this builder
     * @throws ValidationException if out of range
     */
    public Builder ackTimeout(Duration ackTimeout) {
      this.ackTimeout = checked("ackTimeout", ackTimeout);
      return this;
    }

    /**
     * Sets how long connecting to a server may take (default 10 s).
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
     * Sets how long the client waits between attempts to reconnect after losing its connection
     * (default 2 s); it keeps trying until {@link NatsJetStreamHook#close()}.
     *
     * @param reconnectWait 1 ms to 10 minutes
     * @return this builder
     * @throws ValidationException if out of range
     */
    public Builder reconnectWait(Duration reconnectWait) {
      this.reconnectWait = checked("reconnectWait", reconnectWait);
      return this;
    }

    /**
     * Sets the TLS context for {@code tls://} servers, such as one that trusts a private authority
     * (default: the JDK's).
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
     * @throws ValidationException if no server was given
     */
    public NatsJetStreamHook build() {
      if (servers.isEmpty()) {
        throw new ValidationException("server", "is required");
      }
      List<URI> urls = List.copyOf(servers);
      // Credentials go to the client apart from the URLs, so its messages and logs never show them.
      Set<String> userInfos = new HashSet<>();
      List<String> bare = new ArrayList<>();
      for (URI url : urls) {
        userInfos.add(String.valueOf(url.getUserInfo()));
        int port = url.getPort() >= 0 ? url.getPort() : 4222;
        bare.add(url.getScheme().toLowerCase(Locale.ROOT) + "://" + url.getHost() + ":" + port);
      }
      if (userInfos.size() > 1) {
        throw new ValidationException("server", "must all carry the same credentials, or none");
      }
      Options.Builder options =
          new Options.Builder()
              .servers(bare.toArray(String[]::new))
              .connectionName("tinycheckout " + name)
              .connectionTimeout(connectTimeout)
              .reconnectWait(reconnectWait)
              .maxReconnects(-1)
              // Fail while disconnected instead of sending a timed-out attempt later.
              .reconnectBufferSize(0);
      String userInfo = urls.get(0).getUserInfo();
      if (userInfo != null) {
        int colon = userInfo.indexOf(':');
        if (colon < 0) {
          options.token(userInfo.toCharArray());
        } else {
          options.userInfo(
              userInfo.substring(0, colon).toCharArray(),
              userInfo.substring(colon + 1).toCharArray());
        }
      }
      sslContext.ifPresent(options::sslContext);
      return new NatsJetStreamHook(this, urls, options.build());
    }
  }
}
