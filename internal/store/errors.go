package store

import (
	"errors"
	"strings"
)

// Errors the store returns for the web layer to map to a status code.
var (
	// ErrNotFound: no row matches.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the row changed since it was read, or a unique key is taken.
	ErrConflict = errors.New("conflict")
	// ErrBusy: the database cannot take the write now (queue full, locked
	// past the busy timeout, disk full); the caller should retry later.
	ErrBusy = errors.New("database busy")
	// ErrClosed: the store is shutting down.
	ErrClosed = errors.New("store closed")
)

// classify maps driver errors that mean "try again later" to ErrBusy,
// keeping the cause for the log.
func classify(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	for _, s := range []string{"database is locked", "database table is locked", "disk is full", "disk I/O error", "SQLITE_BUSY", "SQLITE_FULL"} {
		if strings.Contains(msg, s) {
			return &busyError{cause: err}
		}
	}
	return err
}

type busyError struct{ cause error }

func (e *busyError) Error() string        { return "database busy: " + e.cause.Error() }
func (e *busyError) Unwrap() []error      { return []error{ErrBusy, e.cause} }
func (e *busyError) Is(target error) bool { return target == ErrBusy }
