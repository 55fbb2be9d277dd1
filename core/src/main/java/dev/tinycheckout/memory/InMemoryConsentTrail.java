package dev.tinycheckout.memory;

import dev.tinycheckout.consent.ConsentDraft;
import dev.tinycheckout.consent.ConsentEntry;
import dev.tinycheckout.consent.ConsentHead;
import dev.tinycheckout.consent.ConsentLog;
import dev.tinycheckout.consent.SubjectId;
import dev.tinycheckout.consent.SubjectKey;
import dev.tinycheckout.order.OrderId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The consent trail of an {@link InMemoryStorage}: the rows by sequence (as a database table keyed
 * by its sequence column), the head row that appends lock and advance, indexes by order and
 * subject, and the subject keys. Guarded by the storage's lock; every change through {@link #log}
 * records its undo in the transaction.
 */
final class InMemoryConsentTrail {
  private static final int MAX_PAGE = 10_000;

  private final TreeMap<Long, ConsentEntry> rows = new TreeMap<>();
  private final Map<OrderId, List<ConsentEntry>> byOrder = new HashMap<>();
  private final Map<SubjectId, List<ConsentEntry>> bySubject = new HashMap<>();
  private final Map<SubjectId, SubjectKey> keys = new HashMap<>();
  // Drafts staged by committed (or the running) transactions, oldest first.
  private final ArrayDeque<ConsentDraft> staged = new ArrayDeque<>();
  private ConsentHead head = ConsentHead.EMPTY;

  /** The store as seen from one transaction. */
  ConsentLog log(Runnable check, Consumer<Runnable> onRollback) {
    return new Log(check, onRollback);
  }

  private final class Log implements ConsentLog {
    private final Runnable check;
    private final Consumer<Runnable> onRollback;

    Log(Runnable check, Consumer<Runnable> onRollback) {
      this.check = check;
      this.onRollback = onRollback;
    }

    @Override
    public ConsentEntry append(ConsentDraft draft) {
      check.run();
      Objects.requireNonNull(draft, "draft");
      ConsentHead before = head;
      ConsentEntry entry = ConsentEntry.chain(draft, before.sequence() + 1, before.hash());
      if (rows.containsKey(entry.sequence())) {
        // Only a tampered trail gets here: a row already holds the next number.
        throw new IllegalStateException(
            "consent row " + entry.sequence() + " exists already; the trail was tampered with");
      }
      insert(entry);
      head = entry.asHead();
      onRollback.accept(
          () -> {
            remove(entry.sequence());
            head = before;
          });
      return entry;
    }

    @Override
    public void stage(ConsentDraft draft) {
      check.run();
      Objects.requireNonNull(draft, "draft");
      staged.addLast(draft);
      // Transactions are serialised by the storage's lock, so nothing was staged after this one.
      onRollback.accept(staged::removeLast);
    }

    @Override
    public List<ConsentEntry> chainStaged(int max) {
      check.run();
      if (max < 1 || max > MAX_PAGE) {
        throw new IllegalArgumentException("max must be 1 to " + MAX_PAGE + ", but was " + max);
      }
      List<ConsentEntry> chained = new ArrayList<>(Math.min(max, staged.size()));
      while (chained.size() < max && !staged.isEmpty()) {
        ConsentDraft draft = staged.removeFirst();
        onRollback.accept(() -> staged.addFirst(draft));
        chained.add(append(draft));
      }
      return List.copyOf(chained);
    }

    @Override
    public ConsentHead head() {
      check.run();
      return head;
    }

    @Override
    public List<ConsentEntry> read(long fromSequence, int limit) {
      check.run();
      if (fromSequence < 1) {
        throw new IllegalArgumentException(
            "fromSequence must be at least 1, but was " + fromSequence);
      }
      if (limit < 1 || limit > MAX_PAGE) {
        throw new IllegalArgumentException("limit must be 1 to " + MAX_PAGE + ", but was " + limit);
      }
      List<ConsentEntry> page = new ArrayList<>(Math.min(limit, 64));
      for (ConsentEntry e : rows.tailMap(fromSequence, true).values()) {
        if (page.size() == limit) {
          break;
        }
        page.add(e);
      }
      return List.copyOf(page);
    }

    @Override
    public List<ConsentEntry> findByOrder(OrderId orderId) {
      check.run();
      return List.copyOf(
          byOrder.getOrDefault(Objects.requireNonNull(orderId, "orderId"), List.of()));
    }

    @Override
    public List<ConsentEntry> findBySubject(SubjectId subjectId) {
      check.run();
      return List.copyOf(
          bySubject.getOrDefault(Objects.requireNonNull(subjectId, "subjectId"), List.of()));
    }

    @Override
    public Optional<SubjectKey> subjectKey(SubjectId subjectId) {
      check.run();
      return Optional.ofNullable(keys.get(Objects.requireNonNull(subjectId, "subjectId")));
    }

    @Override
    public SubjectKey subjectKeyOrCreate(SubjectId subjectId, SubjectKey candidate) {
      check.run();
      Objects.requireNonNull(subjectId, "subjectId");
      Objects.requireNonNull(candidate, "candidate");
      SubjectKey existing = keys.get(subjectId);
      if (existing != null) {
        return existing;
      }
      keys.put(subjectId, candidate);
      onRollback.accept(() -> keys.remove(subjectId));
      return candidate;
    }

    @Override
    public boolean eraseSubjectKey(SubjectId subjectId) {
      check.run();
      SubjectKey old = keys.remove(Objects.requireNonNull(subjectId, "subjectId"));
      if (old == null) {
        return false;
      }
      onRollback.accept(() -> keys.put(subjectId, old));
      return true;
    }
  }

  // ---- rows and indexes; the raw operations of InMemoryConsentRows use these too ----------------

  List<ConsentEntry> all() {
    return List.copyOf(rows.values());
  }

  ConsentHead head() {
    return head;
  }

  void setHead(ConsentHead newHead) {
    head = Objects.requireNonNull(newHead, "head");
  }

  /** Stores the row at its sequence, replacing any row there. */
  void put(ConsentEntry entry) {
    Objects.requireNonNull(entry, "entry");
    remove(entry.sequence());
    insert(entry);
  }

  private void insert(ConsentEntry entry) {
    rows.put(entry.sequence(), entry);
    index(byOrder, entry.orderId(), entry);
    index(bySubject, entry.subjectId(), entry);
  }

  /** Removes the row at a sequence, if any. */
  boolean remove(long sequence) {
    ConsentEntry old = rows.remove(sequence);
    if (old == null) {
      return false;
    }
    unindex(byOrder, old.orderId(), old);
    unindex(bySubject, old.subjectId(), old);
    return true;
  }

  private static <K> void index(Map<K, List<ConsentEntry>> index, K key, ConsentEntry entry) {
    List<ConsentEntry> list = index.computeIfAbsent(key, k -> new ArrayList<>());
    // Appends come in ascending order; only raw writes land in the middle.
    int at = list.size();
    while (at > 0 && list.get(at - 1).sequence() > entry.sequence()) {
      at--;
    }
    list.add(at, entry);
  }

  private static <K> void unindex(Map<K, List<ConsentEntry>> index, K key, ConsentEntry entry) {
    List<ConsentEntry> list = index.get(key);
    if (list == null) {
      return;
    }
    for (int i = list.size() - 1; i >= 0; i--) {
      if (list.get(i).sequence() == entry.sequence()) {
        list.remove(i);
        break;
      }
    }
    if (list.isEmpty()) {
      index.remove(key);
    }
  }
}
