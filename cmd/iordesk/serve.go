package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"iordesk/internal/config"
	"iordesk/internal/server"
	"iordesk/internal/store"
)

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := loadConfig("serve", args, getenv, stderr)
	if err != nil || cfg == nil {
		return err
	}
	log := newLogger(*cfg, stderr)
	for _, w := range cfg.Warnings() {
		log.Warn(w)
	}
	st, err := openStore(ctx, *cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	return server.Run(ctx, *cfg, st, log, server.RunOptions{})
}

// openStore opens the database and applies pending migrations.
// withStore is the frame of the commands that work on the database: the
// command's configuration and flags (extra adds its own), the store opened
// and migrated, fn, the store closed. --help runs nothing.
func withStore(ctx context.Context, name string, args []string, getenv func(string) string, stderr io.Writer,
	extra func(*flag.FlagSet), fn func(cfg *config.Config, st *store.Store) error) error {
	var flags []func(*flag.FlagSet)
	if extra != nil {
		flags = append(flags, extra)
	}
	cfg, err := loadConfig(name, args, getenv, stderr, flags...)
	if err != nil || cfg == nil {
		return err
	}
	st, err := openStore(ctx, *cfg, newLogger(*cfg, stderr))
	if err != nil {
		return err
	}
	defer st.Close()
	return fn(cfg, st)
}

func openStore(ctx context.Context, cfg config.Config, log *slog.Logger) (*store.Store, error) {
	return openStoreWith(ctx, cfg, store.Options{Logger: log})
}

// openStoreWith is openStore with the store's options.
func openStoreWith(ctx context.Context, cfg config.Config, opts store.Options) (*store.Store, error) {
	log := opts.Logger
	st, err := store.Open(cfg.DB, opts)
	if err != nil {
		return nil, err
	}
	applied, err := st.Migrate(ctx)
	if err != nil {
		st.Close()
		return nil, err
	}
	for _, name := range applied {
		log.Info("migration applied", "name", name)
	}
	return st, nil
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

func migrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := loadConfig("migrate", args, getenv, stderr)
	if err != nil || cfg == nil {
		return err
	}
	st, err := store.Open(cfg.DB, store.Options{Logger: newLogger(*cfg, stderr)})
	if err != nil {
		return err
	}
	defer st.Close()
	applied, err := st.Migrate(ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintln(stdout, "database is up to date")
	}
	for _, name := range applied {
		fmt.Fprintln(stdout, "applied", name)
	}
	return nil
}

// loadConfig reads a command's settings; nil without error means --help
// was printed and the command has nothing more to do.
func loadConfig(name string, args []string, getenv func(string) string, stderr io.Writer, extra ...func(*flag.FlagSet)) (*config.Config, error) {
	cfg, _, err := config.Load(name, args, getenv, stderr, extra...)
	if errors.Is(err, flag.ErrHelp) {
		return nil, nil
	}
	if err != nil {
		return nil, usageError(err.Error())
	}
	return &cfg, nil
}
