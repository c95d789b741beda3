package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"iordesk/internal/config"
	"iordesk/internal/store"
)

// rollupsCmd is `iordesk rollups check` (recount every counter of the
// dashboards' rollups from the base tables; exit 1 on any difference) and
// `iordesk rollups rebuild` (rewrite them from the base tables).
func rollupsCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "check" && args[0] != "rebuild") {
		fmt.Fprintln(stderr, "Usage: iordesk rollups check  |  iordesk rollups rebuild")
		return usageError("rollups: want check or rebuild")
	}
	action := args[0]
	return withStore(ctx, "rollups "+action, args[1:], getenv, stderr, nil, func(_ *config.Config, st *store.Store) error {
		began := time.Now()
		if action == "rebuild" {
			if err := st.RebuildRollups(ctx); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "rollups rebuilt from the base tables in %s\n", time.Since(began).Round(time.Millisecond))
			return nil
		}
		diff, err := st.CheckRollups(ctx)
		if err != nil {
			return err
		}
		for i, d := range diff {
			if i == 20 {
				fmt.Fprintf(stdout, "… and %d more\n", len(diff)-20)
				break
			}
			fmt.Fprintln(stdout, d)
		}
		if len(diff) > 0 {
			return errors.New(fmt.Sprint(len(diff), " rollup counters differ from a recount; `iordesk rollups rebuild` rewrites them"))
		}
		fmt.Fprintf(stdout, "rollups match a recount of the base tables (%s)\n", time.Since(began).Round(time.Millisecond))
		return nil
	})
}
