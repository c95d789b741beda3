package store

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// Both dialects name the same statements (SQLite's backup aside), and every
// name the Go code runs is in the files.
func TestEveryQueryIsNamedInBothDialects(t *testing.T) {
	lite, err := loadQueries("sqlite")
	if err != nil {
		t.Fatal(err)
	}
	pg, err := loadQueries("postgres")
	if err != nil {
		t.Fatal(err)
	}
	for name := range lite.text {
		if _, ok := pg.text[name]; !ok && !sqliteOnly[name] {
			t.Errorf("%s is in sqlite.sql but not in postgres.sql", name)
		}
	}
	for name := range pg.text {
		if _, ok := lite.text[name]; !ok {
			t.Errorf("%s is in postgres.sql but not in sqlite.sql", name)
		}
	}
	// Names the code runs: the first string argument of the helpers; and
	// every string literal, to find the names never run.
	use := regexp.MustCompile(`(?:\.exec|\.query|\.queryRow|\.execRows|\.scanRows|\.counts|\.sql|\.scrub|\.anonymise|\.user|\.statement)\([^\n]*?"([a-z-]+)"`)
	literal := regexp.MustCompile(`"([a-z][a-z-]+)"`)
	var literals []string
	files, _ := filepath.Glob("*.go")
	var used []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range use.FindAllStringSubmatch(string(src), -1) {
			used = append(used, m[1])
		}
		for _, m := range literal.FindAllStringSubmatch(string(src), -1) {
			literals = append(literals, m[1])
		}
	}
	if len(used) < 40 {
		t.Fatalf("found only %d query names in the code: the pattern has gone stale", len(used))
	}
	for _, name := range used {
		if _, ok := lite.text[name]; !ok {
			t.Errorf("the code runs %q, which sqlite.sql does not name", name)
		}
	}
	for name := range lite.text {
		if !slices.Contains(literals, name) {
			t.Errorf("%s is named but never run", name)
		}
	}
}

// The engines agree on case beyond ASCII: the same rows for a search, an
// account lookup and an erasure by email, whatever the case typed.
func TestCaseRulesAgreeOnBothEngines(t *testing.T) {
	results := map[string][]string{}
	backends(t, time.Now, func(t *testing.T, s *Store) {
		ctx := context.Background()
		for i, p := range []struct{ name, company, email string }{
			{"Jörg Müller", "Müller GmbH", "Jörg.Müller@Example.de"},
			{"JÖRG MÜLLER", "MÜLLER AG", "jörg.müller@example.de"},
			{"Łukasz Żółw", "Żółw Sp. z o.o.", "lukasz@example.pl"},
			{"Ada Lovelace", "Engines Ltd", "ADA@EXAMPLE.COM"},
		} {
			e := sampleEnquiry("ENQ-CASE000" + string(rune('1'+i)))
			e.FullName, e.Company, e.Email = p.name, p.company, p.email
			if err := s.Write(ctx, func(tx *Tx) error { return tx.InsertEnquiry(e, []string{"DE"}) }); err != nil {
				t.Fatal(err)
			}
		}
		engine := "sqlite"
		if s.dialect.postgres {
			engine = "postgres"
		}
		var got []string
		for _, q := range []string{"müller", "MÜLLER", "żółw", "ŻÓŁW", "ada@example.com", "Engines"} {
			rows, _, err := s.ListEnquiries(ctx, Filter{Query: q})
			if err != nil {
				t.Fatal(err)
			}
			var refs []string
			for _, r := range rows {
				refs = append(refs, r.Reference)
			}
			slices.Sort(refs)
			got = append(got, q+"="+strings.Join(refs, ","))
		}
		u := &User{Email: "Öl.Händler@Example.com", Name: "Öl", Role: RoleAgent, PasswordHash: "x"}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if found, err := s.UserByEmail(ctx, "öl.händler@EXAMPLE.COM"); err != nil || found.ID != u.ID {
			t.Errorf("%s: account by email in another case: %v %v", engine, found, err)
		}
		if err := s.CreateUser(ctx, &User{Email: "ÖL.HÄNDLER@example.com", Name: "Twin", Role: RoleAgent, PasswordHash: "x"}); err == nil {
			t.Errorf("%s: a second account for the same address in another case", engine)
		}
		n, err := s.ErasePerson(ctx, "JÖRG.MÜLLER@EXAMPLE.DE", Actor{Name: "test"})
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, "erased="+string(rune('0'+n)))
		results[engine] = got
	})
	want := []string{"müller=ENQ-CASE0001,ENQ-CASE0002", "MÜLLER=ENQ-CASE0001,ENQ-CASE0002", "żółw=ENQ-CASE0003",
		"ŻÓŁW=ENQ-CASE0003", "ada@example.com=ENQ-CASE0004", "Engines=ENQ-CASE0004", "erased=2"}
	for engine, got := range results {
		if !slices.Equal(got, want) {
			t.Errorf("%s:\n got %v\nwant %v", engine, got, want)
		}
	}
}
