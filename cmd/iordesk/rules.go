package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"iordesk/internal/catalog"
	"iordesk/internal/compliance"
	"iordesk/internal/config"
	"iordesk/internal/report"
	"iordesk/internal/store"
)

// rulesCmd is `iordesk rules export [-o FILE]` and `iordesk rules import
// --file FILE`: the compliance rules in force as CSV, for review in a
// spreadsheet, and back.
func rulesCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "export" && args[0] != "import") {
		fmt.Fprintln(stderr, "Usage: iordesk rules export [-o FILE]  |  iordesk rules import --file FILE")
		return usageError("rules: want export or import")
	}
	action := args[0]
	var file string
	return withStore(ctx, "rules "+action, args[1:], getenv, stderr, func(fs *flag.FlagSet) {
		if action == "export" {
			fs.StringVar(&file, "o", "", "output file (default: standard output)")
		} else {
			fs.StringVar(&file, "file", "", "the CSV to import (as written by rules export)")
		}
	}, func(_ *config.Config, st *store.Store) error {
		book, err := compliance.Open(ctx, st)
		if err != nil {
			return err
		}
		if action == "export" {
			return exportRules(book, file, stdout)
		}
		if file == "" {
			return usageError("rules import: name the CSV with --file")
		}
		return importRules(ctx, st, book, file, stdout)
	})
}

func exportRules(book *compliance.Book, file string, stdout io.Writer) error {
	var rows [][]string
	for _, r := range book.Rules().All() {
		rows = append(rows, compliance.ExchangeRow(r))
	}
	return toOutput(file, stdout, func(w io.Writer) error { return report.WriteTable(w, compliance.ExchangeHeader, rows) })
}

// importRules checks every row first: one bad row and nothing is saved.
func importRules(ctx context.Context, st *store.Store, book *compliance.Book, path string, stdout io.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	rd := csv.NewReader(f)
	rd.FieldsPerRecord = len(compliance.ExchangeHeader)
	records, err := rd.ReadAll()
	if err != nil {
		return usageError(fmt.Sprintf("rules import: %s is not the rules CSV: %v", path, err))
	}
	if len(records) == 0 || !slices.Equal(records[0], compliance.ExchangeHeader) {
		return usageError("rules import: the first row must be the header of `iordesk rules export`")
	}
	cat := catalog.New()
	isCountry := func(code string) bool { _, ok := cat.Country(code); return ok }
	isCategory := func(code string) bool { return catalog.HasChoice(catalog.ProductCategories, code) }
	var rules []*compliance.Rule
	var problems []error
	for i, rec := range records[1:] {
		for j := range rec {
			rec[j] = report.RestoreCell(rec[j])
		}
		r, err := compliance.ParseExchangeRow(rec, isCountry, isCategory, time.Now())
		if err != nil {
			problems = append(problems, fmt.Errorf("row %d: %w", i+2, err))
			continue
		}
		rules = append(rules, r)
	}
	if err := errors.Join(problems...); err != nil {
		return usageError("rules import: nothing saved:\n" + err.Error())
	}
	n, err := book.Import(ctx, rules, func(r, before *compliance.Rule) {
		detail := "imported " + r.ID + ": " + r.Describe()
		if before != nil {
			detail = "imported " + r.ID + ": before " + before.Describe() + "; after " + r.Describe()
		}
		st.Audit(ctx, store.AuditEntry{Actor: "iordesk rules import (command line)", Action: store.AuditRuleChange, Detail: detail})
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "rules: %d added, %d changed (each a new version), %d unchanged\n", n.Added, n.Changed, n.Unchanged)
	return nil
}
