package dev.tinycheckout.http.jdk;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JVM-wide tuning of the JDK server, applied once, before the first server of this JVM exists.
 *
 * <p>{@code sun.net.httpserver.ServerConfig} reads these system properties in its static
 * initializer, so they count only if set before any {@code HttpServer} is created; a property the
 * user set (on the command line or earlier in code) is never overridden.
 */
final class JdkServerProperties {
  private static final Logger LOG = LoggerFactory.getLogger(JdkServerProperties.class);

  static final String NO_DELAY = "sun.net.httpserver.nodelay";
  static final String MAX_REQ_TIME = "sun.net.httpserver.maxReqTime";
  static final String MAX_RSP_TIME = "sun.net.httpserver.maxRspTime";
  static final String MAX_REQ_HEADER_SIZE = "sun.net.httpserver.maxReqHeaderSize";

  /** The defaults tinycheckout applies when the property is not set. */
  static final Map<String, String> DEFAULTS =
      Map.of(
          NO_DELAY, "true", MAX_REQ_TIME, "30", MAX_RSP_TIME, "60", MAX_REQ_HEADER_SIZE, "32768");

  private static final String SERVER_CONFIG = "sun.net.httpserver.ServerConfig";

  /** Whether the JDK server had read its properties before this class could set them. */
  private static final Optional<Boolean> CONFIGURED_BEFORE = serverConfigInitialized();

  /** The value of the no-delay property before this class touched it; null when unset. */
  private static final Optional<String> USER_NO_DELAY =
      Optional.ofNullable(System.getProperty(NO_DELAY));

  static {
    DEFAULTS.forEach(
        (name, value) -> {
          if (System.getProperty(name) == null) {
            System.setProperty(name, value);
          }
        });
    JdkHttpMount.TcpNoDelay state = tcpNoDelay();
    if (state == JdkHttpMount.TcpNoDelay.OFF) {
      LOG.warn(
          "The JDK HTTP server of this JVM runs without TCP_NODELAY ({}={}, read when the first"
              + " HttpServer was created{}); keep-alive clients will wait about 40 ms per request."
              + " Start the JVM with -D{}=true. See docs/mounting.md#tcp_nodelay",
          NO_DELAY,
          USER_NO_DELAY.orElse("unset"),
          CONFIGURED_BEFORE.orElse(false) ? ", before tinycheckout could set it" : "",
          NO_DELAY);
    } else if (state == JdkHttpMount.TcpNoDelay.UNKNOWN) {
      LOG.debug(
          "Cannot tell whether an HttpServer was created before tinycheckout set {}=true;"
              + " if one was, connections run without TCP_NODELAY",
          NO_DELAY);
    }
  }

  private JdkServerProperties() {}

  /** Applies the defaults (by initializing this class) and logs a warning if it is too late. */
  static void apply() {
    // The static initializer does the work, once.
  }

  static JdkHttpMount.TcpNoDelay tcpNoDelay() {
    if (USER_NO_DELAY.isPresent()) {
      return Boolean.parseBoolean(USER_NO_DELAY.get())
          ? JdkHttpMount.TcpNoDelay.ON
          : JdkHttpMount.TcpNoDelay.OFF;
    }
    if (CONFIGURED_BEFORE.isEmpty()) {
      return JdkHttpMount.TcpNoDelay.UNKNOWN;
    }
    return CONFIGURED_BEFORE.get() ? JdkHttpMount.TcpNoDelay.OFF : JdkHttpMount.TcpNoDelay.ON;
  }

  /**
   * Whether the JDK server's configuration class has run its static initializer, asked of {@code
   * sun.misc.Unsafe#shouldBeInitialized} (module {@code jdk.unsupported}; the method exists up to
   * Java 21). Loading the class without initializing it is allowed; reading its fields is not.
   *
   * @return true or false, or empty where the runtime cannot tell
   */
  private static Optional<Boolean> serverConfigInitialized() {
    try {
      Class<?> config =
          Class.forName(
              SERVER_CONFIG, false, com.sun.net.httpserver.HttpServer.class.getClassLoader());
      Class<?> unsafeType = Class.forName("sun.misc.Unsafe");
      Field theUnsafe = unsafeType.getDeclaredField("theUnsafe");
      theUnsafe.setAccessible(true);
      Object unsafe = theUnsafe.get(null);
      Method shouldBeInitialized = unsafeType.getMethod("shouldBeInitialized", Class.class);
      return Optional.of(!(Boolean) shouldBeInitialized.invoke(unsafe, config));
    } catch (ReflectiveOperationException | RuntimeException | LinkageError unavailable) {
      return Optional.empty();
    }
  }
}
