package dev.tinycheckout.http;

import dev.tinycheckout.ValidationException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parameters of a raw query string, decoded as HTML forms encode them ({@code
 * application/x-www-form-urlencoded}): {@code &} between pairs, {@code =} between name and value,
 * percent-encoded UTF-8, and {@code +} for a space. Parameters the route does not know are ignored.
 */
final class QueryParameters {
  private final Map<String, List<String>> values;

  private QueryParameters(Map<String, List<String>> values) {
    this.values = values;
  }

  /**
   * Parses a raw query.
   *
   * @param query the query without the {@code ?}, if the target had one
   * @return the parameters
   * @throws ValidationException if a percent-escape is broken: with the parameter as the field when
   *     it is in a value, with field {@code query} when it is in a name
   */
  static QueryParameters parse(Optional<String> query) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    if (query.isEmpty() || query.get().isEmpty()) {
      return new QueryParameters(values);
    }
    for (String pair : query.get().split("&", -1)) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String name = decode(equals < 0 ? pair : pair.substring(0, equals), "query");
      String value = equals < 0 ? "" : decode(pair.substring(equals + 1), name);
      values.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
    }
    return new QueryParameters(values);
  }

  private static String decode(String text, String field) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new ValidationException(
          field,
          "has a broken percent-escape; encode '%' as %25 and each other byte as % and two hex"
              + " digits");
    }
  }

  /**
   * The one value of a parameter.
   *
   * @param name the parameter
   * @return its value, or empty if it is absent
   * @throws ValidationException with the parameter as the field if it is given more than once
   */
  Optional<String> single(String name) {
    List<String> given = values.getOrDefault(name, List.of());
    if (given.size() > 1) {
      throw new ValidationException(name, "must be given once, but was given " + given.size());
    }
    return given.isEmpty() ? Optional.empty() : Optional.of(given.get(0));
  }
}
