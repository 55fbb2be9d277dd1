package dev.tinycheckout.examples.hooks;

import dev.tinycheckout.ValidationException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and verifies webhooks the <a href="https://www.standardwebhooks.com/">Standard Webhooks</a>
 * way (symmetric scheme {@code v1}): an HMAC-SHA256, keyed with a shared secret, over {@code
 * <webhook-id>.<webhook-timestamp>.<body>}, sent as {@code v1,<base64>} in the {@code
 * webhook-signature} header. {@link WebhookHook} signs with it; a receiver verifies with it.
 *
 * <p>The secret is written {@code whsec_<base64>} (see {@link #ofSecret} and {@link
 * #generateSecret}) and holds 32 to 64 random bytes. A receiver verifies the raw body as received,
 * before parsing it: re-serialised JSON rarely keeps the same bytes.
 *
 * <p>Immutable and thread-safe. Never shows the secret, not even in {@link #toString()}.
 */
public final class WebhookSignature {

  /** The prefix of a serialised secret: {@value}. */
  public static final String SECRET_PREFIX = "whsec_";

  /** The default {@link #verify verification} tolerance against replays: 5 minutes. */
  public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

  /** The fewest key bytes accepted: 32 (256 bits). */
  public static final int MIN_KEY_BYTES = 32;

  /** The most key bytes accepted: 64 (512 bits, the specification's maximum). */
  public static final int MAX_KEY_BYTES = 64;

  private static final String ALGORITHM = "HmacSHA256";
  private static final String VERSION = "v1";
  private static final int MAX_TIMESTAMP_DIGITS = 12;
  private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]*={0,2}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;

  private WebhookSignature(byte[] key) {
    this.key = new SecretKeySpec(key, ALGORITHM);
  }

  /**
   * A signer and verifier for a serialised secret.
   *
   * @param secret {@code whsec_} followed by the standard base64 of 32 to 64 bytes
   * @return the signature scheme for that secret
   * @throws ValidationException if the prefix is missing, the rest is not base64, or the key is too
   *     short or too long; the message never repeats the secret
   */
  public static WebhookSignature ofSecret(String secret) {
    Objects.requireNonNull(secret, "secret");
    if (!secret.startsWith(SECRET_PREFIX)) {
      throw new ValidationException(
          "secret",
          "must start with '"
              + SECRET_PREFIX
              + "' followed by base64; make one with WebhookSignature.generateSecret()");
    }
    String encoded = secret.substring(SECRET_PREFIX.length());
    if (encoded.length() % 4 != 0 || !BASE64.matcher(encoded).matches()) {
      throw new ValidationException(
          "secret", "must be '" + SECRET_PREFIX + "' followed by standard base64, but is not");
    }
    byte[] key = Base64.getDecoder().decode(encoded);
    return ofKey(key);
  }

  /**
   * A signer and verifier for raw key bytes.
   *
   * @param key 32 to 64 random bytes; copied
   * @return the signature scheme for that key
   * @throws ValidationException if the key is too short or too long
   */
  public static WebhookSignature ofKey(byte[] key) {
    Objects.requireNonNull(key, "key");
    if (key.length < MIN_KEY_BYTES || key.length > MAX_KEY_BYTES) {
      throw new ValidationException(
          "secret",
          "must hold " + MIN_KEY_BYTES + " to " + MAX_KEY_BYTES + " bytes, but held " + key.length);
    }
    return new WebhookSignature(key.clone());
  }

  /**
   * A new random secret of 32 bytes, serialised as {@code whsec_<base64>}: give it to the receiver
   * and to {@link #ofSecret}.
   *
   * @return the secret
   */
  public static String generateSecret() {
    byte[] key = new byte[MIN_KEY_BYTES];
    RANDOM.nextBytes(key);
    return SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
  }

  /**
   * The signature of one request, as it goes into the {@code webhook-signature} header.
   *
   * @param id the {@code webhook-id}: not empty, no {@code .}
   * @param timestamp the {@code webhook-timestamp}, Unix seconds, not negative
   * @param body the exact request body
   * @return {@code v1,<base64 HMAC-SHA256>}
   * @throws IllegalArgumentException if the id is empty or contains a {@code .}, or the timestamp
   *     is negative
   */
  public String sign(String id, long timestamp, byte[] body) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(body, "body");
    if (!validId(id)) {
      throw new IllegalArgumentException("id must be non-empty without '.', but was '" + id + "'");
    }
    if (timestamp < 0) {
      throw new IllegalArgumentException("timestamp must not be negative, but was " + timestamp);
    }
    return VERSION
        + ","
        + Base64.getEncoder().encodeToString(mac(id, Long.toString(timestamp), body));
  }

  /**
   * Verifies a received request with the {@linkplain #DEFAULT_TOLERANCE default tolerance}.
   *
   * @param id the {@code webhook-id} header as received
   * @param timestamp the {@code webhook-timestamp} header as received
   * @param body the raw request body, before any parsing
   * @param signatureHeader the {@code webhook-signature} header as received
   * @param now the receiver's time
   * @return whether the request is authentic and fresh
   * @see #verify(String, String, byte[], String, Instant, Duration)
   */
  public boolean verify(
      String id, String timestamp, byte[] body, String signatureHeader, Instant now) {
    return verify(id, timestamp, body, signatureHeader, now, DEFAULT_TOLERANCE);
  }

  /**
   * Verifies a received request: the timestamp must lie within {@code tolerance} of {@code now}
   * (either way), which stops a captured request from being replayed later, and at least one of the
   * space-separated {@code v1,<base64>} entries of the signature header must match, compared in
   * constant time. Entries of other versions (such as {@code v1a}) and malformed entries are
   * skipped, so a sender may sign with an old and a new secret while rotating them. After a
   * successful check, de-duplicate on the id: a delivery may arrive more than once.
   *
   * @param id the {@code webhook-id} header as received
   * @param timestamp the {@code webhook-timestamp} header as received (decimal Unix seconds)
   * @param body the raw request body, before any parsing
   * @param signatureHeader the {@code webhook-signature} header as received
   * @param now the receiver's time
   * @param tolerance how far the timestamp may be from {@code now}; not negative
   * @return {@code true} if the request is authentic and fresh; {@code false} otherwise, including
   *     for a malformed id or timestamp
   * @throws IllegalArgumentException if the tolerance is negative
   */
  public boolean verify(
      String id,
      String timestamp,
      byte[] body,
      String signatureHeader,
      Instant now,
      Duration tolerance) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(signatureHeader, "signatureHeader");
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(tolerance, "tolerance");
    if (tolerance.isNegative()) {
      throw new IllegalArgumentException("tolerance must not be negative, but was " + tolerance);
    }
    if (!validId(id) || !fresh(timestamp, now, tolerance)) {
      return false;
    }
    byte[] expected = mac(id, timestamp, body);
    boolean matched = false;
    for (String entry : signatureHeader.split(" ", -1)) {
      int comma = entry.indexOf(',');
      if (comma < 0 || !entry.substring(0, comma).equals(VERSION)) {
        continue;
      }
      byte[] candidate;
      try {
        candidate = Base64.getDecoder().decode(entry.substring(comma + 1));
      } catch (IllegalArgumentException e) {
        continue;
      }
      // No early exit: the time taken does not tell which entry matched.
      matched |= MessageDigest.isEqual(expected, candidate);
    }
    return matched;
  }

  private static boolean validId(String id) {
    return !id.isEmpty() && id.indexOf('.') < 0;
  }

  private static boolean fresh(String timestamp, Instant now, Duration tolerance) {
    if (timestamp.isEmpty() || timestamp.length() > MAX_TIMESTAMP_DIGITS) {
      return false;
    }
    for (int i = 0; i < timestamp.length(); i++) {
      char c = timestamp.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    Instant sent = Instant.ofEpochSecond(Long.parseLong(timestamp));
    Duration skew = Duration.between(sent, now).abs();
    return skew.compareTo(tolerance) <= 0;
  }

  private byte[] mac(String id, String timestamp, byte[] body) {
    Mac mac;
    try {
      mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      // Every Java platform must support HmacSHA256, and any non-empty key fits it.
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
    mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
    return mac.doFinal(body);
  }

  @Override
  public String toString() {
    return "WebhookSignature[v1, HMAC-SHA256, " + key.getEncoded().length + "-byte secret]";
  }
}
