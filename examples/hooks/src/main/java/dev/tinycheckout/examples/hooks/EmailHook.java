package dev.tinycheckout.examples.hooks;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.fulfilment.Delivery;
import dev.tinycheckout.fulfilment.FulfilmentHook;
import dev.tinycheckout.fulfilment.OutboxEvent;
import dev.tinycheckout.fulfilment.PendingDelivery;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Currency;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fulfilment hook that emails the customer over SMTP, with Jakarta Mail: an order receipt for
 * each {@value OutboxEvent#ORDER_PLACED} event and a withdrawal acknowledgement, the confirmation
 * on a durable medium that EU consumer law asks for, for each {@value OutboxEvent#ORDER_WITHDRAWN}
 * event. It subscribes to those two types only.
 *
 * <p>The recipient is the payload's {@code email} ({@code order.email} for an order placed). Each
 * mail is plain text in UTF-8 and carries {@code Message-ID: <deliveryId@tinycheckout>}, the same
 * on every attempt and on a replay, so a receiving system that de-duplicates on the Message-ID
 * shows a retried mail once: delivery is at least once.
 *
 * <p>A mail the SMTP server accepted means delivered. A refused connection, a failed STARTTLS or
 * login, a refused sender or recipient, or a server slower than the {@linkplain
 * Builder#connectTimeout connect}, {@linkplain Builder#readTimeout read} or {@linkplain
 * Builder#writeTimeout write} timeouts makes {@link #handle} throw an {@link IOException}, so the
 * dispatcher retries with backoff. That exception names the hook, the SMTP server's host and port,
 * the kind of failure and the server's reply code; never the email address, the server's reply text
 * (which often repeats the address) or the credentials, and it has no cause for the same reason.
 * This hook never logs an email address either.
 *
 * <p>With a {@linkplain Builder#receiptWitness receipt witness}, the receipt also carries the
 * customer's copy of the shop's consent record for the order (such as {@code
 * ConsentAudit.witnessFor(orderId)}'s text), under a short plain-language heading that says where
 * the shop publishes the key to check it with. If computing it fails, the receipt goes out without
 * it and the hook logs a warning: the receipt matters more than the extra copy, and the shop can
 * produce a witness for the order again at any time.
 *
 * <p>Encryption: {@linkplain Builder#startTls STARTTLS} (required once on: a server that does not
 * offer it fails the delivery, nothing goes out in the clear) or {@linkplain Builder#smtps SMTPS}
 * (TLS from the first byte). Either way the server's certificate is checked against the JDK's
 * trusted authorities, or a {@linkplain Builder#trustStore trust store} of the shop's, and against
 * the host name.
 *
 * <p>Immutable and thread-safe: each delivery opens its own SMTP connection.
 */
public final class EmailHook implements FulfilmentHook {
  private static final Logger LOG = LoggerFactory.getLogger(EmailHook.class);

  /** The default name: {@value}. */
  public static final String DEFAULT_NAME = "email";

  /** The default SMTP port: {@value}, the submission port (RFC 6409). */
  public static final int DEFAULT_PORT = 587;

  /** The default port with {@linkplain Builder#smtps SMTPS}: {@value}, implicit TLS (RFC 8314). */
  public static final int DEFAULT_SMTPS_PORT = 465;

  /** The default connect, read and write timeouts: 10 seconds each. */
  public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofSeconds(10);

  /** The default {@link #timeout()}: 60 seconds, for the whole SMTP exchange of one mail. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  /** The domain of the {@code Message-ID}s: {@value}. */
  public static final String MESSAGE_ID_DOMAIN = "tinycheckout";

  private static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);

  private final String name;
  private final String host;
  private final int port;
  private final boolean startTls;
  private final boolean smtps;
  private final String protocol;
  private final Optional<String> username;
  private final Optional<String> password;
  private final InternetAddress from;
  private final String shopName;
  private final boolean ordered;
  private final Duration timeout;
  private final Clock clock;
  private final Session session;
  private final @Nullable Function<String, Optional<String>> receiptWitness;
  private final @Nullable URI witnessKeyPage;

  private EmailHook(Builder b, String host, InternetAddress from) {
    this.name = b.name;
    this.host = host;
    this.smtps = b.smtps;
    this.port = b.port != null ? b.port : smtps ? DEFAULT_SMTPS_PORT : DEFAULT_PORT;
    this.startTls = b.startTls;
    this.protocol = smtps ? "smtps" : "smtp";
    this.username = b.username;
    this.password = b.password;
    this.from = from;
    this.shopName = b.shopName;
    this.ordered = b.ordered;
    this.timeout = b.timeout;
    this.clock = b.clock;
    this.receiptWitness = b.receiptWitness;
    this.witnessKeyPage = b.witnessKeyPage;
    Properties props = new Properties();
    String p = "mail." + protocol + ".";
    props.setProperty("mail.transport.protocol", protocol);
    props.setProperty(p + "host", host);
    props.setProperty(p + "port", Integer.toString(port));
    props.setProperty(p + "connectiontimeout", millis(b.connectTimeout));
    props.setProperty(p + "timeout", millis(b.readTimeout));
    props.setProperty(p + "writetimeout", millis(b.writeTimeout));
    props.setProperty(p + "auth", Boolean.toString(username.isPresent()));
    if (!smtps) {
      props.setProperty(p + "starttls.enable", Boolean.toString(startTls));
      props.setProperty(p + "starttls.required", Boolean.toString(startTls));
    }
    if (startTls || smtps) {
      props.setProperty(p + "ssl.checkserveridentity", "true");
      // An object, not a string: Jakarta Mail takes a socket factory instance from the session's
      // properties; without one it uses the JDK's default trust.
      b.trustStore.ifPresent(store -> props.put(p + "ssl.socketFactory", socketFactory(store)));
    }
    props.setProperty(p + "from", from.getAddress());
    this.session = Session.getInstance(props);
  }

  private static SSLSocketFactory socketFactory(KeyStore trustStore) {
    try {
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trustStore);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context.getSocketFactory();
    } catch (GeneralSecurityException e) {
      throw new ValidationException(
          "trustStore", "cannot be used for TLS (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static String millis(Duration d) {
    return Long.toString(d.toMillis());
  }

  /**
   * A builder; {@code host} and {@code from} are required.
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

  /**
   * Whether the type is {@value OutboxEvent#ORDER_PLACED} or {@value OutboxEvent#ORDER_WITHDRAWN}.
   *
   * @param eventType the event type
   * @return {@code true} for those two
   */
  @Override
  public boolean subscribesTo(String eventType) {
    return OutboxEvent.ORDER_PLACED.equals(eventType)
        || OutboxEvent.ORDER_WITHDRAWN.equals(eventType);
  }

  @Override
  public boolean ordered() {
    return ordered;
  }

  /**
   * How long the dispatcher lets one mail take ({@link #DEFAULT_TIMEOUT} unless set): longer than
   * each socket timeout, so the hook's own, clearer failure is what usually gets recorded.
   *
   * @return the hook's timeout
   */
  @Override
  public Duration timeout() {
    return timeout;
  }

  /**
   * Sends the receipt or the withdrawal acknowledgement for the delivery's event and returns once
   * the SMTP server has accepted it. Events of other types are ignored.
   *
   * @param delivery the delivery
   * @throws IOException if the mail could not be handed to the SMTP server (see the class
   *     description); retry later
   * @throws IllegalArgumentException if the payload is not JSON or has no valid recipient; a retry
   *     will not help, the delivery ends as a dead letter
   */
  @Override
  public void handle(Delivery delivery) throws IOException {
    Objects.requireNonNull(delivery, "delivery");
    OutboxEvent event = delivery.event();
    if (!subscribesTo(event.type())) {
      return;
    }
    MimeMessage message = message(delivery);
    try (Transport transport = session.getTransport(protocol)) {
      transport.connect(host, port, username.orElse(null), password.orElse(null));
      transport.sendMessage(message, message.getAllRecipients());
    } catch (MessagingException e) {
      throw failure(delivery, e);
    }
    LOG.debug(
        "email {} sent {} for delivery {}, attempt {}",
        name,
        event.type(),
        delivery.deliveryId(),
        delivery.attempt());
  }

  /**
   * The mail for a delivery, ready to send; for the tests.
   *
   * @throws IllegalArgumentException if the payload has no usable recipient
   */
  MimeMessage message(Delivery delivery) {
    OutboxEvent event = delivery.event();
    Object payload;
    try {
      payload = Json.parse(event.payload());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "the payload of " + event.type() + " event " + event.id() + " is not JSON", e);
    }
    boolean placed = OutboxEvent.ORDER_PLACED.equals(event.type());
    Object order = placed ? Json.member(payload, "order").orElse(payload) : payload;
    String orderId =
        Json.string(payload, "orderId")
            .or(() -> Json.string(order, "id"))
            .orElse(event.aggregateId());
    InternetAddress to = recipient(event, Json.string(order, "email"));
    String subject;
    String body;
    if (placed) {
      subject = shopName + ": your order " + orderId;
      body = receipt(payload, order, orderId, witness(delivery, orderId));
    } else {
      subject = shopName + ": your withdrawal from order " + orderId;
      body = withdrawal(payload, orderId);
    }
    try {
      MimeMessage message = new DeliveryMessage(session, delivery.deliveryId());
      message.setFrom(from);
      message.setRecipient(Message.RecipientType.TO, to);
      message.setSubject(subject, "UTF-8");
      message.setSentDate(Date.from(clock.instant()));
      // RFC 3834: machine-sent, so auto-responders stay quiet.
      message.setHeader("Auto-Submitted", "auto-generated");
      message.setText(body, "UTF-8");
      message.saveChanges();
      return message;
    } catch (MessagingException e) {
      throw new IllegalStateException(
          "email '" + name + "' could not build the mail for delivery " + delivery.deliveryId(), e);
    }
  }

  private static InternetAddress recipient(OutboxEvent event, Optional<String> email) {
    String address =
        email.orElseThrow(
            () ->
                new IllegalArgumentException(
                    "the payload of "
                        + event.type()
                        + " event "
                        + event.id()
                        + " has no 'email' to send to"));
    try {
      InternetAddress to = new InternetAddress(address, true);
      if (to.getPersonal() != null || to.isGroup()) {
        throw new AddressException("not a bare address");
      }
      return to;
    } catch (AddressException e) {
      // No cause: its message would repeat the address.
      throw new IllegalArgumentException(
          "the payload of "
              + event.type()
              + " event "
              + event.id()
              + " has an 'email' that is not a valid address");
    }
  }

  /**
   * The receipt's witness text, if one is configured and could be computed; a failure is logged
   * (without any address: the function is given the order id only) and the receipt goes without.
   */
  private Optional<String> witness(Delivery delivery, String orderId) {
    Function<String, Optional<String>> function = receiptWitness;
    if (function == null) {
      return Optional.empty();
    }
    try {
      return Objects.requireNonNull(function.apply(orderId), "the receipt witness returned null")
          .filter(text -> !text.isBlank());
    } catch (RuntimeException e) {
      LOG.warn(
          "email {}: the receipt of order {} goes out without its consent witness, which could"
              + " not be computed (delivery {}, attempt {})",
          name,
          orderId,
          delivery.deliveryId(),
          delivery.attempt(),
          e);
      return Optional.empty();
    }
  }

  private String receipt(Object payload, Object order, String orderId, Optional<String> witness) {
    StringBuilder text = new StringBuilder();
    text.append("Thank you for your order.\n\n");
    text.append("Order: ").append(orderId).append('\n');
    Json.string(order, "createdAt")
        .ifPresent(at -> text.append("Placed: ").append(at).append('\n'));
    Json.string(payload, "paymentId")
        .ifPresent(id -> text.append("Payment: ").append(id).append('\n'));
    List<String> lines = new ArrayList<>();
    for (Object item : Json.array(order, "items")) {
      String sku = Json.string(item, "sku").orElse("?");
      String quantity = Json.number(item, "quantity").map(BigDecimal::toPlainString).orElse("?");
      StringBuilder line = new StringBuilder("  ").append(quantity).append(" x ").append(sku);
      money(item, "unitPrice").ifPresent(p -> line.append(" at ").append(p));
      money(item, "lineTotal").ifPresent(p -> line.append(": ").append(p));
      lines.add(line.toString());
    }
    if (!lines.isEmpty()) {
      text.append("\nItems:\n");
      lines.forEach(line -> text.append(line).append('\n'));
    }
    money(order, "total").ifPresent(total -> text.append("\nTotal: ").append(total).append('\n'));
    text.append("\nKeep this email: it is your receipt.\n");
    witness.ifPresent(
        block -> {
          text.append("\nYour copy of our consent record\n")
              .append("-------------------------------\n")
              .append("Below is what we recorded when you placed this order: what you agreed to,\n")
              .append("and when. We signed it, with a proof that it is part of our whole consent\n")
              .append("record. Keep it with this receipt. You, or anyone you ask, can check it\n")
              .append("with the key we publish at:\n\n  ")
              .append(witnessKeyPage)
              .append("\n\nIf we ever changed or removed these entries, the check would fail.\n\n")
              .append(block);
          if (!block.endsWith("\n")) {
            text.append('\n');
          }
        });
    text.append('\n').append(shopName).append('\n');
    return text.toString();
  }

  private String withdrawal(Object payload, String orderId) {
    StringBuilder text = new StringBuilder();
    Json.string(payload, "name")
        .ifPresent(customer -> text.append("Dear ").append(customer).append(",\n\n"));
    text.append("We have received your withdrawal from the contract for order ")
        .append(orderId)
        .append(".\n\n");
    text.append("Order: ").append(orderId).append('\n');
    Json.string(payload, "receiptId")
        .ifPresent(id -> text.append("Withdrawal receipt: ").append(id).append('\n'));
    Json.string(payload, "withdrawnAt")
        .ifPresent(at -> text.append("Withdrawn at: ").append(at).append('\n'));
    money(payload, "refund")
        .ifPresent(refund -> text.append("Refund: ").append(refund).append('\n'));
    text.append("\nKeep this email: it confirms your withdrawal.\n\n")
        .append(shopName)
        .append('\n');
    return text.toString();
  }

  /** Money as core writes it, {@code {"amount":<minor units>,"currency":"EUR"}}, as "EUR 12.50". */
  static Optional<String> money(Object parent, String name) {
    Optional<Object> money = Json.member(parent, name);
    Optional<BigDecimal> minor = money.flatMap(m -> Json.number(m, "amount"));
    Optional<String> code = money.flatMap(m -> Json.string(m, "currency"));
    if (minor.isEmpty() || code.isEmpty()) {
      return Optional.empty();
    }
    int digits;
    try {
      digits = Math.max(0, Currency.getInstance(code.get()).getDefaultFractionDigits());
    } catch (IllegalArgumentException e) {
      digits = 0;
    }
    return Optional.of(code.get() + " " + minor.get().movePointLeft(digits).toPlainString());
  }

  private IOException failure(Delivery delivery, MessagingException e) {
    StringBuilder kinds = new StringBuilder();
    Integer code = null;
    for (Throwable t = e; t != null && kinds.length() < 300; t = t.getCause()) {
      kinds.append(kinds.length() == 0 ? "" : " <- ").append(t.getClass().getName());
      if (code == null) {
        code = returnCode(t);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return new IOException(
        "email '"
            + name
            + "' via "
            + protocol
            + "://"
            + host
            + ":"
            + port
            + " failed: "
            + kinds
            + (code == null ? "" : ", SMTP reply " + code)
            + (startTls && noStartTls(e) ? "; the server does not offer STARTTLS" : "")
            + "; attempt "
            + delivery.attempt()
            + " of delivery "
            + delivery.deliveryId());
  }

  // Jakarta Mail's own words (not the server's) when STARTTLS is required but not offered.
  private static boolean noStartTls(MessagingException e) {
    String message = e.getMessage();
    return message != null && message.contains("does not support STARTTLS");
  }

  // Angus's SMTP exceptions carry the reply code, but are not API; read it without depending on
  // them.
  private static @Nullable Integer returnCode(Throwable t) {
    try {
      Method method = t.getClass().getMethod("getReturnCode");
      Object value = method.invoke(t);
      return value instanceof Integer i && i > 0 ? i : null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return "EmailHook["
        + name
        + " -> "
        + protocol
        + "://"
        + host
        + ":"
        + port
        + (startTls ? ", STARTTLS" : "")
        + (username.isPresent() ? ", auth" : "")
        + ", timeout "
        + timeout
        + "]";
  }

  /** A message whose Message-ID is derived from the delivery id, not made up on each save. */
  private static final class DeliveryMessage extends MimeMessage {
    private final UUID deliveryId;

    DeliveryMessage(Session session, UUID deliveryId) {
      super(session);
      this.deliveryId = deliveryId;
    }

    @Override
    protected void updateMessageID() throws MessagingException {
      setHeader("Message-ID", messageId(deliveryId));
    }
  }

  /**
   * The Message-ID of a delivery's mail.
   *
   * @param deliveryId the delivery id
   * @return {@code <deliveryId@tinycheckout>}
   */
  public static String messageId(UUID deliveryId) {
    return "<" + Objects.requireNonNull(deliveryId, "deliveryId") + "@" + MESSAGE_ID_DOMAIN + ">";
  }

  /** Builds an {@link EmailHook}. Each setter validates at once. Not thread-safe. */
  public static final class Builder {
    private String name = DEFAULT_NAME;
    private @Nullable String host;
    private @Nullable Integer port;
    private boolean startTls;
    private boolean smtps;
    private Optional<KeyStore> trustStore = Optional.empty();
    private Optional<String> username = Optional.empty();
    private Optional<String> password = Optional.empty();
    private @Nullable InternetAddress from;
    private String shopName = "tinycheckout";
    private boolean ordered;
    private Duration connectTimeout = DEFAULT_SOCKET_TIMEOUT;
    private Duration readTimeout = DEFAULT_SOCKET_TIMEOUT;
    private Duration writeTimeout = DEFAULT_SOCKET_TIMEOUT;
    private Duration timeout = DEFAULT_TIMEOUT;
    private Clock clock = Clock.systemUTC();
    private @Nullable Function<String, Optional<String>> receiptWitness;
    private @Nullable URI witnessKeyPage;

    private Builder() {}

    /**
     * Sets the hook's name (default {@value EmailHook#DEFAULT_NAME}), stored with each of its
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
     * Sets the SMTP server's host name or address.
     *
     * @param host not blank, no spaces
     * @return this builder
     * @throws ValidationException if blank or with whitespace
     */
    public Builder host(String host) {
      Objects.requireNonNull(host, "host");
      if (host.isBlank() || host.chars().anyMatch(Character::isWhitespace)) {
        throw new ValidationException(
            "host", "must be a host name or address, but was '" + host + "'");
      }
      this.host = host;
      return this;
    }

    /**
     * Sets the SMTP server's port (default {@value EmailHook#DEFAULT_PORT}, or {@value
     * EmailHook#DEFAULT_SMTPS_PORT} with {@linkplain #smtps SMTPS}).
     *
     * @param port 1 to 65535
     * @return this builder
     * @throws ValidationException if out of range
     */
    public Builder port(int port) {
      if (port < 1 || port > 65535) {
        throw new ValidationException("port", "must be 1 to 65535, but was " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Sets whether the connection must be upgraded with STARTTLS before anything is sent (default
     * {@code false}). If {@code true}, a server that does not offer it, or whose certificate does
     * not match the host, fails the delivery rather than sending in the clear. Turn it on for any
     * server outside the machine.
     *
     * @param startTls {@code true} to require STARTTLS
     * @return this builder
     */
    public Builder startTls(boolean startTls) {
      this.startTls = startTls;
      return this;
    }

    /**
     * Sets whether the connection is TLS from the first byte, SMTPS (RFC 8314 implicit TLS, port
     * {@value EmailHook#DEFAULT_SMTPS_PORT} by default), rather than plain SMTP (default {@code
     * false}). The server's certificate is checked against the host as with {@link
     * #startTls(boolean) STARTTLS}; a server that does not speak TLS fails the delivery. Use one or
     * the other, not both.
     *
     * @param smtps {@code true} for SMTPS
     * @return this builder
     */
    public Builder smtps(boolean smtps) {
      this.smtps = smtps;
      return this;
    }

    /**
     * Sets the certificates the server's TLS certificate is checked against, for {@link
     * #startTls(boolean) STARTTLS} or {@link #smtps(boolean) SMTPS}, instead of the JDK's trusted
     * authorities: a private authority's, or a server's own self-signed certificate. The host name
     * is still checked, so the certificate must name the {@linkplain #host host}.
     *
     * @param trustStore a loaded key store whose certificate entries are trusted; read by {@link
     *     #build()}, not kept
     * @return this builder
     */
    public Builder trustStore(KeyStore trustStore) {
      this.trustStore = Optional.of(Objects.requireNonNull(trustStore, "trustStore"));
      return this;
    }

    /**
     * Logs in with SMTP AUTH; by default the hook does not log in. Use it with {@link
     * #startTls(boolean) STARTTLS}. Neither value is ever shown.
     *
     * @param username not empty
     * @param password not empty
     * @return this builder
     * @throws ValidationException if either is empty
     */
    public Builder credentials(String username, String password) {
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(password, "password");
      if (username.isEmpty()) {
        throw new ValidationException("username", "must not be empty");
      }
      if (password.isEmpty()) {
        throw new ValidationException("password", "must not be empty");
      }
      this.username = Optional.of(username);
      this.password = Optional.of(password);
      return this;
    }

    /**
     * Sets the sender, the {@code From} header and the SMTP envelope sender.
     *
     * @param address an address such as {@code shop@example.com} or {@code Example Shop
     *     <shop@example.com>}
     * @return this builder
     * @throws ValidationException if not a valid address
     */
    public Builder from(String address) {
      Objects.requireNonNull(address, "address");
      try {
        InternetAddress parsed = new InternetAddress(address, true);
        if (parsed.isGroup()) {
          throw new AddressException("a group");
        }
        this.from = parsed;
      } catch (AddressException e) {
        throw new ValidationException(
            "from", "must be one email address, but was '" + address + "'");
      }
      return this;
    }

    /**
     * Sets the shop's name, which starts each subject and ends each body (default {@code
     * tinycheckout}).
     *
     * @param shopName 1-100 characters, one line
     * @return this builder
     * @throws ValidationException if empty, too long or with a line break
     */
    public Builder shopName(String shopName) {
      Objects.requireNonNull(shopName, "shopName");
      if (shopName.isBlank()
          || shopName.length() > 100
          || shopName.indexOf('\n') >= 0
          || shopName.indexOf('\r') >= 0) {
        throw new ValidationException(
            "shopName", "must be 1-100 characters on one line, but was '" + shopName + "'");
      }
      this.shopName = shopName;
      return this;
    }

    /**
     * Sets whether one order's mails go out one at a time, in order, also across retries (default
     * {@code false}); with {@code true} a withdrawal acknowledgement never overtakes the receipt.
     *
     * @param ordered {@code true} for per-order ordering
     * @return this builder
     */
    public Builder ordered(boolean ordered) {
      this.ordered = ordered;
      return this;
    }

    /**
     * Sets how long connecting to the SMTP server may take (default 10 s).
     *
     * @param connectTimeout positive, at most 10 minutes, whole milliseconds count
     * @return this builder
     * @throws ValidationException if out of range
     */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = checked("connectTimeout", connectTimeout);
      return this;
    }

    /**
     * Sets how long the hook waits for each reply of the SMTP server (default 10 s).
     *
     * @param readTimeout positive, at most 10 minutes
     * @return this builder
     * @throws ValidationException if out of range
     */
    public Builder readTimeout(Duration readTimeout) {
      this.readTimeout = checked("readTimeout", readTimeout);
      return this;
    }

    /**
     * Sets how long one write to the SMTP server may block (default 10 s).
     *
     * @param writeTimeout positive, at most 10 minutes
     * @return this builder
     * @throws ValidationException if out of range
     */
    public Builder writeTimeout(Duration writeTimeout) {
      this.writeTimeout = checked("writeTimeout", writeTimeout);
      return this;
    }

    /**
     * Sets the hook's {@link EmailHook#timeout()}, how long the dispatcher lets one mail take
     * (default 60 s). It must be longer than each socket timeout, checked by {@link #build()}.
     *
     * @param timeout positive, at most 10 minutes
     * @return this builder
     * @throws ValidationException if out of range
     */
    public Builder timeout(Duration timeout) {
      this.timeout = checked("timeout", timeout);
      return this;
    }

    /**
     * Sets the clock for the {@code Date} header (default the system clock).
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Appends the customer's copy of the shop's consent record to each order receipt (by default
     * there is none), such as
     *
     * <pre>{@code
     * .receiptWitness(
     *     orderId -> audit.witnessFor(OrderId.parse(orderId)).map(ConsentWitness::text),
     *     URI.create("https://shop.example/consent-key"))
     * }</pre>
     *
     * <p>The text goes under the heading "Your copy of our consent record" and a few lines that
     * tell the customer what it is and that it can be checked with the key published at {@code
     * keyPage}. The function runs in the delivery, before the mail is built, on every attempt. If
     * it throws (a {@link RuntimeException}) or returns null, the receipt goes out without the
     * witness and the hook logs a warning with the exception, so the exception's message must not
     * hold personal data ({@code ConsentAudit}'s hold none); if it returns empty or blank text, the
     * receipt just has no witness.
     *
     * @param witnessText from the order id (as in the event payload) to the witness text, or empty
     * @param keyPage the page where the shop publishes its checkpoint verifier key and how to check
     *     a witness: an absolute {@code https} (or {@code http}) URI
     * @return this builder
     * @throws ValidationException with field {@code keyPage} if it is not such a URI
     */
    public Builder receiptWitness(Function<String, Optional<String>> witnessText, URI keyPage) {
      Objects.requireNonNull(witnessText, "witnessText");
      Objects.requireNonNull(keyPage, "keyPage");
      String scheme = keyPage.getScheme();
      if (!keyPage.isAbsolute()
          || keyPage.getHost() == null
          || !("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme))) {
        throw new ValidationException(
            "keyPage", "must be an absolute https or http URI, but was '" + keyPage + "'");
      }
      this.receiptWitness = witnessText;
      this.witnessKeyPage = keyPage;
      return this;
    }

    private void shorterThanTimeout(String field, Duration value) {
      if (value.compareTo(timeout) >= 0) {
        throw new ValidationException(
            field, "must be shorter than the hook's timeout " + timeout + ", but was " + value);
      }
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
     * Builds the hook.
     *
     * @return the hook
     * @throws ValidationException if {@code host} or {@code from} is missing, a socket timeout is
     *     not shorter than the hook's timeout, both STARTTLS and SMTPS are on, a trust store is
     *     given without either, or the trust store cannot be used
     */
    public EmailHook build() {
      String smtpHost = host;
      InternetAddress sender = from;
      if (smtpHost == null) {
        throw new ValidationException("host", "is required");
      }
      if (sender == null) {
        throw new ValidationException("from", "is required");
      }
      shorterThanTimeout("connectTimeout", connectTimeout);
      shorterThanTimeout("readTimeout", readTimeout);
      shorterThanTimeout("writeTimeout", writeTimeout);
      if (startTls && smtps) {
        throw new ValidationException(
            "smtps", "and startTls exclude each other: SMTPS is TLS from the start; choose one");
      }
      if (trustStore.isPresent() && !startTls && !smtps) {
        throw new ValidationException(
            "trustStore", "is only used with startTls(true) or smtps(true); turn one on");
      }
      return new EmailHook(this, smtpHost, sender);
    }
  }
}
