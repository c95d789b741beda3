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
	queue    chan *writeOp
	maxBatch int

	mu     sync.RWMutex // guards closed against a send on a closed queue
	closed bool
	done   chan struct{}
}

type writeOp struct {
	fn     func(*gorm.DB) error
	result chan error // buffered: the writer never waits for a caller
}

func newWriter(db *gorm.DB, queueSize, maxBatch int) *writer {
	if queueSize <= 0 {
		queueSize = 1024
	}
	if maxBatch <= 0 {
		maxBatch = 256
	}
	w := &writer{db: db, queue: make(chan *writeOp, queueSize), maxBatch: maxBatch, done: make(chan struct{})}
	go w.run()
	return w
}

// do queues fn and waits for its batch. A full queue answers ErrBusy at
// once: back-pressure is cheaper than a growing backlog. Once queued, fn
// runs even if ctx ends, so an answer never races a half-known outcome.
func (w *writer) do(ctx context.Context, fn func(*gorm.DB) error) error {
	op := &writeOp{fn: fn, result: make(chan error, 1)}
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
// savepoint so one failing operation does not undo its neighbours.
func (w *writer) commit(batch []*writeOp) {
	results := make([]error, len(batch))
	err := w.db.Transaction(func(tx *gorm.DB) error {
		for i, op := range batch {
			if err := tx.Exec("SAVEPOINT op").Error; err != nil {
				return err
			}
			if results[i] = runOp(op.fn, tx); results[i] != nil {
				if err := tx.Exec("ROLLBACK TO op").Error; err != nil {
					return err
				}
			}
			if err := tx.Exec("RELEASE op").Error; err != nil {
				return err
			}
		}
		return nil
	})
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
func runOp(fn func(*gorm.DB) error, tx *gorm.DB) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("write operation panicked: %v", r)
		}
	}()
	return classify(fn(tx))
}
