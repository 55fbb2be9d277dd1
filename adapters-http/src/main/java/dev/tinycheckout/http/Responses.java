package dev.tinycheckout.http;

import dev.tinycheckout.http.fraud.Verdict;
import dev.tinycheckout.http.json.ContractJsonWriter;
import dev.tinycheckout.http.json.Problem;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builders for the answers the API gives that are not stored by the engine. */
final class Responses {
  static final String JSON = "application/json";
  static final String PROBLEM_JSON = "application/problem+json";
  static final String NO_STORE = "no-store";
  static final byte[] EMPTY = new byte[0];

  private Responses() {}

  static ApiResponse json(int status, byte[] body, Map<String, String> extra) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", JSON);
    headers.putAll(extra);
    return new ApiResponse(status, headers, body);
  }

  static ApiResponse problem(Problem problem) {
    return problem(problem, Map.of());
  }

  static ApiResponse problem(Problem problem, Map<String, String> extra) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", PROBLEM_JSON);
    headers.put("Cache-Control", NO_STORE);
    headers.putAll(extra);
    return new ApiResponse(problem.status(), headers, ContractJsonWriter.problem(problem));
  }

  static ApiResponse notFound(String detail) {
    return problem(Problem.of("not-found", "Not found", 404, detail));
  }

  static ApiResponse methodNotAllowed(String method, String allow) {
    return problem(
        Problem.of(
            "method-not-allowed",
            "Method not allowed",
            405,
            "This resource does not support " + printable(method) + "; it allows " + allow + "."),
        Map.of("Allow", allow));
  }

  /** The answer to a checkout the fraud guard refused: nothing was charged or stored. */
  static ApiResponse tooManyAttempts(Verdict.Refuse refuse) {
    long seconds = refuse.retryAfterSeconds();
    return problem(
        Problem.of(
            "too-many-attempts",
            "Too many attempts",
            429,
            "Too many failed checkout attempts from this client or for this email; nothing was"
                + " charged or stored. Try again in "
                + seconds
                + " seconds."),
        Map.of("Retry-After", Long.toString(seconds)));
  }

  /** A client-supplied text made safe to quote in a detail: printable ASCII, at most 40 chars. */
  static String printable(String text) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), 43));
    for (int i = 0; i < text.length() && i < 40; i++) {
      char c = text.charAt(i);
      out.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    if (text.length() > 40) {
      out.append("...");
    }
    return out.toString();
  }

  static ApiResponse withoutBody(ApiResponse response) {
    return new ApiResponse(response.status(), response.headers(), EMPTY);
  }
}
