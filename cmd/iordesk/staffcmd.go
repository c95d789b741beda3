package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"iordesk/internal/demo"
	"iordesk/internal/staff"
	"iordesk/internal/store"
)

// userCmd is `iordesk user add --email E --name N --role R`, `user
// reset-password --email E` and `user list`: a password comes from
// standard input when it is piped, else it is generated, printed once, and
// must be changed at the next login.
func userCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 && (args[0] == "reset-password" || args[0] == "list") {
		return userAdmin(ctx, args, getenv, stdout, stderr)
	}
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprintln(stderr, "Usage: iordesk user add --email E --name N --role agent|manager|admin  (password from stdin, or generated)\n"+
			"       iordesk user reset-password --email E  (password from stdin, or generated)\n       iordesk user list")
		return usageError("user: want add, reset-password or list")
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

// userAdmin is `user reset-password` and `user list`.
func userAdmin(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var email string
	cfg, err := loadConfig("user "+args[0], args[1:], getenv, stderr, func(fs *flag.FlagSet) {
		if args[0] == "reset-password" {
			fs.StringVar(&email, "email", "", "the account's login email")
		}
	})
	if err != nil || cfg == nil {
		return err
	}
	password := ""
	if args[0] == "reset-password" {
		if password, err = pipedPassword(os.Stdin); err != nil {
			return err
		}
	}
	st, err := openStore(ctx, *cfg, newLogger(*cfg, stderr))
	if err != nil {
		return err
	}
	defer st.Close()
	if args[0] == "list" {
		users, err := st.Users(ctx)
		if err != nil {
			return err
		}
		for _, u := range users {
			state := "active"
			if u.Disabled {
				state = "disabled"
			}
			fmt.Fprintf(stdout, "%d\t%s\t%s\t%s\t%s\n", u.ID, u.Email, u.Name, u.Role, state)
		}
		return nil
	}
	generated, err := staff.ResetPassword(ctx, st, email, password)
	if err != nil {
		return usageError("user reset-password: " + err.Error())
	}
	if err := st.Audit(ctx, store.AuditEntry{Actor: "iordesk user reset-password (command line)", Action: store.AuditAccountChange,
		Detail: email + ": password reset, sessions ended"}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "password of %s reset; every session of the account ended\n", email)
	if generated != "" {
		fmt.Fprintf(stdout, "password (shown once; to be changed at the next login): %s\n", generated)
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
