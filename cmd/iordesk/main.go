// Command iordesk is the enquiry intake and CRM-lite of an Importer-of-Record
// desk: one binary with the web server and the operator's commands.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "iordesk:", err)
		os.Exit(exitCode(err))
	}
}

const usage = `Usage: iordesk [command] [flags]

Commands:
  serve      run the web server until SIGINT/SIGTERM (the default)
  migrate    apply pending database migrations
  route      manage desk-mail routing rules (add, list, remove)
  user       staff accounts: user add --email E --name N --role agent|manager|admin, user reset-password --email E, user list
  demo-data  insert realistic fake enquiries: demo-data --count N
  backup     a consistent copy of the live SQLite database: backup -o FILE
  export     the dashboard's export: export --format csv|xlsx [--country XX] [--status S] [--from DATE] [--to DATE] [-o FILE]
  rules      the compliance rules in force as CSV: rules export [-o FILE], rules import --file FILE
  rollups    the dashboards' counters: rollups check (recount, exit 1 on a difference), rollups rebuild
  rates      exchange rates for the reports: rates import FILE (the ECB's eurofxref-daily.xml), rates list

Run "iordesk COMMAND --help" for the flags of a command;
"iordesk serve --help" also lists the environment variables.
`

// run picks the subcommand; main only supplies the process's context,
// arguments, environment and output streams, so tests can call it whole.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
		// "iordesk --help" asks about iordesk, not about serve's flags.
		cmd, args = "help", nil
	} else if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, getenv, stdout, stderr)
	case "migrate":
		return migrate(ctx, args, getenv, stdout, stderr)
	case "route":
		return route(ctx, args, getenv, stdout, stderr)
	case "user":
		return userCmd(ctx, args, getenv, stdout, stderr)
	case "demo-data":
		return demoData(ctx, args, getenv, stdout, stderr)
	case "export":
		return export(ctx, args, getenv, stdout, stderr)
	case "backup":
		return backup(ctx, args, getenv, stdout, stderr)
	case "rules":
		return rulesCmd(ctx, args, getenv, stdout, stderr)
	case "rollups":
		return rollupsCmd(ctx, args, getenv, stdout, stderr)
	case "rates":
		return ratesCmd(ctx, args, getenv, stdout, stderr)
	case "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return usageError(fmt.Sprintf("unknown command %q", cmd))
}

// usageError is a mistake in the command line (exit status 2).
type usageError string

func (e usageError) Error() string { return string(e) }

func exitCode(err error) int {
	if _, ok := err.(usageError); ok {
		return 2
	}
	return 1
}
