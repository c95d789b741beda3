// Command load measures iordesk against its baselines on loopback, as
// the speed bars of docs/DESIGN.md ask: each figure is a ratio against a baseline
// measured in the same run on the same machine.
//
//	go run ./bench/load -scenario intake -duration 20s -concurrency 16
//	go run ./bench/load -scenario visit  -duration 20s -concurrency 16
//	go run ./bench/load -scenario dashboard -enquiries 1000000   (or -book FILE)
//	go run ./bench/load -scenario export -book FILE
//	go run ./bench/load -scenario startup -book FILE
//	go run ./bench/load -scenario uploads -concurrency 10
//
// Without -target it starts each server itself (a child process of this
// tool, on a temporary database, on 127.0.0.1) and stops it afterwards.
// With -target http://127.0.0.1:PORT -db FILE it loads a running instance
// and reads CAPTCHA answers from FILE. It only ever talks to loopback, and
// every run is bounded by -duration.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"time"
)

func main() {
	// LOAD_CLIENT_CPUPROFILE profiles this tool itself (the clients),
	// whose CPU the servers it measures share.
	if path := os.Getenv("LOAD_CLIENT_CPUPROFILE"); path != "" && !slices.Contains(os.Args, "-serve") {
		if f, err := os.Create(path); err == nil {
			pprof.StartCPUProfile(f)
			defer pprof.StopCPUProfile()
		}
	}
	if err := run(); err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

// options are the tool's flags.
type options struct {
	scenario    string
	duration    time.Duration
	warmup      time.Duration
	concurrency int
	target      string
	db          string
	serve       string // internal: run a server (child mode)
	addr        string
	book        string
	enquiries   int
	xlsx        bool
	views       string // dashboard: only the views whose names start so
}

func run() error {
	var o options
	flag.StringVar(&o.scenario, "scenario", "intake", "intake (valid posts; intake-narrow: the same against a narrow-row baseline), visit (form page + CAPTCHA image + valid post), dashboard, export or startup (on a book of enquiries), uploads (posts with 25 MB of files at once)")
	flag.BoolVar(&o.xlsx, "xlsx", false, "export: also time the XLSX export and its peak memory (about 40 s for a million rows)")
	flag.StringVar(&o.views, "views", "", "dashboard: only the views whose names start with this (\"search\", \"list\", \"overview\"…)")
	flag.StringVar(&o.book, "book", "", "dashboard/export/startup: an existing database to use (else one of -enquiries demo enquiries is made)")
	flag.BoolVar(&oneCompany, "one-company", false, "intake/visit: every post from one company and mail domain, so each links possible duplicates (the worst case)")
	flag.IntVar(&o.enquiries, "enquiries", 100000, "dashboard/export/startup: how many demo enquiries to generate")
	flag.DurationVar(&o.duration, "duration", 20*time.Second, "measured time per server")
	flag.DurationVar(&o.warmup, "warmup", 2*time.Second, "unmeasured load before each measurement")
	flag.IntVar(&o.concurrency, "concurrency", 16, "concurrent clients")
	flag.StringVar(&o.target, "target", "", "load a running iordesk at this loopback URL instead of starting servers")
	flag.StringVar(&o.db, "db", "", "with -target: the SQLite file of that iordesk, to read CAPTCHA answers")
	flag.StringVar(&o.serve, "serve", "", "internal: serve iordesk, iordesk-default-captcha or bare-create")
	flag.StringVar(&o.addr, "addr", "", "internal: listen address of -serve")
	flag.Parse()
	if o.serve != "" {
		return serveChild(o.serve, o.addr, o.db)
	}
	if o.scenario == "uploads" {
		if o.concurrency < 1 || o.concurrency > 64 {
			return errors.New("uploads: -concurrency must be in [1, 64]")
		}
		fmt.Printf("scenario uploads: %d posts with files at once; %d CPUs\n", o.concurrency, numCPU())
		return uploadScenario(o)
	}
	if fn, ok := bookScenarios[o.scenario]; ok {
		fmt.Printf("scenario %s on %d CPUs\n", o.scenario, numCPU())
		return runBook(o, fn)
	}
	if o.duration <= 0 || o.duration > 10*time.Minute || o.concurrency < 1 || o.concurrency > 512 {
		return errors.New("-duration must be in (0, 10m] and -concurrency in [1, 512]")
	}
	sc, ok := scenarios[o.scenario]
	if !ok {
		return fmt.Errorf("unknown scenario %q", o.scenario)
	}
	fmt.Printf("scenario %s: %d clients, %s measured after %s warm-up; %d CPUs\n", o.scenario, o.concurrency, o.duration, o.warmup, numCPU())
	if o.target != "" {
		if err := loopbackOnly(o.target); err != nil {
			return err
		}
		if o.db == "" {
			return errors.New("-target needs -db to read CAPTCHA answers")
		}
		res, err := measure(context.Background(), o, sc, "iordesk", o.target, o.db)
		if err != nil {
			return err
		}
		res.print("iordesk (target)")
		return nil
	}
	sink, err := startMailSink()
	if err != nil {
		return err
	}
	defer sink.close()
	base, err := runServer(o, sc, sc.baseline, sink.URL)
	if err != nil {
		return fmt.Errorf("baseline: %w", err)
	}
	base.print("baseline: " + sc.baselineLabel)
	// iordesk serve delivering its mail to an SMTP server on loopback and,
	// for the intake, also with its mail waiting (no server to take it).
	runs := []struct{ label, smtp string }{{"iordesk serve, mail delivered", sink.URL}}
	if sc.mailOff {
		runs = append(runs, struct{ label, smtp string }{"iordesk serve, mail waiting", mailOff})
	}
	for _, r := range runs {
		before := sink.delivered.Load()
		ours, err := runServer(o, sc, "iordesk", r.smtp)
		if err != nil {
			return fmt.Errorf("iordesk: %w", err)
		}
		ours.print(r.label)
		if r.smtp == sink.URL {
			fmt.Printf("  mail delivered meanwhile: %d messages\n", sink.delivered.Load()-before)
		}
		ratio := ours.rate() / base.rate()
		verdict := "met"
		if ratio < sc.target {
			verdict = "NOT met"
		}
		fmt.Printf("  bar: %s ≥ %.1f× baseline; measured %.2f× (%s)\n", sc.unit, sc.target, ratio, verdict)
	}
	return nil
}

// runServer starts one server as a child process on a fresh database,
// measures it and stops it.
func runServer(o options, sc scenario, kind, smtpURL string) (*result, error) {
	dir, err := os.MkdirTemp("", "iordesk-load-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	db := filepath.Join(dir, "load.db")
	child, base, err := startChild(kind, db, smtpURL)
	if err != nil {
		return nil, err
	}
	defer child.stop()
	return measure(context.Background(), o, sc, kind, base, db)
}

func loopbackOnly(target string) error {
	u, err := url.Parse(target)
	if err != nil {
		return err
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("-target %s: only loopback addresses may be loaded", target)
}
