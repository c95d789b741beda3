package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"iordesk/internal/config"
	"iordesk/internal/demo"
	"iordesk/internal/staff"
	"iordesk/internal/store"
)

// userCmd is `iordesk user add --email E --name N --role R`: the password
// comes from standard input when it is piped, else it is generated and
// printed once.
func userCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprintln(stderr, "Usage: iordesk user add --email E --name N --role agent|manager|admin  (password from stdin, or generated)")
		return usageError("user: want the action add")
	}
	var email, name, role string
	cfg, err := loadConfig("user add", args[1:], getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "login email")
		fs.StringVar(&name, "name", "", "name shown to colleagues")
		fs.StringVar(&role, "role", store.RoleAgent, "agent, manager or admin")
	})
	if err != nil || cfg == nil {
		return err
	}
	password, err := pipedPassword(os.Stdin)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, *cfg, newLogger(*cfg, stderr))
	if err != nil {
		return err
	}
	defer st.Close()
	u, generated, err := staff.NewAccount(ctx, st, email, name, role, password)
	if err != nil {
		return usageError("user add: " + err.Error())
	}
	fmt.Fprintf(stdout, "created %s account %s (%s)\n", u.Role, u.Email, u.Name)
	if generated != "" {
		fmt.Fprintf(stdout, "password (shown once): %s\n", generated)
	}
	return nil
}

// pipedPassword reads one line from stdin when it is a pipe or a file; a
// terminal (or nothing) means "generate one".
func pipedPassword(in *os.File) (string, error) {
	info, err := in.Stat()
	if err != nil || info.Mode()&os.ModeCharDevice != 0 {
		return "", nil
	}
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// ensureAdmin creates the first admin account when there is none, and
// prints its email and password once to the log. The email is
// IORDESK_ADMIN_EMAIL; without it, admin@localhost only when the public URL
// is on this machine, else a random address nobody can guess (an attacker
// who knows the login cannot even start guessing the password).
func ensureAdmin(ctx context.Context, st *store.Store, cfg config.Config, log *slog.Logger) error {
	n, err := st.CountUsers(ctx)
	if err != nil || n > 0 {
		return err
	}
	email := cfg.AdminEmail
	if email == "" {
		email = "admin@localhost"
		if u, err := url.Parse(cfg.BaseURL); err == nil && !isLocalHost(u.Hostname()) {
			email = "admin-" + strings.ToLower(rand.Text()[:10]) + "@" + u.Hostname()
		}
	}
	u, password, err := staff.NewAccount(ctx, st, email, "Administrator", store.RoleAdmin, "")
	if err != nil {
		return fmt.Errorf("create the first admin: %w", err)
	}
	log.Warn("created the first admin account: log in at /staff/login and change this password (shown once)",
		"email", u.Email, "password", password)
	return nil
}

// isLocalHost reports whether a host name is this machine.
func isLocalHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// demoData is `iordesk demo-data --count N`.
func demoData(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var count int
	cfg, err := loadConfig("demo-data", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.IntVar(&count, "count", 1000, "how many enquiries to add")
	})
	if err != nil || cfg == nil {
		return err
	}
	if count < 1 || count > 10_000_000 {
		return usageError("--count must be between 1 and 10,000,000")
	}
	st, err := openStore(ctx, *cfg, newLogger(*cfg, stderr))
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	last := time.Now()
	err = demo.Generate(ctx, st, count, time.Now(), uint64(time.Now().UnixNano()), func(done int) {
		if time.Since(last) > 2*time.Second || done == count {
			fmt.Fprintf(stderr, "\r%d / %d enquiries", done, count)
			last = time.Now()
		}
	})
	fmt.Fprintln(stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "added %d demo enquiries in %s\n", count, time.Since(start).Round(time.Millisecond))
	return nil
}
