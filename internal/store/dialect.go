package store

import "context"

// dialect is which engine the store runs on. The SQL that differs between
// them is in queries/{sqlite,postgres}.sql; what remains here is how the
// engines differ in behaviour.
type dialect struct{ postgres bool }

func (d dialect) name() string {
	if d.postgres {
		return "postgres"
	}
	return "sqlite"
}

// rowContext is the context to run a read with. mattn/go-sqlite3 starts a
// goroutine for every row of a query whose context can be cancelled (to
// interrupt it); for short reads, and for exports that check their context
// between batches, SQLite runs without one. PostgreSQL keeps the caller's:
// pgx cancels cheaply, and an abandoned query must stop on the server.
func (d dialect) rowContext(ctx context.Context) context.Context {
	if d.postgres {
		return ctx
	}
	return context.WithoutCancel(ctx)
}
