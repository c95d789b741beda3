package store

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"
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
	// ErrComplianceHold: the enquiry's pre-screen holds or blocks it, and
	// the change needs a manager's written reason.
	ErrComplianceHold = errors.New("compliance hold")
	// ErrInvalid: a value the caller should have checked does not parse.
	ErrInvalid = errors.New("invalid value")
)

// classify maps driver errors that mean "try again later" to ErrBusy,
// keeping the cause for the log. It goes by the drivers' error codes,
// never by their message text.
func classify(err error) error {
	if err == nil {
		return nil
	}
	if temporary(err) {
		return &busyError{cause: err}
	}
	return err
}

// temporary reports whether err is the database being unable to take the
// work now: SQLite busy, locked, full or failing to write; PostgreSQL out
// of disk or memory, a serialization failure, a deadlock or a lock it could
// not get.
func temporary(err error) bool {
	var lite sqlite3.Error
	if errors.As(err, &lite) {
		switch lite.Code {
		case sqlite3.ErrBusy, sqlite3.ErrLocked, sqlite3.ErrFull, sqlite3.ErrIoErr:
			return true
		}
		return false
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case "53100", "53200", "40001", "40P01", "55P03":
			return true
		}
	}
	return false
}

// isUniqueViolation reports whether err is a unique key already taken.
func isUniqueViolation(err error) bool {
	var lite sqlite3.Error
	if errors.As(err, &lite) {
		return lite.ExtendedCode == sqlite3.ErrConstraintUnique || lite.ExtendedCode == sqlite3.ErrConstraintPrimaryKey
	}
	var pg *pgconn.PgError
	return errors.As(err, &pg) && pg.Code == "23505"
}

type busyError struct{ cause error }

func (e *busyError) Error() string        { return "database busy: " + e.cause.Error() }
func (e *busyError) Unwrap() []error      { return []error{ErrBusy, e.cause} }
func (e *busyError) Is(target error) bool { return target == ErrBusy }
