package dev.tinycheckout.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The header fields of a request, as a server mount exposes them to {@link ApiHandler}.
 *
 * <p>Field names are case-insensitive (RFC 9110 section 5.1). A mount adapts its server's own
 * header view (for example {@code HttpExchange.getRequestHeaders()} or {@code
 * HttpServletRequest.getHeaders}) without copying.
 *
 * <p>Implementations must be safe to read from the thread that handles the request.
 */
@FunctionalInterface
public interface RequestHeaders {

  /**
   * Every field line with this name, in the order received.
   *
   * @param name the field name, in any case
   * @return the field values, never {@code null}; empty when the field is absent
   */
  List<String> values(String name);

  /**
   * The first field line with this name.
   *
   * @param name the field name, in any case
   * @return the first value, or empty when the field is absent
   */
  default Optional<String> first(String name) {
    List<String> values = values(name);
    return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /**
   * Headers backed by a copy of a map; names are compared case-insensitively.
   *
   * @param fields the field names and their values
   * @return an immutable view
   */
  static RequestHeaders of(Map<String, List<String>> fields) {
    Objects.requireNonNull(fields, "fields");
    TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    fields.forEach(
        (name, values) -> {
          Objects.requireNonNull(name, "field name");
          copy.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>())
              .addAll(Objects.requireNonNull(values, "field values"));
        });
    copy.replaceAll((name, values) -> List.copyOf(values));
    Map<String, List<String>> frozen = Collections.unmodifiableMap(copy);
    return name -> frozen.getOrDefault(name, List.of());
  }
}
