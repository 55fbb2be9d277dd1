package dev.tinycheckout.benchmarks.http;

import dev.tinycheckout.http.ApiHandler;
import dev.tinycheckout.http.jdk.JdkHttpMount;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * tinycheckout on the JDK server through {@link JdkHttpMount}, with as many worker threads as the
 * bare JDK server (the mount's own default on Java 17 is 32) and TCP_NODELAY on.
 */
final class JdkMountServer implements ServerUnderTest {
  private final ApiHandler api;
  private final int workers;
  private JdkHttpMount.@Nullable Running running;

  JdkMountServer(ApiHandler api, int workers) {
    this.api = api;
    this.workers = workers;
  }

  @Override
  public String name() {
    return "tinycheckout JDK mount";
  }

  @Override
  public Kind kind() {
    return Kind.JDK;
  }

  @Override
  public boolean bare() {
    return false;
  }

  @Override
  public URI start() {
    JdkServers.requireNoDelay();
    JdkHttpMount.Running r =
        JdkHttpMount.builder()
            .handler(api)
            .address(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .threads(workers)
            .build()
            .start();
    if (JdkHttpMount.tcpNoDelay() == JdkHttpMount.TcpNoDelay.OFF) {
      r.close();
      throw new IllegalStateException("the JDK mount runs without TCP_NODELAY");
    }
    running = r;
    return URI.create("http://127.0.0.1:" + r.port());
  }

  @Override
  public void stop() {
    if (running != null) {
      running.stop(Duration.ofSeconds(1));
      running = null;
    }
  }
}
