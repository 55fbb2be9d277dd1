package dev.tinycheckout.http.kit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain {@link Socket}, for what {@code java.net.http.HttpClient} refuses to send:
 * CR or LF in a header value, raw request targets such as {@code /products/../terms}, header fields
 * of any length, a {@code Content-Length} that lies, and bodies that arrive slowly.
 */
final class RawHttp implements AutoCloseable {
  /** How long a read may wait before the test fails: generous, since it only catches a hang. */
  static final int READ_TIMEOUT_MILLIS = 20_000;

  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;
  private final String host;

  private RawHttp(URI base) throws IOException {
    this.socket = new Socket();
    socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), READ_TIMEOUT_MILLIS);
    socket.setSoTimeout(READ_TIMEOUT_MILLIS);
    socket.setTcpNoDelay(true);
    this.out = socket.getOutputStream();
    this.in = socket.getInputStream();
    this.host = base.getHost() + ":" + base.getPort();
  }

  static RawHttp connect(URI base) {
    try {
      return new RawHttp(base);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot connect to " + base, e);
    }
  }

  /** The value for the {@code Host} field. */
  String host() {
    return host;
  }

  /** Sends bytes as they are, and flushes. */
  RawHttp send(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** Sends text as ISO-8859-1 bytes (the bytes of an HTTP/1.1 header section), and flushes. */
  RawHttp send(String text) {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Reads one response to a request that was not HEAD. */
  Answer read() {
    return read(false);
  }

  /** Reads one response; a response to HEAD has no content whatever its fields say. */
  Answer read(boolean toHead) {
    try {
      String statusLine = line();
      String[] parts = statusLine.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
        throw new IOException("not an HTTP status line: '" + statusLine + "'");
      }
      int status = Integer.parseInt(parts[1]);
      Map<String, List<String>> headers = new LinkedHashMap<>();
      for (String field = line(); !field.isEmpty(); field = line()) {
        int colon = field.indexOf(':');
        String name = field.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        headers
            .computeIfAbsent(name, n -> new ArrayList<>())
            .add(field.substring(colon + 1).trim());
      }
      byte[] body;
      List<String> length = headers.getOrDefault("content-length", List.of());
      List<String> coding = headers.getOrDefault("transfer-encoding", List.of());
      if (toHead || status == 204 || status == 304 || status < 200) {
        body = new byte[0];
      } else if (!coding.isEmpty() && coding.get(0).toLowerCase(Locale.ROOT).contains("chunked")) {
        body = chunked();
      } else if (!length.isEmpty()) {
        body = in.readNBytes(Integer.parseInt(length.get(0)));
      } else {
        body = in.readAllBytes();
      }
      return new Answer(status, headers, body);
    } catch (IOException e) {
      throw new UncheckedIOException("no complete HTTP response", e);
    }
  }

  private byte[] chunked() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String size = line();
      int semicolon = size.indexOf(';');
      int n = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
      if (n == 0) {
        while (!line().isEmpty()) {
          // trailer fields are not needed
        }
        return body.toByteArray();
      }
      body.write(in.readNBytes(n));
      line();
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed after '" + line + "'");
      }
      if (b == '\n') {
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
      }
      line.write(b);
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing left to clean up
    }
  }
}
