package dev.tinycheckout.http.kit;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One HTTP answer as the kit received it over a socket, whichever client sent the request.
 *
 * @param status the status code
 * @param headers the header fields, names compared case-insensitively
 * @param body the content bytes, empty when there were none
 */
@SuppressWarnings("ArrayRecordComponent")
record Answer(int status, Map<String, List<String>> headers, byte[] body) {
  static final JsonMapper JSON = JsonMapper.builder().build();

  Answer {
    TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach((name, values) -> copy.put(name, List.copyOf(values)));
    headers = copy;
  }

  /** The first value of a header field, if it was sent. */
  Optional<String> header(String name) {
    List<String> values = headers.getOrDefault(name, List.of());
    return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /** The first value of a header field, or an empty string when it was not sent. */
  String headerOrEmpty(String name) {
    return header(name).orElse("");
  }

  String text() {
    return new String(body, StandardCharsets.UTF_8);
  }

  JsonNode json() {
    return JSON.readTree(body);
  }

  @Override
  public String toString() {
    String text = text();
    return status + " " + headers + " " + (text.length() > 600 ? text.substring(0, 600) : text);
  }
}
