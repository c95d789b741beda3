package store

import (
	"context"
	"fmt"
	"sync"

	"gorm.io/gorm"
)

// writer is the group commit: every write of the process queues here, and
// one goroutine commits whatever has arrived as a single transaction, so
// many concurrent submissions share one fsync. Each caller is answered only
// after its batch is durable.
type writer struct {
	db       *gorm.DB
	dialect  dialect
	queries  queryBook
	prepared func() *statements
	queue    chan *writeOp
	maxBatch int

	mu     sync.RWMutex // guards closed against a send on a closed queue
	closed bool
	done   chan struct{}

	// relaxed is whether the connection's last commit skipped the fsync
	// (SQLite's synchronous setting outlives a transaction).
	relaxed bool
}

type writeOp struct {
	// fn is the write; it returns how it moves the rollups, which the
	// batch adds up and writes once before it commits.
	fn      func(*gorm.DB) (tallies, error)
	result  chan error // buffered: the writer never waits for a caller
	relaxed bool       // may be lost with the machine (see Store.WriteRelaxed)
}

func newWriter(db *gorm.DB, d dialect, queries queryBook, queueSize, maxBatch int, prepared func() *statements) *writer {
	if queueSize <= 0 {
		queueSize = 1024
	}
	if maxBatch <= 0 {
		maxBatch = 256
	}
	w := &writer{db: db, dialect: d, queries: queries, prepared: prepared, queue: make(chan *writeOp, queueSize), maxBatch: maxBatch, done: make(chan struct{})}
	go w.run()
	return w
}

// do queues fn and waits for its batch. A full queue answers ErrBusy at
// once: back-pressure is cheaper than a growing backlog. Once queued, fn
// runs even if ctx ends, so an answer never races a half-known outcome.
func (w *writer) do(ctx context.Context, relaxed bool, fn func(*gorm.DB) (tallies, error)) error {
	op := &writeOp{fn: fn, result: make(chan error, 1), relaxed: relaxed}
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return ErrClosed
	}
	select {
	case w.queue <- op:
	default:
		w.mu.RUnlock()
		return ErrBusy
	}
	w.mu.RUnlock()
	select {
	case err := <-op.result:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// close stops taking writes and returns after the queued ones committed.
func (w *writer) close() {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.queue)
	}
	w.mu.Unlock()
	<-w.done
}

func (w *writer) run() {
	defer close(w.done)
	batch := make([]*writeOp, 0, w.maxBatch)
	for first := range w.queue {
		batch = append(batch[:0], first)
	fill:
		for len(batch) < w.maxBatch {
			select {
			case op, ok := <-w.queue:
				if !ok {
					break fill
				}
				batch = append(batch, op)
			default:
				break fill
			}
		}
		w.commit(batch)
	}
}

// commit runs the batch in one transaction, each operation inside its own
// savepoint so one failing operation does not undo its neighbours. A batch
// of one needs no savepoint: its failure rolls back the transaction. The
// rollups the successful operations move are added up and written last,
// once per counter: the enquiries of one day share their counters, so a
// batch of intakes writes a dozen rows rather than a dozen each.
func (w *writer) commit(batch []*writeOp) {
	results := make([]error, len(batch))
	d := w.dialect
	exec := func(tx *gorm.DB, name string) error {
		_, err := (&Tx{db: tx, prepared: w.prepared(), queries: w.queries}).exec(name)
		return err
	}
	relaxed := true
	for _, op := range batch {
		relaxed = relaxed && op.relaxed
	}
	if err := w.setRelaxed(d, relaxed); err != nil {
		for _, op := range batch {
			op.result <- classify(err)
		}
		return
	}
	err := w.db.Transaction(func(tx *gorm.DB) error {
		if relaxed && d.postgres {
			if err := tx.Exec("SET LOCAL synchronous_commit TO OFF").Error; err != nil {
				return err
			}
		}
		counted := tallies{}
		flush := func() error {
			return (&Tx{db: tx, prepared: w.prepared(), queries: w.queries, dialect: w.dialect}).addRollups(counted)
		}
		if len(batch) == 1 {
			var moved tallies
			if moved, results[0] = runOp(batch[0].fn, tx); results[0] != nil {
				return results[0]
			}
			counted.merge(moved)
			results[0] = flush()
			return results[0]
		}
		for i, op := range batch {
			if err := exec(tx, "savepoint"); err != nil {
				return err
			}
			moved, err := runOp(op.fn, tx)
			if results[i] = err; err != nil {
				if err := exec(tx, "rollback-to-savepoint"); err != nil {
					return err
				}
			} else {
				counted.merge(moved)
			}
			if err := exec(tx, "release-savepoint"); err != nil {
				return err
			}
		}
		return flush()
	})
	if len(batch) == 1 && results[0] != nil {
		batch[0].result <- results[0]
		return
	}
	for i, op := range batch {
		if err != nil {
			op.result <- classify(err)
		} else {
			op.result <- results[i]
		}
	}
}

// runOp turns a panic in one operation into its error, so the writer
// goroutine, which every request depends on, survives it.
func runOp(fn func(*gorm.DB) (tallies, error), tx *gorm.DB) (moved tallies, err error) {
	defer func() {
		if r := recover(); r != nil {
			moved, err = nil, fmt.Errorf("write operation panicked: %v", r)
		}
	}()
	moved, err = fn(tx)
	return moved, classify(err)
}

// setRelaxed switches SQLite's commit between waiting for the disk (FULL)
// and not (NORMAL: in WAL mode a process crash loses nothing, a power cut
// may lose the last commits). A batch is relaxed only when every write in
// it may be lost; the next durable commit's fsync carries the relaxed ones
// to disk with it. PostgreSQL's equivalent is set inside the transaction.
func (w *writer) setRelaxed(d dialect, relaxed bool) error {
	if d.postgres || relaxed == w.relaxed {
		return nil
	}
	mode := "FULL"
	if relaxed {
		mode = "NORMAL"
	}
	if err := w.db.Exec("PRAGMA synchronous = " + mode).Error; err != nil {
		return err
	}
	w.relaxed = relaxed
	return nil
}
