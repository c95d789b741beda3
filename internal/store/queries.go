package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"strconv"
	"strings"
)

// Data access, one idiom per kind of query (docs/DESIGN.md, "Storage"):
// gorm for the models' simple reads and writes by key and for migration
// bookkeeping; every statement written by hand — joins, aggregates,
// upserts, RETURNING, anything that differs between the engines or runs on
// a hot path — in queries/{common,sqlite,postgres}.sql under a name, loaded
// once and run through database/sql. Writes are prepared once on the
// writer's connection (the intake's path); reads are prepared by the driver
// for each call, as database/sql does: a statement kept prepared on a read
// connection made a million-row export on it 40% slower.

//go:embed queries/*.sql
var queryFiles embed.FS

// sqliteOnly names the statements that exist for SQLite alone.
var sqliteOnly = map[string]bool{"backup-into": true}

// queryBook is one dialect's statements by name, with PostgreSQL's
// placeholders already numbered.
type queryBook struct {
	text map[string]string
	// fragments are the parts of statements (headed "-- fragment:"),
	// which are completed into others and never prepared alone.
	fragments map[string]bool
	postgres  bool
}

// loadQueries reads queries/common.sql and queries/DIALECT.sql: blocks
// headed "-- name: NAME" or "-- fragment: NAME", their comment lines
// dropped. A name may stand once in all.
func loadQueries(dialectName string) (queryBook, error) {
	book := queryBook{text: map[string]string{}, fragments: map[string]bool{}, postgres: dialectName == "postgres"}
	for _, file := range []string{"common", dialectName} {
		if err := book.load(file); err != nil {
			return queryBook{}, err
		}
	}
	return book, nil
}

// load adds the blocks of queries/FILE.sql.
func (book queryBook) load(file string) error {
	raw, err := queryFiles.ReadFile("queries/" + file + ".sql")
	if err != nil {
		return fmt.Errorf("read queries: %w", err)
	}
	name := ""
	var body strings.Builder
	flush := func() error {
		if name == "" {
			return nil
		}
		q := strings.TrimSuffix(strings.TrimSpace(body.String()), ";")
		if q == "" {
			return fmt.Errorf("queries/%s.sql: %s is empty", file, name)
		}
		if _, dup := book.text[name]; dup {
			return fmt.Errorf("queries/%s.sql: %s is named twice", file, name)
		}
		book.text[name] = q
		body.Reset()
		return nil
	}
	for _, line := range strings.Split(string(raw), "\n") {
		trimmed := strings.TrimSpace(line)
		n, statement := strings.CutPrefix(trimmed, "-- name:")
		f, fragment := strings.CutPrefix(trimmed, "-- fragment:")
		if statement || fragment {
			if err := flush(); err != nil {
				return err
			}
			name = strings.TrimSpace(n)
			if fragment {
				name = strings.TrimSpace(f)
				book.fragments[name] = true
			}
			continue
		}
		if strings.HasPrefix(trimmed, "--") || name == "" {
			continue
		}
		body.WriteString(line)
		body.WriteByte('\n')
	}
	return flush()
}

// sql is the statement named, completed with the markers' values, its
// placeholders numbered for PostgreSQL. An unknown name is a programming
// error (TestEveryQueryIsNamedInBothDialects keeps the files complete).
func (b queryBook) sql(name string, markers ...string) string {
	q, ok := b.text[name]
	if !ok {
		panic("store: no query named " + name)
	}
	if len(markers) > 0 {
		q = strings.NewReplacer(markers...).Replace(q)
	}
	return b.rebind(q)
}

// rebind numbers ? placeholders as PostgreSQL's $1, $2, … (the files hold
// no ? inside string literals).
func (b queryBook) rebind(q string) string {
	if !b.postgres {
		return q
	}
	var out strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			out.WriteString("$" + strconv.Itoa(n))
			continue
		}
		out.WriteRune(r)
	}
	return out.String()
}

