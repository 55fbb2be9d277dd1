package dev.tinycheckout.http;

/**
 * Answers one HTTP request, independently of any server: the seam between tinycheckout's HTTP API
 * and the server a shop runs. {@link CheckoutApi} is the handler of the HTTP contract; a mount
 * (such as {@code dev.tinycheckout.http.jdk.JdkHttpMount} or {@code
 * dev.tinycheckout.http.servlet.CheckoutServlet}) turns its server's exchange into an {@link
 * ApiRequest} and writes the {@link ApiResponse} back.
 *
 * <p>A shop can wrap a handler to serve its own pages first and fall back to the API.
 * Implementations must be thread-safe: a mount calls them from many threads at once.
 */
@FunctionalInterface
public interface ApiHandler {

  /**
   * Answers a request. Never throws for a bad request: every client error is a problem response.
   *
   * @param request the request; its body is read at most once, by the handler
   * @return the response to send
   */
  ApiResponse handle(ApiRequest request);
}
