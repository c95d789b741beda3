package imaptest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"iordesk/internal/testenv"
)

// dovecotBin is Debian's Dovecot (package dovecot-imapd).
const dovecotBin = "/usr/sbin/dovecot"

// Dovecot runs a real Dovecot IMAP server on a loopback port, from a
// configuration of its own in a temporary directory (plain-text login
// without TLS, Maildir storage), until the test ends. Without Dovecot the
// test is skipped, or fails under IORDESK_REQUIRE_ALL=1.
func Dovecot(t testing.TB) *Server {
	t.Helper()
	if _, err := os.Stat(dovecotBin); err != nil {
		testenv.Missing(t, "Dovecot not installed (apt-get install dovecot-imapd)")
	}
	// Not t.TempDir: its parent is private to the test's user, and
	// Dovecot's own users must reach the files.
	dir, err := os.MkdirTemp("", "iordesk-dovecot-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	// Dovecot's own processes run as the user running the test, or as
	// Debian's dovecot and dovenull users when that is root; mail is
	// read and written as the test's user, or as dovecot under root.
	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	internal, login, mailUser := me, me, me
	if os.Geteuid() == 0 {
		if internal, err = user.Lookup("dovecot"); err != nil {
			testenv.Missing(t, "Dovecot's system users are missing (reinstall dovecot-core)")
		}
		if login, err = user.Lookup("dovenull"); err != nil {
			testenv.Missing(t, "Dovecot's system users are missing (reinstall dovecot-core)")
		}
		mailUser = internal
	}
	for _, sub := range []string{"run", "mail"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if os.Geteuid() == 0 {
		uid, _ := strconv.Atoi(mailUser.Uid)
		gid, _ := strconv.Atoi(mailUser.Gid)
		if err := os.Chown(filepath.Join(dir, "mail"), uid, gid); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	port := freePort(t)
	conf := fmt.Sprintf(`base_dir = %[1]s/run
state_dir = %[1]s/run
log_path = %[1]s/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:%[1]s/mail/%%u
first_valid_uid = 1
default_internal_user = %[2]s
default_internal_group = %[3]s
default_login_user = %[4]s
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%%u %[1]s/passwd
}
userdb {
  driver = static
  args = uid=%[5]s gid=%[6]s home=%[1]s/mail/%%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = %[7]d
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
service imap-login {
  chroot =
}
`, dir, internal.Username, groupName(t, internal.Gid), login.Username, mailUser.Uid, mailUser.Gid, port)
	if err := os.WriteFile(filepath.Join(dir, "dovecot.conf"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "passwd"), []byte(User+":{PLAIN}"+Password+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(dovecotBin, "-F", "-c", filepath.Join(dir, "dovecot.conf"))
	out, err := os.Create(filepath.Join(dir, "stdout.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start Dovecot: %v", err)
	}
	t.Cleanup(func() {
		if os.Getenv("IORDESK_DOVECOT_LOG") != "" {
			logs, _ := os.ReadFile(filepath.Join(dir, "dovecot.log"))
			t.Logf("dovecot.log:\n%s", logs)
		}
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
		}
		out.Close()
	})
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			logs, _ := os.ReadFile(filepath.Join(dir, "dovecot.log"))
			early, _ := os.ReadFile(filepath.Join(dir, "stdout.log"))
			t.Fatalf("Dovecot did not listen on %s: %v\n%s\n%s", addr, err, early, logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return &Server{t: t, Addr: addr}
}

func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func groupName(t testing.TB, gid string) string {
	t.Helper()
	g, err := user.LookupGroupId(gid)
	if err != nil {
		t.Fatal(err)
	}
	return g.Name
}
