package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"math"
	"sort"
	"strconv"
	"strings"

	"gorm.io/gorm"
)

//go:embed migrations
var migrationFS embed.FS

// migration is one numbered SQL file, applied once and recorded in
// schema_migrations.
type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations(dialect string) ([]migration, error) {
	dir := "migrations/" + dialect
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var out []migration
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, _, ok := strings.Cut(name, "_")
		version, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number and '_'", name)
		}
		body, err := fs.ReadFile(migrationFS, dir+"/"+name)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: version, name: name, sql: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// Migrate applies every pending migration, each in its own transaction
// together with its schema_migrations row. It returns the names applied.
func (s *Store) Migrate(ctx context.Context) ([]string, error) {
	return s.migrateUpTo(ctx, math.MaxInt)
}

// migrateUpTo applies the pending migrations numbered up to last (tests
// build older schemas with it).
func (s *Store) migrateUpTo(ctx context.Context, last int) ([]string, error) {
	all, err := loadMigrations(s.dialect.name())
	if err != nil {
		return nil, err
	}
	db := s.write.WithContext(ctx)
	timestamp := "DATETIME"
	if s.dialect.postgres {
		timestamp = "TIMESTAMPTZ"
	}
	if err := db.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at ` + timestamp + ` NOT NULL)`).Error; err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	done, err := appliedVersions(db)
	if err != nil {
		return nil, err
	}
	var applied []string
	for _, m := range all {
		if done[m.version] || m.version > last {
			continue
		}
		if len(applied) == 0 && !s.dialect.postgres {
			// A migration may rewrite a whole table; its statement journal
			// goes to a file rather than memory (where the writer keeps it
			// for the intake's small statements): migration 0007 peaked at
			// ~380 MB on a million enquiries with it in memory, 54 MB in a
			// file.
			if err := db.Exec("PRAGMA temp_store = FILE").Error; err != nil {
				return nil, fmt.Errorf("migrate: %w", err)
			}
			defer db.Exec("PRAGMA temp_store = MEMORY")
		}
		err := db.Transaction(func(tx *gorm.DB) error {
			if err := tx.Exec(m.sql).Error; err != nil {
				return err
			}
			if after := afterMigration[m.version]; after != nil {
				if err := after(tx, s.queries); err != nil {
					return err
				}
			}
			return tx.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
				m.version, m.name, s.now().UTC()).Error
		})
		if err != nil {
			return applied, fmt.Errorf("migrate %s: %w", m.name, err)
		}
		applied = append(applied, m.name)
	}
	// The statements name the newest tables and columns: they are prepared
	// only once the schema is whole.
	if s.writes.Load() == nil && last == math.MaxInt {
		if err := s.prepareStatements(ctx); err != nil {
			return applied, err
		}
	}
	return applied, nil
}

// afterMigration are the steps written in Go that complete a migration, in
// its transaction: 0030 builds the rollups of an existing book, 0026 its
// search documents. The rollups are built once, by the last migration that
// changes what they count: their recount reads the newest columns (the
// language of 0028), which the migrations before it (0021 to 0024, whose
// files still say they rebuild) cannot see; every book reaches 0030.
var afterMigration = map[int]func(db *gorm.DB, q queryBook) error{
	26: rebuildSearch,
	30: rebuildRollups,
}

// PendingMigrations counts the migrations not yet applied (readiness).
func (s *Store) PendingMigrations(ctx context.Context) (int, error) {
	all, err := loadMigrations(s.dialect.name())
	if err != nil {
		return 0, err
	}
	done, err := appliedVersions(s.read.WithContext(ctx))
	if err != nil {
		return 0, err
	}
	pending := 0
	for _, m := range all {
		if !done[m.version] {
			pending++
		}
	}
	return pending, nil
}

func appliedVersions(db *gorm.DB) (map[int]bool, error) {
	if !db.Migrator().HasTable("schema_migrations") {
		return map[int]bool{}, nil
	}
	var versions []int
	if err := db.Raw("SELECT version FROM schema_migrations").Scan(&versions).Error; err != nil {
		return nil, fmt.Errorf("read applied migrations: %w", err)
	}
	done := make(map[int]bool, len(versions))
	for _, v := range versions {
		done[v] = true
	}
	return done, nil
}
