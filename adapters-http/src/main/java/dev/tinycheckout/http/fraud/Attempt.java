package dev.tinycheckout.http.fraud;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One checkout attempt as a {@link FraudGuard} sees it: who sent it (the client address), for which
 * email, with which payment token. Immutable and thread-safe.
 *
 * <p>The email and the token are not kept: {@link #of} replaces each with a 64-bit HMAC-SHA-256
 * under a key drawn at random when this class loads, so they cannot be read back, nor linked across
 * restarts. The email is lower-cased and stripped first, so {@code Ann@Example.com} and {@code
 * ann@example.com} are one email. An IPv6 address is counted by its /64 prefix, the block one
 * subscriber usually holds, so an attacker cannot escape the per-address rules by moving through
 * its own prefix; an IPv4 address, or an IPv4-mapped IPv6 one, is counted alone.
 */
public final class Attempt {
  private static final Pattern ADDRESS_LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");
  private static final SecretKeySpec KEY;

  static {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    KEY = new SecretKeySpec(key, "HmacSHA256");
  }

  private final String clientKey;
  private final long emailKey;
  private final long tokenKey;

  Attempt(String clientKey, long emailKey, long tokenKey) {
    this.clientKey = clientKey;
    this.emailKey = emailKey;
    this.tokenKey = tokenKey;
  }

  /**
   * Describes an attempt.
   *
   * @param clientAddress the client's IP address as text, such as {@code 203.0.113.7} or {@code
   *     2001:db8::1} (the peer address, or the first untrusted address of {@code Forwarded} behind
   *     a proxy you trust); not empty. Never resolved: text that is not an IP literal is used as
   *     given
   * @param email the buyer's email, as sent
   * @param paymentToken the payment provider's token, as sent
   * @return the attempt, holding the address key and the two hashes only
   * @throws IllegalArgumentException if the client address is blank
   */
  public static Attempt of(String clientAddress, String email, String paymentToken) {
    Objects.requireNonNull(clientAddress, "clientAddress");
    Objects.requireNonNull(email, "email");
    Objects.requireNonNull(paymentToken, "paymentToken");
    if (clientAddress.isBlank()) {
      throw new IllegalArgumentException("clientAddress must not be blank");
    }
    return new Attempt(
        clientKey(clientAddress), hash(email.strip().toLowerCase(Locale.ROOT)), hash(paymentToken));
  }

  /**
   * The key the per-address rules count this attempt under: the address as given, or the /64 prefix
   * of an IPv6 address (such as {@code 2001:db8:0:1::/64}). It may be logged.
   *
   * @return the address key
   */
  public String clientKey() {
    return clientKey;
  }

  long emailKey() {
    return emailKey;
  }

  long tokenKey() {
    return tokenKey;
  }

  /** Shows the address key only. */
  @Override
  public String toString() {
    return "Attempt[client=" + clientKey + "]";
  }

  static String emailSubject(long emailKey) {
    return "email#" + String.format(Locale.ROOT, "%016x", emailKey);
  }

  static String clientKey(String clientAddress) {
    String a = clientAddress.strip();
    if (a.startsWith("[") && a.endsWith("]")) {
      a = a.substring(1, a.length() - 1);
    }
    int zone = a.indexOf('%');
    if (zone >= 0) {
      a = a.substring(0, zone);
    }
    if (a.indexOf(':') < 0 || !ADDRESS_LITERAL.matcher(a).matches()) {
      return a;
    }
    try {
      // A literal with a colon is parsed, never looked up.
      InetAddress parsed = InetAddress.getByName(a);
      if (!(parsed instanceof Inet6Address)) {
        return parsed.getHostAddress();
      }
      byte[] b = parsed.getAddress();
      StringBuilder prefix = new StringBuilder();
      for (int i = 0; i < 8; i += 2) {
        prefix.append(Integer.toHexString(((b[i] & 0xff) << 8) | (b[i + 1] & 0xff))).append(':');
      }
      return prefix.append(":/64").toString();
    } catch (UnknownHostException | RuntimeException e) {
      return a;
    }
  }

  static long hash(String value) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(KEY);
      byte[] d = mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
      long h = 0;
      for (int i = 0; i < 8; i++) {
        h = (h << 8) | (d[i] & 0xff);
      }
      return h;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }
}
