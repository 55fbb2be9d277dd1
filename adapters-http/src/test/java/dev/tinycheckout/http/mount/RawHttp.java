package dev.tinycheckout.http.mount;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** HTTP/1.1 over a plain socket, for traffic a well-behaved client never sends. */
public final class RawHttp implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private RawHttp(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  /** A connection to the host and port of a URI, with a 10 s read timeout. */
  public static RawHttp connect(URI base) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
    socket.setSoTimeout(10_000);
    socket.setTcpNoDelay(true);
    return new RawHttp(socket);
  }

  /** One response as read from the wire; header names in lower case. */
  public record Response(int status, Map<String, List<String>> headers, byte[] body) {
    public Optional<String> header(String name) {
      List<String> values = headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
      return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  public RawHttp send(String text) throws IOException {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  public RawHttp send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  public void shutdownOutput() throws IOException {
    socket.shutdownOutput();
  }

  public void setReadTimeout(int millis) throws SocketException {
    socket.setSoTimeout(millis);
  }

  /**
   * Reads one response: the status line, the header fields, and a body of {@code Content-Length}
   * bytes if {@code withBody}; empty if the server closed the connection before a status line.
   */
  public Optional<Response> read(boolean withBody) throws IOException {
    Optional<String> statusLine = line();
    if (statusLine.isEmpty()) {
      return Optional.empty();
    }
    String[] parts = statusLine.get().split(" ", 3);
    int status = Integer.parseInt(parts[1]);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String field = line().orElse(""); !field.isEmpty(); field = line().orElse("")) {
      int colon = field.indexOf(':');
      headers
          .computeIfAbsent(
              field.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(field.substring(colon + 1).trim());
    }
    byte[] body = new byte[0];
    List<String> length = headers.getOrDefault("content-length", List.of());
    if (withBody && !length.isEmpty()) {
      body = in.readNBytes(Integer.parseInt(length.get(0)));
    }
    return Optional.of(new Response(status, headers, body));
  }

  /** Reads one response with its body; fails if the connection closed first. */
  public Response read() throws IOException {
    return read(true).orElseThrow(() -> new AssertionError("connection closed, no response"));
  }

  /**
   * Whether the server closed the connection: reads (and drops) what is left until end of stream, a
   * reset, or the read timeout.
   *
   * @return true if the connection ended, false if it was still open at the timeout
   */
  public boolean closedByServer() throws IOException {
    byte[] sink = new byte[8192];
    try {
      while (in.read(sink) >= 0) {
        // drop
      }
      return true;
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (SocketException reset) {
      return true;
    }
  }

  private Optional<String> line() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int b;
    try {
      while ((b = in.read()) >= 0) {
        if (b == '\n') {
          String text = bytes.toString(StandardCharsets.ISO_8859_1);
          return Optional.of(text.endsWith("\r") ? text.substring(0, text.length() - 1) : text);
        }
        bytes.write(b);
      }
    } catch (SocketException reset) {
      return Optional.empty();
    }
    return bytes.size() == 0
        ? Optional.empty()
        : Optional.of(bytes.toString(StandardCharsets.ISO_8859_1));
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
