package dev.tinycheckout.examples.hooks;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The RabbitMQ that {@code TINYCHECKOUT_TEST_RABBITMQ_URL} names, seen through a connection of the
 * test's own: it declares uniquely named exchanges and queues and deletes them again on {@link
 * #close()}, so tests never share or leave topology behind.
 */
final class RabbitMqBroker implements AutoCloseable {
  static final String URL_VARIABLE = "TINYCHECKOUT_TEST_RABBITMQ_URL";

  private final URI uri;
  private final Connection connection;
  private final Channel channel;
  private final List<String> exchanges = new ArrayList<>();
  private final List<String> queues = new ArrayList<>();

  RabbitMqBroker() throws Exception {
    this.uri =
        URI.create(
            Objects.requireNonNull(System.getenv(URL_VARIABLE), URL_VARIABLE + " is not set"));
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(uri);
    factory.setAutomaticRecoveryEnabled(false);
    this.connection = factory.newConnection("tinycheckout test admin");
    this.channel = connection.createChannel();
  }

  /** The broker's URI, for the hook. */
  URI uri() {
    return uri;
  }

  /** The broker's URI with another port on the loopback address, such as a {@link TcpProxy}'s. */
  URI uriWithPort(int port) {
    String userInfo = uri.getRawUserInfo();
    String path = uri.getRawPath();
    return URI.create(
        uri.getScheme()
            + "://"
            + (userInfo == null ? "" : userInfo + "@")
            + "127.0.0.1:"
            + port
            + (path == null ? "" : path));
  }

  String host() {
    return uri.getHost();
  }

  int port() {
    return uri.getPort() >= 0 ? uri.getPort() : 5672;
  }

  /** A new durable topic exchange with a unique name. */
  String topicExchange() throws Exception {
    String name = "tc.test." + UUID.randomUUID();
    channel.exchangeDeclare(name, "topic", true);
    exchanges.add(name);
    return name;
  }

  /** A new durable queue with a unique name, bound to the exchange with each binding key. */
  String queue(String exchange, String... bindingKeys) throws Exception {
    return queue(exchange, Map.of(), bindingKeys);
  }

  /** A new durable queue with arguments (such as a length limit), bound like {@link #queue}. */
  String queue(String exchange, Map<String, Object> arguments, String... bindingKeys)
      throws Exception {
    String name = "tc.test." + UUID.randomUUID();
    channel.queueDeclare(name, true, false, false, arguments);
    queues.add(name);
    for (String key : bindingKeys) {
      channel.queueBind(name, exchange, key);
    }
    return name;
  }

  /** Takes the next message of a queue, waiting up to the given time; {@code null} if none. */
  GetResponse take(String queue, long waitMillis) throws Exception {
    long deadline = System.nanoTime() + waitMillis * 1_000_000;
    while (true) {
      GetResponse got = channel.basicGet(queue, true);
      if (got != null || System.nanoTime() > deadline) {
        return got;
      }
      Thread.sleep(20);
    }
  }

  long count(String queue) throws Exception {
    return channel.messageCount(queue);
  }

  @Override
  public void close() throws IOException {
    try {
      for (String queue : queues) {
        channel.queueDelete(queue);
      }
      for (String exchange : exchanges) {
        channel.exchangeDelete(exchange);
      }
    } finally {
      connection.close();
    }
  }
}
