package dev.tinycheckout.examples.hooks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP relay in front of a real broker, so a test can take the broker "down" for one
 * client (every relayed connection is cut, new ones are closed at once) and bring it back, or hold
 * back what the broker sends (its confirms and acknowledgements) for a while, without touching the
 * broker itself.
 */
final class TcpProxy implements AutoCloseable {
  private final ServerSocket server;
  private final InetSocketAddress upstream;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile boolean up = true;
  private volatile boolean stalled;

  TcpProxy(String upstreamHost, int upstreamPort) throws IOException {
    this.upstream = new InetSocketAddress(upstreamHost, upstreamPort);
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptLoop, "tcp-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** Cuts every relayed connection and refuses new ones until {@link #up()}. */
  void down() {
    up = false;
    for (Socket s : open) {
      closeQuietly(s);
    }
    open.clear();
  }

  /** Relays new connections again. */
  void up() {
    up = true;
  }

  /**
   * Holds back everything the broker sends until {@link #resume()}; the client's bytes still go.
   */
  void stall() {
    stalled = true;
  }

  /** Passes on what the broker sent, held back since {@link #stall()}, and all that follows. */
  void resume() {
    stalled = false;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return;
      }
      if (!up) {
        closeQuietly(client);
        continue;
      }
      try {
        Socket broker = new Socket();
        broker.connect(upstream, 5_000);
        open.add(client);
        open.add(broker);
        pump(client, broker, false);
        pump(broker, client, true);
      } catch (IOException e) {
        closeQuietly(client);
      }
    }
  }

  private void pump(Socket from, Socket to, boolean fromBroker) {
    Thread t =
        new Thread(
            () -> {
              byte[] buffer = new byte[16 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  while (fromBroker && stalled && !to.isClosed()) {
                    Thread.sleep(10);
                  }
                  out.write(buffer, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // Cut by down() or by either side.
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "tcp-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // Closing anyway.
    }
  }

  @Override
  public void close() throws IOException {
    down();
    server.close();
  }
}
