// Package store is iordesk's database: SQLite by default, opened through
// gorm with every durability pragma in the DSN, with embedded migrations and
// one file per entity.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/mattn/go-sqlite3"
	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"iordesk/internal/search"
)

// Store holds the database handles. Writes go through one connection,
// group-committed by a single writer goroutine; reads use a separate pool so
// they never wait behind a write.
type Store struct {
	write   *gorm.DB
	read    *gorm.DB
	readDB  *sql.DB // read's pool, for the named queries
	writer  *writer
	now     func() time.Time
	path    string
	dialect dialect
	queries queryBook
	// writes holds the named writes prepared on the writer's connection,
	// once migrations ran.
	writes atomic.Pointer[statements]
}

// Options tune Open; the zero value is right for production.
type Options struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// QueueSize bounds the submissions waiting for the writer; past it
	// Write answers ErrBusy at once (default 1024).
	QueueSize int
	// MaxBatch bounds the operations committed in one transaction (default 256).
	MaxBatch int
	// Logger receives slow-query and error logs; nil means slog.Default().
	Logger *slog.Logger
	// ReadCacheKiB is each SQLite read connection's page cache (default
	// 16 MiB). A command that reads every page once, such as the export,
	// gains nothing from a large one and keeps its memory small.
	ReadCacheKiB int
}

// Open opens (creating if needed) the database named by dsn: a file path for
// SQLite. It does not migrate; call Migrate.
func Open(dsn string, opts Options) (*Store, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	cfg := &gorm.Config{
		SkipDefaultTransaction: true,
		Logger:                 gormLogger(opts.Logger),
		NowFunc:                func() time.Time { return opts.Now().UTC() },
	}
	if IsPostgres(dsn) {
		return openPostgres(dsn, opts, cfg)
	}
	if dir := filepath.Dir(dsn); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("open database: %w", err)
		}
	}
	write, err := gorm.Open(sqlite.New(sqlite.Config{DriverName: driverName, DSN: sqliteDSN(dsn, false, 0)}), cfg)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", dsn, err)
	}
	read, err := gorm.Open(sqlite.New(sqlite.Config{DriverName: driverName, DSN: sqliteDSN(dsn, true, opts.ReadCacheKiB)}), cfg)
	if err != nil {
		closeDB(write)
		return nil, fmt.Errorf("open database %s: %w", dsn, err)
	}
	if err := limitPools(write, read); err != nil {
		closeDB(write)
		closeDB(read)
		return nil, err
	}
	return newStore(write, read, dsn, dialect{}, opts)
}

// newStore completes a Store on its two pools and starts its writer.
func newStore(write, read *gorm.DB, dsn string, d dialect, opts Options) (*Store, error) {
	book, err := loadQueries(d.name())
	if err != nil {
		closeDB(write)
		closeDB(read)
		return nil, err
	}
	readDB, err := read.DB()
	if err != nil {
		closeDB(write)
		closeDB(read)
		return nil, fmt.Errorf("open database: %w", err)
	}
	s := &Store{write: write, read: read, readDB: readDB, now: opts.Now, path: dsn, dialect: d, queries: book}
	s.writer = newWriter(write, d, book, opts.QueueSize, opts.MaxBatch, s.writes.Load)
	return s, nil
}

// prepareStatements prepares the named writes on the writer's connection.
func (s *Store) prepareStatements(ctx context.Context) error {
	writeDB, err := s.write.DB()
	if err != nil {
		return err
	}
	w, err := prepareWrites(ctx, writeDB, s.queries)
	if err != nil {
		return err
	}
	s.writes.Store(&w)
	return nil
}

// driverName is mattn's driver with iordesk_lower() (Go's Unicode
// strings.ToLower, for the case rules both engines share; SQLite's own
// lower() folds ASCII only), iordesk_rank() (the search's relevance, see
// search.RankMatchInfo) and two pragmas the DSN cannot carry:
// statement and savepoint journals in memory (every insert of the intake
// runs inside a savepoint and under a UNIQUE constraint, and with journals
// in temporary files each one paid for file writes), and a checkpoint every
// 10,000 WAL pages instead of 1,000, so hot index pages are copied into the
// database file less often (8% less writer time; the WAL may reach ~40 MB).
const driverName = "sqlite3_iordesk"

