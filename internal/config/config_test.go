package config

import (
	"errors"
	"flag"
	"io"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestPrecedenceFlagThenEnvThenDefault(t *testing.T) {
	c, _, err := Load("serve", nil, env(nil), io.Discard)
	if err != nil || c.Addr != ":8080" || c.DB != "data/iordesk.db" || c.MailFrom != "iordesk@localhost" {
		t.Fatalf("defaults: %+v %v", c, err)
	}
	e := env(map[string]string{"IORDESK_ADDR": "127.0.0.1:9000", "IORDESK_DB": "/tmp/x.db"})
	c, _, _ = Load("serve", nil, e, io.Discard)
	if c.Addr != "127.0.0.1:9000" || c.DB != "/tmp/x.db" {
		t.Fatalf("env: %+v", c)
	}
	c, _, _ = Load("serve", []string{"--addr", ":7000"}, e, io.Discard)
	if c.Addr != ":7000" || c.DB != "/tmp/x.db" {
		t.Fatalf("flag over env: %+v", c)
	}
}

func TestInvalidSettingsAreRefused(t *testing.T) {
	for _, m := range []map[string]string{
		{"IORDESK_BASE_URL": "ftp://x"},
		{"IORDESK_TRUSTED_PROXIES": "10.0.0.0/99"},
		{"IORDESK_CORS_ORIGINS": "not a url"},
		{"IORDESK_LOG_FORMAT": "xml"},
		{"IORDESK_TIMEZONE": "Mars/Olympus_Mons"},
		{"IORDESK_TIMEZONE": "Local"},
	} {
		if _, _, err := Load("serve", nil, env(m), io.Discard); err == nil {
			t.Errorf("%v accepted", m)
		}
	}
	if c, _, err := Load("serve", nil, env(map[string]string{"IORDESK_TIMEZONE": "Asia/Dubai"}), io.Discard); err != nil || c.Location.String() != "Asia/Dubai" {
		t.Fatalf("time zone: %v %v", c.Location, err)
	}
	if c, _, _ := Load("serve", nil, env(nil), io.Discard); c.Location != time.UTC {
		t.Fatalf("default time zone %v", c.Location)
	}
	c, _, err := Load("serve", nil, env(map[string]string{"IORDESK_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.7"}), io.Discard)
	if err != nil || len(c.TrustedProxies) != 2 || c.TrustedProxies[1].String() != "192.0.2.7/32" {
		t.Fatalf("proxies: %v %v", c.TrustedProxies, err)
	}
}

func TestHelpNamesTheVariables(t *testing.T) {
	var out strings.Builder
	_, _, err := Load("serve", []string{"--help"}, env(nil), &out)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("err = %v", err)
	}
	for _, v := range []string{"IORDESK_ADDR", "IORDESK_DB", "IORDESK_BASE_URL", "IORDESK_SMTP_URL", "IORDESK_MAIL_FROM", "IORDESK_DESK_EMAIL", "IORDESK_TRUSTED_PROXIES"} {
		if !strings.Contains(out.String(), v) {
			t.Errorf("--help does not name %s", v)
		}
	}
}

func TestBaseURLFollowsTheListenAddress(t *testing.T) {
	for addr, want := range map[string]string{
		":8080": "http://localhost:8080", ":9000": "http://localhost:9000",
		"127.0.0.1:7001": "http://127.0.0.1:7001", "[::1]:7002": "http://[::1]:7002", "0.0.0.0:7003": "http://localhost:7003",
	} {
		c, _, err := Load("serve", []string{"--addr", addr}, env(nil), io.Discard)
		if err != nil || c.BaseURL != want || len(c.Warnings()) != 0 {
			t.Errorf("addr %s: base URL %q, warnings %q, err %v; want %s", addr, c.BaseURL, c.Warnings(), err, want)
		}
	}
	c, _, err := Load("serve", []string{"--addr", ":9000"}, env(map[string]string{"IORDESK_BASE_URL": "http://localhost:8080/"}), io.Discard)
	if err != nil || c.BaseURL != "http://localhost:8080" {
		t.Fatalf("explicit base URL: %q %v", c.BaseURL, err)
	}
	if w := c.Warnings(); len(w) != 1 || !strings.Contains(w[0], "listens on :9000") {
		t.Fatalf("a local base URL on another port should warn: %q", w)
	}
	c, _, _ = Load("serve", []string{"--addr", ":9000", "--base-url", "https://ior.example.com"}, env(nil), io.Discard)
	if w := c.Warnings(); len(w) != 0 {
		t.Fatalf("a public base URL behind a proxy is normal: %q", w)
	}
}
