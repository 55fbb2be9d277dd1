-- tinycheckout deliveries, SQLite 3.35+: partial indexes, so the dispatcher's hot statements
-- touch the unfinished rows only. Never edit an applied migration; add V4.
-- CREATE INDEX takes the write lock while it builds: apply it while the shop is quiet if the
-- table is large.

-- The claim walks due rows in (available_at, seq_no) order and stops at its limit; done and dead
-- rows, most of the table, are not in this index at all.
CREATE INDEX tc_delivery_unfinished ON tc_delivery (available_at, seq_no)
  WHERE status IN ('pending', 'claimed');

-- Pruning walks done rows by done_at; the dead-letter list walks dead rows by dead_at.
CREATE INDEX tc_delivery_done ON tc_delivery (done_at, seq_no) WHERE status = 'done';
CREATE INDEX tc_delivery_dead ON tc_delivery (dead_at, seq_no) WHERE status = 'dead';

-- The ordering-key rule looks for an earlier unfinished row of the same hook and key only.
CREATE INDEX tc_delivery_ordering_unfinished ON tc_delivery (hook, ordering_key, seq_no)
  WHERE ordering_key IS NOT NULL AND status IN ('pending', 'claimed');

-- Replaced by the indexes above; fewer entries to write on every claim and completion.
DROP INDEX tc_delivery_due;
DROP INDEX tc_delivery_ordering;
