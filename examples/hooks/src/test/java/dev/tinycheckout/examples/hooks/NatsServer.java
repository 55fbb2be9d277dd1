package dev.tinycheckout.examples.hooks;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;

/**
 * The NATS server that {@code TINYCHECKOUT_TEST_NATS_URL} names, seen through a connection of the
 * test's own: it adds uniquely named streams on unique subjects and deletes them again on {@link
 * #close()}, so tests never share or leave streams behind.
 */
final class NatsServer implements AutoCloseable {
  static final String URL_VARIABLE = "TINYCHECKOUT_TEST_NATS_URL";

  private final URI uri;
  private final Connection connection;
  private final JetStreamManagement management;
  private final List<String> streams = new ArrayList<>();

  NatsServer() throws Exception {
    this.uri =
        URI.create(
            Objects.requireNonNull(System.getenv(URL_VARIABLE), URL_VARIABLE + " is not set"));
    this.connection =
        Nats.connect(
            new Options.Builder()
                .server(uri.toString())
                .connectionName("tinycheckout test admin")
                .build());
    this.management = connection.jetStreamManagement();
  }

  URI uri() {
    return uri;
  }

  /** The server's URI with another port on the loopback address, such as a {@link TcpProxy}'s. */
  URI uriWithPort(int port) {
    String userInfo = uri.getRawUserInfo();
    return URI.create(
        uri.getScheme() + "://" + (userInfo == null ? "" : userInfo + "@") + "127.0.0.1:" + port);
  }

  String host() {
    return uri.getHost();
  }

  int port() {
    return uri.getPort() >= 0 ? uri.getPort() : 4222;
  }

  Connection connection() {
    return connection;
  }

  /** A unique subject prefix such as {@code tctest.3f1c….}, for a stream of {@link #stream}. */
  static String uniquePrefix() {
    return "tctest." + UUID.randomUUID().toString().replace("-", "") + ".";
  }

  /**
   * Adds a memory stream with a unique name that captures every subject under the prefix.
   *
   * @return the stream's name
   */
  String stream(String subjectPrefix, Duration duplicateWindow) throws Exception {
    String name =
        "TCTEST_" + UUID.randomUUID().toString().replace("-", "").toUpperCase(Locale.ROOT);
    management.addStream(
        StreamConfiguration.builder()
            .name(name)
            .subjects(subjectPrefix + ">")
            .storageType(StorageType.Memory)
            .duplicateWindow(duplicateWindow)
            .build());
    streams.add(name);
    return name;
  }

  long count(String stream) throws Exception {
    return management.getStreamInfo(stream).getStreamState().getMsgCount();
  }

  MessageInfo message(String stream, long sequence) throws Exception {
    return management.getMessage(stream, sequence);
  }

  @Override
  public void close() throws IOException, JetStreamApiException {
    try {
      for (String stream : streams) {
        management.deleteStream(stream);
      }
    } finally {
      try {
        connection.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
