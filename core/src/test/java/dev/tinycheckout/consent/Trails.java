package dev.tinycheckout.consent;

import dev.tinycheckout.order.OrderId;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Fixtures: reproducible drafts and intact trails. */
final class Trails {
  static final Instant T0 = Instant.parse("2026-11-25T10:15:30.123456Z");

  private Trails() {}

  static SubjectId subject(int n) {
    return SubjectId.of(String.format("%064x", n));
  }

  static OrderId orderId(long seed) {
    return OrderId.generate(Clock.fixed(T0, ZoneOffset.UTC), new SplittableRandom(seed));
  }

  /** A reproducible draft, varied by {@code n}. */
  static ConsentDraft draft(int n) {
    return new ConsentDraft(
        subject(n % 5),
        n % 3 == 2 ? ConsentAction.WITHDRAWN : ConsentAction.GRANTED,
        ConsentPurpose.values()[n % ConsentPurpose.values().length],
        "2026-11-01",
        ConsentHash.sha256(new byte[] {(byte) n}),
        n % 2 == 0 ? "checkout" : "withdrawal-function",
        orderId(n),
        T0.plusSeconds(n),
        n % 4 == 0 ? "" : "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" + n % 10 + "A==");
  }

  /** An intact trail of {@code n} entries. */
  static List<ConsentEntry> trail(int n) {
    List<ConsentEntry> list = new ArrayList<>();
    ConsentHash previous = ConsentHash.ZERO;
    for (int i = 1; i <= n; i++) {
      ConsentEntry e = ConsentEntry.chain(draft(i), i, previous);
      list.add(e);
      previous = e.hash();
    }
    return list;
  }
}
