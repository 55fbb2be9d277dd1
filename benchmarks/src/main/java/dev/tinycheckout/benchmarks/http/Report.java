package dev.tinycheckout.benchmarks.http;

import dev.tinycheckout.benchmarks.http.HttpLoadBenchmark.Row;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The Markdown tables of a run. */
final class Report {
  private Report() {}

  /**
   * One line per scenario and server, with the ratio to the bare server of the same kind.
   *
   * @param rows the run's rows
   * @return a Markdown table
   */
  static String results(List<Row> rows) {
    StringBuilder md =
        new StringBuilder(
            """
            | Scenario | Server | req/s | p50 ms | p99 ms | errors | ÷ bare of its kind |
            |---|---|---:|---:|---:|---:|---:|
            """);
    for (Row row : rows) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %,.0f | %.2f | %.2f | %d | %s |%n",
              row.scenario().label(),
              row.server(),
              row.result().requestsPerSecond(),
              row.result().p50Micros() / 1000.0,
              row.result().p99Micros() / 1000.0,
              row.result().errors(),
              row.bare() ? "1" : ratio(rows, row).map(Report::format).orElse("n/a")));
    }
    return md.toString();
  }

  /**
   * The ratios the issue asks for, one line per mount, with the goals.
   *
   * @param rows the run's rows
   * @return a Markdown table
   */
  static String ratios(List<Row> rows) {
    StringBuilder md =
        new StringBuilder(
            """
            | Mount | product 200 ÷ bare (goal ≥ 0.8) | product 304 ÷ bare (goal ≥ 0.8) \
            | replay ÷ bare (goal ≥ 0.5) | new checkouts ÷ bare | new checkouts req/s |
            |---|---:|---:|---:|---:|---:|
            """);
    for (Row row : rows) {
      if (row.bare() || row.scenario() != Scenario.PRODUCT_200) {
        continue;
      }
      md.append("| ").append(row.server());
      md.append(" | ")
          .append(goal(rows, row.server(), Scenario.PRODUCT_200, HttpLoadBenchmark.PRODUCT_GOAL));
      md.append(" | ")
          .append(goal(rows, row.server(), Scenario.PRODUCT_304, HttpLoadBenchmark.PRODUCT_GOAL));
      md.append(" | ")
          .append(goal(rows, row.server(), Scenario.REPLAY, HttpLoadBenchmark.REPLAY_GOAL));
      md.append(" | ").append(goal(rows, row.server(), Scenario.NEW_CHECKOUT, 0));
      md.append(" | ")
          .append(
              find(rows, row.server(), Scenario.NEW_CHECKOUT)
                  .map(r -> String.format(Locale.ROOT, "%,.0f", r.result().requestsPerSecond()))
                  .orElse("n/a"));
      md.append(" |\n");
    }
    return md.toString();
  }

  private static String goal(List<Row> rows, String server, Scenario scenario, double goal) {
    Optional<Double> ratio = find(rows, server, scenario).flatMap(r -> ratio(rows, r));
    if (ratio.isEmpty()) {
      return "n/a";
    }
    String text = format(ratio.get());
    if (goal <= 0) {
      return text;
    }
    return ratio.get() >= goal ? text + " (met)" : "**" + text + " (missed)**";
  }

  private static Optional<Row> find(List<Row> rows, String server, Scenario scenario) {
    return rows.stream()
        .filter(r -> r.server().equals(server) && r.scenario() == scenario)
        .findFirst();
  }

  /**
   * A mount's requests per second divided by those of the bare server of its kind in the same
   * scenario.
   */
  static Optional<Double> ratio(List<Row> rows, Row row) {
    return rows.stream()
        .filter(r -> r.bare() && r.kind() == row.kind() && r.scenario() == row.scenario())
        .findFirst()
        .filter(bare -> bare.result().requestsPerSecond() > 0)
        .map(bare -> row.result().requestsPerSecond() / bare.result().requestsPerSecond());
  }

  private static String format(double ratio) {
    return String.format(Locale.ROOT, "%.2f", ratio);
  }
}
