package dev.tinycheckout.checkout;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.idempotency.RequestFingerprint;
import dev.tinycheckout.order.Email;
import dev.tinycheckout.order.Order;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a customer asks for at checkout. Immutable; validated on construction, so a request that
 * exists is well-formed (whether its SKUs exist and its terms are current is decided by the {@link
 * Checkout}).
 *
 * <p>{@link #toString()} masks the email and never shows the payment token.
 *
 * @param items 1 to {@value Order#MAX_LINES} lines with distinct SKUs
 * @param email the customer's email
 * @param acceptedTerms the terms version the customer accepted; empty if none
 * @param marketingOptIn whether the customer also agreed to marketing email
 * @param paymentToken the payment provider's token, 1 to 255 printable ASCII characters
 * @param immediatePerformance whether the customer, buying digital content delivered at once,
 *     expressly consented to immediate performance and acknowledged losing the right of withdrawal
 *     (Directive 2011/83/EU, Art. 16(m)); both go into the consent trail as their own entries, and
 *     the order cannot be withdrawn
 */
public record CheckoutRequest(
    List<LineItem> items,
    Email email,
    String acceptedTerms,
    boolean marketingOptIn,
    String paymentToken,
    boolean immediatePerformance) {

  /**
   * Validates the request.
   *
   * @param items 1 to {@value Order#MAX_LINES} lines with distinct SKUs
   * @param email the customer's email
   * @param acceptedTerms the terms version the customer accepted; empty if none
   * @param marketingOptIn whether the customer also agreed to marketing email
   * @param paymentToken the payment provider's token, 1 to 255 printable ASCII characters
   * @param immediatePerformance whether the customer consented to immediate performance of digital
   *     content and acknowledged losing the right of withdrawal
   * @throws ValidationException naming the offending field, such as {@code items[1].sku}
   */
  public CheckoutRequest {
    Objects.requireNonNull(email, "email");
    Objects.requireNonNull(acceptedTerms, "acceptedTerms");
    Objects.requireNonNull(paymentToken, "paymentToken");
    items = List.copyOf(Objects.requireNonNull(items, "items"));
    if (items.isEmpty() || items.size() > Order.MAX_LINES) {
      throw new ValidationException(
          "items", "must have 1 to " + Order.MAX_LINES + " lines, but had " + items.size());
    }
    Set<Sku> seen = new HashSet<>();
    for (int i = 0; i < items.size(); i++) {
      if (!seen.add(items.get(i).sku())) {
        throw new ValidationException(
            "items[" + i + "].sku",
            "repeats SKU '" + items.get(i).sku() + "'; use one line per SKU");
      }
    }
    if (acceptedTerms.length() > 64 || acceptedTerms.chars().anyMatch(c -> c < 0x20 || c > 0x7e)) {
      // Terms versions are printable ASCII; this also keeps lone surrogates, which UTF-8 cannot
      // encode, out of the request fingerprint.
      throw new ValidationException(
          "acceptedTerms", "must be at most 64 printable ASCII characters (a terms version)");
    }
    if (paymentToken.isBlank()
        || paymentToken.length() > 255
        || paymentToken.chars().anyMatch(c -> c < 0x20 || c > 0x7e)) {
      throw new ValidationException(
          "paymentToken", "must be 1-255 printable ASCII characters and not blank");
    }
  }

  /**
   * A request without immediate performance of digital content (the usual case).
   *
   * @param items 1 to {@value Order#MAX_LINES} lines with distinct SKUs
   * @param email the customer's email
   * @param acceptedTerms the terms version the customer accepted; empty if none
   * @param marketingOptIn whether the customer also agreed to marketing email
   * @param paymentToken the payment provider's token, 1 to 255 printable ASCII characters
   * @throws ValidationException naming the offending field, such as {@code items[1].sku}
   */
  public CheckoutRequest(
      List<LineItem> items,
      Email email,
      String acceptedTerms,
      boolean marketingOptIn,
      String paymentToken) {
    this(items, email, acceptedTerms, marketingOptIn, paymentToken, false);
  }

  /**
   * A builder that takes raw values and reports bad ones with their path, such as {@code
   * items[2].quantity}.
   *
   * @return an empty builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The fingerprint of this request for the idempotency engine: method, route, and every field in a
   * canonical order. Two requests that differ in any field (including line order) differ. A request
   * without immediate performance has the fingerprint it had before that field existed.
   *
   * @return the SHA-256 fingerprint
   */
  public RequestFingerprint fingerprint() {
    List<String> parts = new ArrayList<>();
    parts.add("POST");
    parts.add("/checkout");
    parts.add(Integer.toString(items.size()));
    for (LineItem item : items) {
      parts.add(item.sku().value());
      parts.add(Integer.toString(item.quantity()));
    }
    parts.add(email.value());
    parts.add(acceptedTerms);
    parts.add(Boolean.toString(marketingOptIn));
    parts.add(paymentToken);
    if (immediatePerformance) {
      parts.add("immediatePerformance");
    }
    return RequestFingerprint.of(parts.toArray(String[]::new));
  }

  @Override
  public String toString() {
    return "CheckoutRequest[items="
        + items
        + ", email="
        + email
        + ", acceptedTerms="
        + acceptedTerms
        + ", marketingOptIn="
        + marketingOptIn
        + ", paymentToken=***, immediatePerformance="
        + immediatePerformance
        + "]";
  }

  /** Builds a {@link CheckoutRequest} from raw values. Not thread-safe. */
  public static final class Builder {
    private final List<LineItem> items = new ArrayList<>();
    private String email = "";
    private String acceptedTerms = "";
    private boolean marketingOptIn;
    private String paymentToken = "";
    private boolean immediatePerformance;

    private Builder() {}

    /**
     * Adds a line.
     *
     * @param sku the SKU text
     * @param quantity the units
     * @return this builder
     * @throws ValidationException naming {@code items[i].sku} or {@code items[i].quantity}
     */
    public Builder item(String sku, int quantity) {
      Objects.requireNonNull(sku, "sku");
      String path = "items[" + items.size() + "]";
      try {
        items.add(new LineItem(Sku.of(sku), quantity));
      } catch (ValidationException e) {
        throw e.under(path);
      }
      return this;
    }

    /**
     * Sets the customer's email.
     *
     * @param email the address
     * @return this builder
     */
    public Builder email(String email) {
      this.email = Objects.requireNonNull(email, "email");
      return this;
    }

    /**
     * Sets the accepted terms version.
     *
     * @param version the version shown to and accepted by the customer
     * @return this builder
     */
    public Builder acceptedTerms(String version) {
      this.acceptedTerms = Objects.requireNonNull(version, "version");
      return this;
    }

    /**
     * Sets the marketing opt-in; off unless called.
     *
     * @param optIn whether the customer agreed to marketing email
     * @return this builder
     */
    public Builder marketingOptIn(boolean optIn) {
      this.marketingOptIn = optIn;
      return this;
    }

    /**
     * Sets the payment token.
     *
     * @param token the provider's token
     * @return this builder
     */
    public Builder paymentToken(String token) {
      this.paymentToken = Objects.requireNonNull(token, "token");
      return this;
    }

    /**
     * Sets whether the customer consented to immediate performance of digital content and
     * acknowledged losing the right of withdrawal; off unless called.
     *
     * @param consented whether both statements were ticked
     * @return this builder
     */
    public Builder immediatePerformance(boolean consented) {
      this.immediatePerformance = consented;
      return this;
    }

    /**
     * Builds the request.
     *
     * @return the validated request
     * @throws ValidationException naming the first offending field
     */
    public CheckoutRequest build() {
      return new CheckoutRequest(
          items,
          Email.of(email),
          acceptedTerms,
          marketingOptIn,
          paymentToken,
          immediatePerformance);
    }
  }
}
