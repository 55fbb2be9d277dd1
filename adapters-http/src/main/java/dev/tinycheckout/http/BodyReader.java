package dev.tinycheckout.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Optional;

/** Reads a request body up to a limit, failing as soon as it is passed rather than after. */
final class BodyReader {
  private BodyReader() {}

  /** Thrown when the body, or its announced length, is over the limit. */
  static final class TooLargeException extends Exception {
    private static final long serialVersionUID = 1L;

    TooLargeException() {
      super(null, null, false, false);
    }
  }

  /**
   * The announced length, if the request has a well-formed {@code Content-Length}.
   *
   * @return the length, or empty when absent or unparseable (the server frames the body anyway)
   */
  static Optional<Long> contentLength(RequestHeaders headers) {
    Optional<String> value = headers.first("Content-Length");
    if (value.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(value.get().trim()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * Reads the whole body, at most {@code limit} bytes.
   *
   * @throws TooLargeException as soon as the announced length or the bytes read pass the limit
   * @throws UncheckedIOException if the stream fails (the client went away, or timed out)
   */
  static byte[] read(InputStream in, RequestHeaders headers, int limit) throws TooLargeException {
    Optional<Long> announced = contentLength(headers);
    if (announced.isPresent() && announced.get() > limit) {
      throw new TooLargeException();
    }
    int initial = announced.map(n -> (int) Math.max(0, n.longValue())).orElse(512);
    byte[] buffer = new byte[Math.min(Math.max(initial, 1), limit + 1)];
    int size = 0;
    try {
      while (true) {
        if (size == buffer.length) {
          if (size > limit) {
            throw new TooLargeException();
          }
          buffer = Arrays.copyOf(buffer, Math.min(buffer.length * 2, limit + 1));
        }
        int n = in.read(buffer, size, buffer.length - size);
        if (n < 0) {
          break;
        }
        size += n;
        if (size > limit) {
          throw new TooLargeException();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading the request body failed", e);
    }
    return size == buffer.length ? buffer : Arrays.copyOf(buffer, size);
  }
}
