package dev.tinycheckout.http.kit;

import java.net.URI;
import java.util.Objects;

/**
 * A server mount that {@link HttpContractKit#start} started for one test: where it listens, and how
 * to stop it.
 *
 * @param base the base URI of the mount, such as {@code http://127.0.0.1:54321}, without a trailing
 *     slash; the kit appends the contract's paths ({@code /products}) to it
 * @param stopper stops the server and frees its port; the kit calls it once, after the test
 */
public record RunningServer(URI base, AutoCloseable stopper) {

  /**
   * Checks the parts.
   *
   * @param base the base URI, {@code http} and without a trailing slash
   * @param stopper stops the server
   */
  public RunningServer {
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(stopper, "stopper");
    if (!"http".equals(base.getScheme())) {
      throw new IllegalArgumentException("base must be an http URI, but was " + base);
    }
    if (base.getPath() != null && base.getPath().endsWith("/")) {
      throw new IllegalArgumentException("base must not end with '/', but was " + base);
    }
  }
}