func init() {
	sql.Register(driverName, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		if err := c.RegisterFunc("iordesk_lower", strings.ToLower, true); err != nil {
			return err
		}
		if err := c.RegisterFunc("iordesk_rank", search.RankMatchInfo, true); err != nil {
			return err
		}
		_, err := c.Exec("PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = 10000", nil)
		return err
	}})
}

// IsPostgres reports whether a DSN names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// openPostgres opens two pools on one server: the writer's (the group
// commit needs one connection at a time; a second covers migrations and
// backups) and the readers'.
func openPostgres(dsn string, opts Options, cfg *gorm.Config) (*Store, error) {
	write, err := gorm.Open(postgres.Open(dsn), cfg)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	read, err := gorm.Open(postgres.Open(dsn), cfg)
	if err != nil {
		closeDB(write)
		return nil, fmt.Errorf("open database: %w", err)
	}
	w, _ := write.DB()
	w.SetMaxOpenConns(2)
	r, _ := read.DB()
	r.SetMaxOpenConns(16)
	r.SetMaxIdleConns(8)
	return newStore(write, read, dsn, dialect{postgres: true}, opts)
}

// sqliteDSN puts every pragma in the DSN so each pooled connection has them
// (a PRAGMA run through Exec would reach one connection only).
func sqliteDSN(path string, readOnly bool, cacheKiB int) string {
	// A 16 MiB page cache per connection keeps the hot index pages (the
	// random reference index above all) in memory; it grows only with use.
	if cacheKiB <= 0 {
		cacheKiB = 16384
	}
	q := "_journal_mode=WAL&_synchronous=FULL&_busy_timeout=5000&_foreign_keys=1&_txlock=immediate&_cache_size=-" + strconv.Itoa(cacheKiB)
	if readOnly {
		q += "&_query_only=1"
	}
	return "file:" + path + "?" + q
}

func limitPools(write, read *gorm.DB) error {
	w, err := write.DB()
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	// One writer connection: SQLite allows one writer at a time anyway, and
	// the group-commit writer is its only user.
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	r, err := read.DB()
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	r.SetConnMaxIdleTime(5 * time.Minute)
	return nil
}

// Close stops the writer after it has committed everything queued, then
// closes both pools.
func (s *Store) Close() error {
	s.writer.close()
	if w := s.writes.Load(); w != nil {
		w.close()
	}
	return errors.Join(closeDB(s.write), closeDB(s.read))
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	return s.readDB.PingContext(ctx)
}

// Write runs fn in the next group-committed transaction and returns once
// that transaction is durable. An error from fn undoes only fn's own
// changes; the error of a failed commit is returned to every caller in the
// batch. fn runs on the writer goroutine: it must not block or call back
// into the Store.
func (s *Store) Write(ctx context.Context, fn func(tx *Tx) error) error {
	return s.queue(ctx, false, fn)
}

// WriteRelaxed is Write for data the service can lose with the machine
// (never with the process): it returns once committed, without waiting for
// the disk. CAPTCHA challenges are such data — a lost one only asks the
// prospect for a new code — and each form page writes one.
func (s *Store) WriteRelaxed(ctx context.Context, fn func(tx *Tx) error) error {
	return s.queue(ctx, true, fn)
}

func (s *Store) queue(ctx context.Context, relaxed bool, fn func(tx *Tx) error) error {
	return s.writer.do(ctx, relaxed, func(db *gorm.DB) (tallies, error) {
		tx := &Tx{db: db, now: s.now, prepared: s.writes.Load(), dialect: s.dialect, queries: s.queries}
		err := fn(tx)
		if err == nil {
			err = tx.refreshSearch()
		}
		return tx.counted, err
	})
}

// Tx is the view of the database inside one Write.
type Tx struct {
	db       *gorm.DB
	now      func() time.Time
	prepared *statements
	dialect  dialect
	queries  queryBook
	// counted is how the write moves the rollups, written with its batch
	// (see writer.commit).
	counted tallies
	// stale are the enquiries whose search documents the write must
	// rewrite before it ends (see reindex).
	stale map[int64]bool
}

func closeDB(db *gorm.DB) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

func gormLogger(l *slog.Logger) logger.Interface {
	return logger.NewSlogLogger(l, logger.Config{
		SlowThreshold:             500 * time.Millisecond,
		IgnoreRecordNotFoundError: true,
		// Never write enquiry fields into the log.
		ParameterizedQueries: true,
		LogLevel:             logger.Warn,
	})
}
