// Package pgtest starts a throwaway PostgreSQL server for tests, from the
// machine's binaries (/usr/lib/postgresql/15/bin, or IORDESK_PG_BIN), in a
// temporary directory, on a unix socket and a free port. It skips the
// calling test where the binaries are absent, unless IORDESK_REQUIRE_ALL=1
// makes that a failure.
package pgtest

import (
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"iordesk/internal/testenv"

	_ "github.com/jackc/pgx/v5/stdlib" // the pgx driver for database/sql
)

// A PostgreSQL server for the tests, started from the machine's binaries
// in a temporary directory (as the postgres user when the tests run as
// root, since initdb refuses root), on a unix socket and a free port.
var pg pgServer

type pgServer struct {
	once    sync.Once
	dir     string
	host    string
	port    int
	user    string
	err     error
	dbs     atomic.Int64
	skipMsg string
}

func pgBin() string {
	if dir := os.Getenv("IORDESK_PG_BIN"); dir != "" {
		return dir
	}
	return "/usr/lib/postgresql/15/bin"
}

// DSN gives a fresh, empty database on the test server.
func DSN(t testing.TB) string {
	t.Helper()
	pg.once.Do(startPostgres)
	if pg.skipMsg != "" {
		testenv.Missing(t, "PostgreSQL: "+pg.skipMsg)
	}
	if pg.err != nil {
		t.Fatal(pg.err)
	}
	name := fmt.Sprintf("iordesk_test_%d", pg.dbs.Add(1))
	admin, err := sql.Open("pgx", pg.dsn("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	return pg.dsn(name)
}

func (p *pgServer) dsn(db string) string {
	return fmt.Sprintf("postgres://%s@/%s?host=%s&port=%d&sslmode=disable", p.user, db, p.host, p.port)
}

func startPostgres() {
	initdb := filepath.Join(pgBin(), "initdb")
	if _, err := os.Stat(initdb); err != nil {
		pg.skipMsg = "PostgreSQL binaries not found in " + pgBin() + " (apt-get install postgresql-15, or set IORDESK_PG_BIN)"
		return
	}
	dir, err := os.MkdirTemp("", "iordesk-pg-")
	if err != nil {
		pg.err = err
		return
	}
	pg.dir, pg.host = dir, dir
	run := func(args ...string) error {
		cmd := exec.Command(args[0], args[1:]...)
		if os.Geteuid() == 0 {
			cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--"}, args...)...)
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("%v: %v\n%s", args, err, out)
		}
		return nil
	}
	pg.user = "postgres"
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			pg.skipMsg = "running as root without a postgres user to run initdb"
			return
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			pg.err = err
			return
		}
	} else if u, err := user.Current(); err == nil {
		pg.user = u.Username
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		pg.err = err
		return
	}
	pg.port = ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	data := filepath.Join(dir, "data")
	// A UTF-8 locale, as production should have: lower() and ILIKE then
	// fold case beyond ASCII, as iordesk_lower() does on SQLite.
	if err := run(initdb, "-D", data, "-A", "trust", "-U", pg.user, "--no-sync", "--encoding=UTF8", "--locale=C.UTF-8"); err != nil {
		pg.err = err
		return
	}
	opts := fmt.Sprintf("-k %s -p %d -c listen_addresses='' -c fsync=off -c full_page_writes=off", dir, pg.port)
	if err := run(filepath.Join(pgBin(), "pg_ctl"), "-D", data, "-o", opts, "-l", filepath.Join(dir, "log"), "-w", "-t", "30", "start"); err != nil {
		pg.err = err
	}
}

// Stop ends the server (call it from TestMain after m.Run).
func Stop() {
	if pg.dir == "" || pg.skipMsg != "" {
		return
	}
	cmd := exec.Command(filepath.Join(pgBin(), "pg_ctl"), "-D", filepath.Join(pg.dir, "data"), "-m", "immediate", "stop")
	if os.Geteuid() == 0 {
		cmd = exec.Command("runuser", "-u", "postgres", "--", cmd.Path, "-D", filepath.Join(pg.dir, "data"), "-m", "immediate", "stop")
	}
	cmd.Run()
	os.RemoveAll(pg.dir)
}
