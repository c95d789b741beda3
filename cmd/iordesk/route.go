package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"iordesk/internal/catalog"
	"iordesk/internal/config"
	"iordesk/internal/staff"
	"iordesk/internal/store"
)

const routeUsage = `Usage:
  iordesk route add --match CODE --email ADDRESS   route desk mail for a country or region
  iordesk route list                               list the rules
  iordesk route remove --id N                      remove a rule

CODE is an ISO 3166-1 alpha-2 country (DE) or a region: %s.
An enquiry's desk notification goes once to every address whose rule matches
any of its destinations; to IORDESK_DESK_EMAIL when none does.
`

// route manages the desk-mail routing rules.
func route(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	usage := fmt.Sprintf(routeUsage, strings.Join(catalog.RegionCodes(), ", "))
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		return nil
	}
	action, args := args[0], args[1:]
	var match, email string
	var id int64
	return withStore(ctx, "route "+action, args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&match, "match", "", "country code (DE) or region (EU)")
		fs.StringVar(&email, "email", "", "desk address")
		fs.Int64Var(&id, "id", 0, "rule id (from route list)")
	}, func(cfg *config.Config, st *store.Store) error {
		return routeAction(ctx, cfg, st, action, match, email, id, usage, stdout, stderr)
	})
}

// routeAction runs one route action on the open store.
func routeAction(ctx context.Context, cfg *config.Config, st *store.Store, action, match, email string, id int64, usage string, stdout, stderr io.Writer) error {
	switch action {
	case "add":
		code, ok := staff.RouteMatch(catalog.New(), match)
		if !ok {
			return usageError(fmt.Sprintf("--match %q is neither a country code nor a region (%s)", match, strings.Join(catalog.RegionCodes(), ", ")))
		}
		email = strings.TrimSpace(email)
		if !staff.PlainAddress(email) {
			return usageError(fmt.Sprintf("--email %q is not a plain email address", email))
		}
		r, err := st.AddRoutingRule(ctx, code, email)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "added rule %d: %s → %s\n", r.ID, r.Match, r.Email)
	case "list":
		rules, err := st.RoutingRules(ctx)
		if err != nil {
			return err
		}
		if len(rules) == 0 {
			fmt.Fprintf(stdout, "no rules: all desk mail goes to %s\n", cfg.DeskEmail)
			return nil
		}
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tMATCH\tEMAIL")
		for _, r := range rules {
			fmt.Fprintf(w, "%d\t%s\t%s\n", r.ID, r.Match, r.Email)
		}
		return w.Flush()
	case "remove":
		if id <= 0 {
			return usageError("route remove needs --id N (see route list)")
		}
		if err := st.RemoveRoutingRule(ctx, id); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "removed rule %d\n", id)
	default:
		fmt.Fprint(stderr, usage)
		return usageError(fmt.Sprintf("unknown route action %q", action))
	}
	return nil
}
