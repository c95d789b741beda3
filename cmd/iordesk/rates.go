package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"iordesk/internal/config"
	"iordesk/internal/report"
	"iordesk/internal/store"
)

// ratesCmd is `iordesk rates import FILE`: the European Central Bank's
// daily reference rates (eurofxref-daily.xml) kept for the reports'
// pipeline value; `iordesk rates list` prints the rates kept.
func ratesCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "import" && args[0] != "list") || (args[0] == "import" && (len(args) < 2 || args[1] == "" || args[1][0] == '-')) {
		fmt.Fprintln(stderr, "Usage: iordesk rates import FILE  |  iordesk rates list")
		return usageError("rates: want import FILE or list")
	}
	action, rest := args[0], args[1:]
	file := ""
	if action == "import" {
		file, rest = args[1], args[2:]
	}
	return withStore(ctx, "rates "+action, rest, getenv, stderr, nil, func(_ *config.Config, st *store.Store) error {
		if action == "list" {
			rates, err := st.ExchangeRates(ctx)
			if err != nil {
				return err
			}
			for _, r := range rates {
				fmt.Fprintf(stdout, "%s\t%g\t%s\t%s\n", r.Currency, r.PerEUR, r.RateDate, r.Source)
			}
			return nil
		}
		f, err := os.Open(file)
		if err != nil {
			return err
		}
		defer f.Close()
		rates, err := report.ECBRates(f)
		if err != nil {
			return fmt.Errorf("%s: %w; nothing imported", file, err)
		}
		if err := st.SetExchangeRates(ctx, rates, store.Actor{Name: "iordesk rates import"}, ""); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%d rates per euro for %s imported from %s\n", len(rates), rates[0].RateDate, file)
		return nil
	})
}
