package dev.tinycheckout.http.fraud;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Remembers every flag and spike it hears of. */
final class RecordingListener implements FraudListener {
  final List<FraudFlag> flags = new CopyOnWriteArrayList<>();
  final List<DeclineSpike> spikes = new CopyOnWriteArrayList<>();

  @Override
  public void flagged(FraudFlag flag) {
    flags.add(flag);
  }

  @Override
  public void spike(DeclineSpike spike) {
    spikes.add(spike);
  }
}
