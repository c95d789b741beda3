package server

import "testing"

func TestRedactDSN(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://desk:s3cret@db:5432/iordesk?sslmode=require": "postgres://desk:xxxxx@db:5432/iordesk?sslmode=require",
		"postgres://db/iordesk":                                  "postgres://db/iordesk",
		"data/iordesk.db":                                        "data/iordesk.db",
	} {
		if got := redactDSN(in); got != want {
			t.Errorf("redactDSN(%q) = %q, want %q", in, got, want)
		}
	}
}
