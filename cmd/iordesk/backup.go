package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"
)

// backup is `iordesk backup -o FILE`: a consistent online copy of the
// SQLite database, taken while the server keeps working.
func backup(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var out string
	cfg, err := loadConfig("backup", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "o", "", "the new backup file (must not exist)")
	})
	if err != nil || cfg == nil {
		return err
	}
	if out == "" {
		return usageError("backup needs -o FILE")
	}
	if strings.HasPrefix(cfg.DB, "postgres") {
		return errors.New("backup: for PostgreSQL use pg_dump")
	}
	st, err := openStore(ctx, *cfg, newLogger(*cfg, stderr))
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	if err := st.Backup(ctx, out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup written to %s in %s\n", out, time.Since(start).Round(time.Millisecond))
	return nil
}