// valuesRows is the {rows} marker of a multi-row insert: n groups of
// width placeholders.
// inList is n placeholders for an IN (…) list.
func inList(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

func valuesRows(n, width int) string {
	group := "(" + strings.TrimSuffix(strings.Repeat("?, ", width), ", ") + ")"
	return strings.TrimSuffix(strings.Repeat(group+", ", n), ", ")
}

// Multi-row inserts the intake prepares for every row count it uses.
const (
	maxDestinationRows = 20
	destinationWidth   = 3
	mailWidth          = 5
)

func destinationsKey(n int) string { return "insert-destinations/" + strconv.Itoa(n) }
func mailKey(n int) string         { return "insert-mail/" + strconv.Itoa(n) }

// statements are the book's writes prepared on the writer's connection, by
// name (multi-row inserts by name/rows).
type statements map[string]*sql.Stmt

// prepareWrites prepares every static statement (no {marker}) of the book
// that is not a read, and the multi-row inserts for each row count, on db.
// The tables must exist: it runs after migrations.
func prepareWrites(ctx context.Context, db *sql.DB, b queryBook) (statements, error) {
	st := statements{}
	add := func(key, q string) error {
		p, err := db.PrepareContext(ctx, q)
		if err != nil {
			st.close()
			return fmt.Errorf("prepare %s: %w", key, err)
		}
		st[key] = p
		return nil
	}
	for name, q := range b.text {
		if b.fragments[name] || strings.Contains(q, "{") || strings.HasPrefix(q, "SELECT") && !readsInWrites[name] {
			continue
		}
		if err := add(name, b.rebind(q)); err != nil {
			return nil, err
		}
	}
	for n := 1; n <= maxDestinationRows; n++ {
		if err := add(destinationsKey(n), b.sql("insert-destinations", "{rows}", valuesRows(n, destinationWidth))); err != nil {
			return nil, err
		}
	}
	for n := 1; n <= 2; n++ {
		if err := add(mailKey(n), b.sql("insert-mail", "{rows}", valuesRows(n, mailWidth))); err != nil {
			return nil, err
		}
		if err := add(matchKeysKey(n), b.sql("insert-match-keys", "{rows}", valuesRows(n, matchKeyWidth))); err != nil {
			return nil, err
		}
	}
	for n := 1; n <= rollupChunk; n++ {
		if err := add(rollupsKey(n), b.sql("add-rollups", "{rows}", valuesRows(n, rollupWidth))); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// readsInWrites are the reads the intake's write runs (on the writer's
// connection): prepared once like the writes.
var readsInWrites = map[string]bool{"match-candidates": true}

// matchKeyWidth is the columns of a match key row.
const matchKeyWidth = 3

func matchKeysKey(n int) string { return "insert-match-keys/" + strconv.Itoa(n) }

func (st statements) close() {
	for _, p := range st {
		p.Close()
	}
}

// query runs a named read on the read pool.
func (s *Store) query(ctx context.Context, name string, args ...any) (*sql.Rows, error) {
	return s.readDB.QueryContext(ctx, s.queries.sql(name), args...)
}

// queryRow runs a named read of one row on the read pool.
func (s *Store) queryRow(ctx context.Context, name string, args ...any) *sql.Row {
	return s.readDB.QueryRowContext(ctx, s.queries.sql(name), args...)
}

// queryText runs a read completed in Go (a {marker} statement) on the
// read pool.
func (s *Store) queryText(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return s.readDB.QueryContext(ctx, q, args...)
}

// stmt is the named statement bound to the write's transaction; a read,
// or any statement before migrations ran (nothing prepared yet), is
// prepared for this transaction only (text is called only then, so the
// intake's path builds no strings).
func (tx *Tx) stmt(key string, text func() string) (*sql.Stmt, error) {
	sqlTx, ok := tx.db.Statement.ConnPool.(*sql.Tx)
	if !ok {
		return nil, fmt.Errorf("statement %s outside a transaction", key)
	}
	ctx := tx.db.Statement.Context
	if tx.prepared != nil {
		if st, ok := (*tx.prepared)[key]; ok {
			return sqlTx.StmtContext(ctx, st), nil
		}
	}
	return sqlTx.PrepareContext(ctx, text())
}

// named is the text of a named statement, when it must be prepared.
func (tx *Tx) named(name string) func() string { return func() string { return tx.queries.sql(name) } }

// exec runs a named statement in the transaction.
func (tx *Tx) exec(name string, args ...any) (sql.Result, error) {
	st, err := tx.stmt(name, tx.named(name))
	if err != nil {
		return nil, err
	}
	return st.Exec(args...)
}

// queryRow runs a named statement returning one row in the transaction.
func (tx *Tx) queryRow(name string, args ...any) (*sql.Row, error) {
	st, err := tx.stmt(name, tx.named(name))
	if err != nil {
		return nil, err
	}
	return st.QueryRow(args...), nil
}

// query runs a named statement returning rows in the transaction.
func (tx *Tx) query(name string, args ...any) (*sql.Rows, error) {
	st, err := tx.stmt(name, tx.named(name))
	if err != nil {
		return nil, err
	}
	return st.Query(args...)
}

// execRows runs a multi-row insert of n rows in the transaction.
func (tx *Tx) execRows(name string, key string, n, width int, args ...any) (sql.Result, error) {
	st, err := tx.stmt(key, func() string { return tx.queries.sql(name, "{rows}", valuesRows(n, width)) })
	if err != nil {
		return nil, err
	}
	return st.Exec(args...)
}

// rowsAffected is how many rows a statement changed.
func rowsAffected(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
