package dev.tinycheckout.benchmarks.http;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Sends one scenario's requests to one server for a warm-up and then a measured window, over a
 * fixed number of keep-alive HTTP/1.1 connections, each sending its next request when the previous
 * answer has arrived (a closed loop).
 */
interface LoadDriver {

  /**
   * The driver's name in the report, with its version where known.
   *
   * @return the name
   */
  String name();

  /**
   * Runs a scenario against a server: the warm-up, then the measured window.
   *
   * @param base the server's base URI
   * @param plan what to send
   * @param settings how long, over how many connections
   * @return what the measured window saw
   * @throws IOException if the driver cannot run
   * @throws InterruptedException if interrupted while waiting
   */
  LoadResult run(URI base, Scenario.RequestPlan plan, Settings settings)
      throws IOException, InterruptedException;

  /**
   * How long and how wide each run is.
   *
   * @param warmUp the time sent before measuring, not counted
   * @param measure the measured window
   * @param connections the number of connections, each with one request in flight
   */
  record Settings(Duration warmUp, Duration measure, int connections) {

    /**
     * Checks the values.
     *
     * @param warmUp the warm-up, zero or more
     * @param measure the window, positive
     * @param connections the connections, at least 1
     */
    public Settings {
      if (warmUp.isNegative() || measure.isNegative() || measure.isZero() || connections < 1) {
        throw new IllegalArgumentException(
            "need warm-up >= 0, measure > 0, connections >= 1, but got "
                + warmUp
                + ", "
                + measure
                + ", "
                + connections);
      }
    }
  }

  /**
   * The measured window of one run.
   *
   * @param requests the responses received with the expected status
   * @param errors the requests that failed: another status, a socket error or a timeout
   * @param seconds the length of the window, in seconds
   * @param p50Micros the median latency, in microseconds
   * @param p99Micros the 99th-percentile latency, in microseconds
   * @param statuses the count of each status received, where the driver sees statuses (the JDK
   *     driver); empty otherwise
   */
  record LoadResult(
      long requests,
      long errors,
      double seconds,
      long p50Micros,
      long p99Micros,
      Map<Integer, Long> statuses) {

    /**
     * Freezes the status counts.
     *
     * @param requests the successful responses
     * @param errors the failures
     * @param seconds the window
     * @param p50Micros the median latency
     * @param p99Micros the 99th-percentile latency
     * @param statuses the status counts
     */
    public LoadResult {
      statuses = Map.copyOf(statuses);
    }

    /**
     * Successful responses per second.
     *
     * @return requests per second
     */
    double requestsPerSecond() {
      return seconds > 0 ? requests / seconds : 0;
    }
  }
}
