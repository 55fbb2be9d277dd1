package dev.tinycheckout.examples.quickstart;

import org.jspecify.annotations.Nullable;

/**
 * Something the quickstart needs at start is not right: the catalog file, the database, the port.
 * The process prints the message and exits with status 1, before it listens.
 */
final class StartupException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  StartupException(String message) {
    super(message);
  }

  StartupException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
