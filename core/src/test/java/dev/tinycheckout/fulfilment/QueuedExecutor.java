package dev.tinycheckout.fulfilment;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;

/** Holds tasks until told to run them, or to drop them as a killed worker would. */
final class QueuedExecutor implements Executor {
  private final Deque<Runnable> tasks = new ArrayDeque<>();

  @Override
  public synchronized void execute(Runnable task) {
    tasks.add(task);
  }

  void runAll() {
    for (Runnable t; (t = next()) != null; ) {
      t.run();
    }
  }

  private synchronized Runnable next() {
    return tasks.poll();
  }

  synchronized int size() {
    return tasks.size();
  }

  synchronized void dropAll() {
    tasks.clear();
  }
}
