package dev.tinycheckout.examples.quickstart;

/**
 * A command line or environment variable the quickstart cannot use: an unknown option, a missing or
 * bad value. The process prints the message and exits with status 2, before it opens anything.
 */
final class UsageException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
