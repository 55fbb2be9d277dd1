package dev.tinycheckout.observe;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every alert change it hears, in order. */
final class RecordingListener implements AlertListener {
  /** One change: {@code fired} or {@code resolved}, and the event. */
  record Change(boolean fired, AlertEvent event) {
    String rule() {
      return event.rule().name();
    }
  }

  final List<Change> changes = new CopyOnWriteArrayList<>();

  @Override
  public void fired(AlertEvent event) {
    changes.add(new Change(true, event));
  }

  @Override
  public void resolved(AlertEvent event) {
    changes.add(new Change(false, event));
  }

  List<Change> of(String rule) {
    return changes.stream().filter(c -> c.rule().equals(rule)).toList();
  }

  List<Change> fired() {
    return changes.stream().filter(Change::fired).toList();
  }

  List<Change> resolved() {
    return changes.stream().filter(c -> !c.fired()).toList();
  }
}
