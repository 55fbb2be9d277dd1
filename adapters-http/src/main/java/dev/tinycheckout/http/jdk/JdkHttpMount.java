package dev.tinycheckout.http.jdk;

import com.sun.net.httpserver.HttpServer;
import dev.tinycheckout.http.ApiHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the JDK's built-in HTTP server ({@code com.sun.net.httpserver}) serving an {@link
 * ApiHandler}: the smallest way to run tinycheckout, with no dependency beyond the JDK.
 *
 * <pre>{@code
 * JdkHttpMount.Running server =
 *     JdkHttpMount.builder().handler(api).port(8080).build().start();
 * ...
 * server.stop(Duration.ofSeconds(10));
 * }</pre>
 *
 * <p><b>Threads.</b> The API blocks on the database, so exchanges run on workers, never on the
 * server's dispatcher thread. Unless an {@linkplain Builder#executor executor} is given, the mount
 * uses a virtual thread per exchange on Java 21 and later, and otherwise a pool of {@linkplain
 * Builder#threads threads} with a {@linkplain Builder#queueCapacity bounded queue}. An exchange
 * that the workers refuse (pool and queue full, or a given executor that throws {@link
 * java.util.concurrent.RejectedExecutionException}) is answered 503 {@code service-unavailable}
 * with {@code Retry-After: 1} and {@code Connection: close} from a small overflow pool, without
 * reading its body; when that pool is full as well, the connection is closed without an answer.
 * Virtual threads are never refused: the database pool is then what bounds the work.
 *
 * <p><b>JVM-wide settings.</b> The JDK server reads its tuning from system properties once per JVM,
 * when the first {@code HttpServer} is created. When this class (or {@link JdkHttpHandler}) is
 * initialized, it sets each of these that is not already set:
 *
 * <ul>
 *   <li>{@code sun.net.httpserver.nodelay=true}: TCP_NODELAY on every connection; without it a
 *       keep-alive client waits about 40 ms for each answer (Nagle's algorithm meets delayed
 *       acknowledgements). {@link #tcpNoDelay()} tells whether it took effect; a warning is logged
 *       when an {@code HttpServer} was created before.
 *   <li>{@code sun.net.httpserver.maxReqTime=30}: seconds to receive the request line and header
 *       fields (including time waiting for a worker); a slower client is disconnected.
 *   <li>{@code sun.net.httpserver.maxRspTime=60}: seconds from the end of the header fields until
 *       the answer is written; this covers reading the body, the API's own work (database, payment
 *       gateway) and writing the answer, so a slow or truncated body is cut off after at most this
 *       long.
 *   <li>{@code sun.net.httpserver.maxReqHeaderSize=32768}: bytes of header fields; a larger request
 *       is refused.
 * </ul>
 *
 * <p>Set any of them with {@code -D} on the command line (or {@link System#setProperty} before the
 * first server starts) to choose another value. The JDK's own {@code
 * sun.net.httpserver.idleInterval} (30 seconds of keep-alive idleness) and {@code
 * sun.net.httpserver.maxReqHeaders} (200 fields) are left as they are.
 *
 * <p>Immutable and thread-safe; {@link #start()} may be called more than once, each time for a new
 * server.
 */
public final class JdkHttpMount {
  private static final Logger LOG = LoggerFactory.getLogger(JdkHttpMount.class);
  private static final int DEFAULT_PORT = 8080;
  private static final int DEFAULT_THREADS = 32;
  private static final int DEFAULT_QUEUE_CAPACITY = 128;
  private static final int OVERFLOW_THREADS = 2;
  private static final int OVERFLOW_QUEUE = 64;
  private static final AtomicInteger SERVERS = new AtomicInteger();

  static {
    JdkServerProperties.apply();
  }

  /** Whether the JDK server of this JVM sets TCP_NODELAY on its connections. */
  public enum TcpNoDelay {
    /** On: {@code sun.net.httpserver.nodelay} was true when the JDK server read it. */
    ON,
    /**
     * Off: the property was false, or unset when an {@code HttpServer} was created before
     * tinycheckout could set it. Keep-alive clients wait about 40 ms per request.
     */
    OFF,
    /**
     * The runtime cannot tell whether an {@code HttpServer} was created before tinycheckout set the
     * property (Java 22 and later, or without the {@code jdk.unsupported} module); it is on unless
     * one was.
     */
    UNKNOWN
  }

  private final ApiHandler handler;
  private final InetSocketAddress address;
  private final String contextPath;
  private final @Nullable Executor executor;
  private final int threads;
  private final int queueCapacity;
  private final int backlog;
  private final boolean virtualThreads;

  private JdkHttpMount(Builder builder) {
    this.handler = Objects.requireNonNull(builder.handler, "handler must be set");
    this.address = builder.address;
    this.contextPath = builder.contextPath;
    this.executor = builder.executor;
    this.threads = builder.threads;
    this.queueCapacity = builder.queueCapacity;
    this.backlog = builder.backlog;
    this.virtualThreads = builder.virtualThreads;
  }

  /**
   * A builder with the defaults: port 8080 on every interface, context path {@code /}, virtual
   * threads where available, otherwise 32 threads and a queue of 128 exchanges, the system's
   * default backlog.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Whether the JDK server of this JVM sets TCP_NODELAY on its connections, as far as can be told.
   *
   * @return {@link TcpNoDelay#ON} unless TCP_NODELAY is known to be off or cannot be known
   */
  public static TcpNoDelay tcpNoDelay() {
    return JdkServerProperties.tcpNoDelay();
  }

  /**
   * Binds the address and starts serving.
   *
   * @return the running server
   * @throws UncheckedIOException if the address cannot be bound, for example because the port is in
   *     use
   */
  public Running start() {
    JdkHttpHandler adapter = new JdkHttpHandler(handler);
    MountExecutor exchanges = executors();
    HttpServer server;
    try {
      server = HttpServer.create(address, backlog);
    } catch (IOException e) {
      try {
        exchanges.shutdown(Duration.ZERO);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
      throw new UncheckedIOException("cannot listen on " + address + ": " + e.getMessage(), e);
    }
    try {
      server.createContext(contextPath.isEmpty() ? "/" : contextPath, adapter);
      server.setExecutor(exchanges);
      server.start();
    } catch (RuntimeException e) {
      // Never leave a bound socket or pool threads behind a start that failed.
      server.stop(0);
      try {
        exchanges.shutdown(Duration.ZERO);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
      throw e;
    }
    Running running = new Running(server, adapter, exchanges, contextPath);
    LOG.info("tinycheckout listening on {}", running.uri());
    return running;
  }

  private MountExecutor executors() {
    int id = SERVERS.incrementAndGet();
    ExecutorService overflow =
        pool(OVERFLOW_THREADS, new ArrayBlockingQueue<>(OVERFLOW_QUEUE), "overflow", id);
    if (executor != null) {
      return new MountExecutor(executor, null, overflow);
    }
    Optional<ExecutorService> virtual = virtualThreads ? virtualThreadPerTask() : Optional.empty();
    if (virtual.isPresent()) {
      return new MountExecutor(virtual.get(), virtual.get(), overflow);
    }
    BlockingQueue<Runnable> queue =
        queueCapacity == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queueCapacity);
    ExecutorService workers = pool(threads, queue, "worker", id);
    return new MountExecutor(workers, workers, overflow);
  }

  private static ExecutorService pool(
      int size, BlockingQueue<Runnable> queue, String role, int server) {
    AtomicInteger count = new AtomicInteger();
    ThreadFactory factory =
        task -> {
          Thread thread =
              new Thread(
                  task, "tinycheckout-http-" + server + "-" + role + "-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        };
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            size, size, 30, TimeUnit.SECONDS, queue, factory, new ThreadPoolExecutor.AbortPolicy());
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /** {@code Executors.newVirtualThreadPerTaskExecutor()} on Java 21 and later; the build is 17. */
  static Optional<ExecutorService> virtualThreadPerTask() {
    try {
      Method factory =
          java.util.concurrent.Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
      return Optional.of((ExecutorService) factory.invoke(null));
    } catch (ReflectiveOperationException | RuntimeException notAvailable) {
      return Optional.empty();
    }
  }

  /**
   * A server started by {@link JdkHttpMount#start()}. Thread-safe; {@link #stop(Duration)} and
   * {@link #close()} may be called more than once, and only the first call stops the server.
   */
  public static final class Running implements AutoCloseable {
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(10);

    private final HttpServer server;
    private final JdkHttpHandler adapter;
    private final MountExecutor exchanges;
    private final String contextPath;
    private final AtomicBoolean stopped = new AtomicBoolean();

    private Running(
        HttpServer server, JdkHttpHandler adapter, MountExecutor exchanges, String contextPath) {
      this.server = server;
      this.adapter = adapter;
      this.exchanges = exchanges;
      this.contextPath = contextPath;
    }

    /**
     * The address the server listens on.
     *
     * @return the bound address, with the actual port when port 0 was asked for
     */
    public InetSocketAddress address() {
      return server.getAddress();
    }

    /**
     * The port the server listens on.
     *
     * @return the bound port
     */
    public int port() {
      return server.getAddress().getPort();
    }

    /**
     * Where clients reach the API: {@code http://host:port/contextPath/}, with {@code localhost}
     * when the server listens on every interface.
     *
     * @return the base URI, ending with {@code /}
     */
    public URI uri() {
      InetAddress bound = server.getAddress().getAddress();
      String host =
          bound == null || bound.isAnyLocalAddress()
              ? "localhost"
              : bound.getHostAddress().indexOf(':') >= 0
                  ? "[" + bound.getHostAddress() + "]"
                  : bound.getHostAddress();
      return URI.create("http://" + host + ":" + port() + contextPath + "/");
    }

    /**
     * Stops gracefully: stops accepting connections at once, lets the exchanges in flight finish
     * (each answered with {@code Connection: close}) for at most the grace period, then closes
     * every connection and stops the worker threads the mount created.
     *
     * <p>The JDK server counts the grace in whole seconds (rounded up). With nothing in flight it
     * stops at once; an exchange that arrives on an open keep-alive connection in the instant
     * before the stop may be cut off.
     *
     * @param grace how long in-flight exchanges may take to finish; zero cuts them off
     * @throws IllegalArgumentException if the grace is negative
     */
    public void stop(Duration grace) {
      Objects.requireNonNull(grace, "grace");
      if (grace.isNegative()) {
        throw new IllegalArgumentException("grace must not be negative, but was " + grace);
      }
      if (!stopped.compareAndSet(false, true)) {
        return;
      }
      adapter.closeConnections();
      // HttpServer.stop(n) waits the full n seconds when nothing is in flight (until Java 22).
      long seconds = exchanges.inFlight() == 0 ? 0 : ceilSeconds(grace);
      server.stop((int) Math.min(Integer.MAX_VALUE, seconds));
      try {
        exchanges.shutdown(Duration.ofSeconds(1));
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
      LOG.info("tinycheckout stopped listening on {}", uri());
    }

    /** Stops with a grace period of ten seconds; see {@link #stop(Duration)}. */
    @Override
    public void close() {
      stop(CLOSE_GRACE);
    }

    private static long ceilSeconds(Duration grace) {
      return grace.getSeconds() + (grace.getNano() > 0 ? 1 : 0);
    }
  }

  /**
   * Collects the settings of a {@link JdkHttpMount}; each setter checks its value at once. Not
   * thread-safe.
   */
  public static final class Builder {
    private @Nullable ApiHandler handler;
    private InetSocketAddress address = new InetSocketAddress(DEFAULT_PORT);
    private String contextPath = "";
    private @Nullable Executor executor;
    private int threads = DEFAULT_THREADS;
    private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
    private int backlog;
    private boolean virtualThreads = true;

    private Builder() {}

    /**
     * The API to serve; required.
     *
     * @param handler the handler, such as {@link dev.tinycheckout.http.CheckoutApi}
     * @return this builder
     */
    public Builder handler(ApiHandler handler) {
      this.handler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /**
     * Listens on every interface at this port.
     *
     * @param port 0 to 65535; 0 picks a free port ({@link Running#port()} tells which)
     * @return this builder
     * @throws IllegalArgumentException if the port is out of range
     */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be 0 to 65535, but was " + port);
      }
      this.address = new InetSocketAddress(port);
      return this;
    }

    /**
     * Listens on one address, such as {@code new InetSocketAddress("127.0.0.1", 8080)}.
     *
     * @param address the address and port to bind
     * @return this builder
     * @throws IllegalArgumentException if the host name could not be resolved
     */
    public Builder address(InetSocketAddress address) {
      Objects.requireNonNull(address, "address");
      if (address.isUnresolved()) {
        throw new IllegalArgumentException("address must be resolved, but was " + address);
      }
      this.address = address;
      return this;
    }

    /**
     * Serves the API under a prefix: with {@code /shop}, {@code GET /shop/products} reaches the
     * handler as {@code GET /products}. The default serves it at the root.
     *
     * @param contextPath {@code /} or a path such as {@code /shop}, without a trailing slash
     * @return this builder
     * @throws IllegalArgumentException if the path does not start with {@code /}, ends with one, or
     *     holds a query, a fragment, a dot segment, a percent-encoding, or characters a URI path
     *     cannot hold unencoded
     */
    public Builder contextPath(String contextPath) {
      Objects.requireNonNull(contextPath, "contextPath");
      if (contextPath.equals("/")) {
        this.contextPath = "";
        return this;
      }
      if (!contextPath.matches("(/[A-Za-z0-9._~!$&'()*+,;=:@-]+)+")
          || contextPath.matches(".*/\\.{1,2}(/.*)?")) {
        throw new IllegalArgumentException(
            "contextPath must be '/' or like '/shop' (no trailing '/'), but was '"
                + contextPath
                + "'");
      }
      this.contextPath = contextPath;
      return this;
    }

    /**
     * Runs exchanges on this executor instead of threads the mount creates. The caller owns it: it
     * is not shut down when the server stops. When it throws {@link
     * java.util.concurrent.RejectedExecutionException}, the exchange is answered 503.
     *
     * @param executor the executor, such as a bounded {@link ThreadPoolExecutor}
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * The size of the worker pool used when virtual threads are not (Java 17 to 20, or {@link
     * #virtualThreads(boolean) turned off}) and no executor is given. Size it a little above the
     * database connection pool: more threads only wait for connections.
     *
     * @param threads at least 1; 32 by default
     * @return this builder
     * @throws IllegalArgumentException if less than 1
     */
    public Builder threads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be at least 1, but was " + threads);
      }
      this.threads = threads;
      return this;
    }

    /**
     * How many exchanges may wait for a worker of the pool; beyond that they are answered 503.
     *
     * @param queueCapacity 0 (none wait) or more; 128 by default
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder queueCapacity(int queueCapacity) {
      if (queueCapacity < 0) {
        throw new IllegalArgumentException(
            "queueCapacity must not be negative, but was " + queueCapacity);
      }
      this.queueCapacity = queueCapacity;
      return this;
    }

    /**
     * Whether to run each exchange on a virtual thread when the runtime has them (Java 21 and
     * later); on by default. Off, or on older runtimes, the bounded {@linkplain #threads pool} is
     * used.
     *
     * @param virtualThreads true to prefer virtual threads
     * @return this builder
     */
    public Builder virtualThreads(boolean virtualThreads) {
      this.virtualThreads = virtualThreads;
      return this;
    }

    /**
     * The listen backlog: connections the operating system queues before the server accepts them.
     *
     * @param backlog 0 for the system default, or more
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder backlog(int backlog) {
      if (backlog < 0) {
        throw new IllegalArgumentException("backlog must not be negative, but was " + backlog);
      }
      this.backlog = backlog;
      return this;
    }

    /**
     * The mount.
     *
     * @return an immutable mount, ready to {@link JdkHttpMount#start() start}
     * @throws NullPointerException if no handler was set
     */
    public JdkHttpMount build() {
      return new JdkHttpMount(this);
    }
  }
}
