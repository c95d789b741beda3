package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	_ "github.com/mattn/go-sqlite3"
)

// result is one measured run.
type result struct {
	iterations int
	requests   int
	elapsed    time.Duration
	latencies  []time.Duration // per iteration
	errors     map[string]int
}

func (r *result) rate() float64 { return float64(r.iterations) / r.elapsed.Seconds() }

func (r *result) quantile(q float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	return r.latencies[int(q*float64(len(r.latencies)-1))]
}

func (r *result) print(label string) {
	fmt.Printf("\n%s\n  %.0f iterations/s (%d in %.1fs, %d HTTP requests)\n  latency per iteration: p50 %s  p90 %s  p99 %s\n",
		label, r.rate(), r.iterations, r.elapsed.Seconds(), r.requests,
		r.quantile(.50).Round(10*time.Microsecond), r.quantile(.90).Round(10*time.Microsecond), r.quantile(.99).Round(10*time.Microsecond))
	if len(r.errors) == 0 {
		fmt.Println("  errors: none")
		return
	}
	var kinds []string
	for k, n := range r.errors {
		kinds = append(kinds, fmt.Sprintf("%s ×%d", k, n))
	}
	sort.Strings(kinds)
	fmt.Println("  errors:", strings.Join(kinds, "; "))
}

// measure runs the scenario against base: warm-up, then the measured
// period, both bounded in time.
func measure(ctx context.Context, o options, sc scenario, kind, base, dbPath string) (*result, error) {
	db, err := sql.Open("sqlite3", "file:"+dbPath+"?_busy_timeout=5000")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	transport := &http.Transport{MaxIdleConnsPerHost: o.concurrency, MaxConnsPerHost: o.concurrency}
	defer transport.CloseIdleConnections()
	cl := &client{
		http: &http.Client{Transport: transport, Timeout: 30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		base: base, db: db, kind: kind,
	}
	if sc.prepare != nil {
		// Enough for 12,000 posts/s, far above what two cores reach; more
		// would only bloat the challenge table beyond any real server's.
		n := int((o.duration + o.warmup).Seconds() * 12000)
		if err := sc.prepare(ctx, cl, n); err != nil {
			return nil, fmt.Errorf("prepare: %w", err)
		}
	}
	if o.warmup > 0 {
		load(ctx, o.concurrency, o.warmup, sc, cl)
	}
	res := load(ctx, o.concurrency, o.duration, sc, cl)
	return res, nil
}

// load runs concurrency workers for d and merges what they saw.
func load(ctx context.Context, concurrency int, d time.Duration, sc scenario, cl *client) *result {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var mu sync.Mutex
	res := &result{errors: map[string]int{}}
	var wg sync.WaitGroup
	start := time.Now()
	for range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl := &client{http: cl.http, base: cl.base, db: cl.db, answers: cl.answers, kind: cl.kind} // own page buffer
			var lat []time.Duration
			iters, reqs := 0, 0
			errs := map[string]int{}
			for ctx.Err() == nil {
				t0 := time.Now()
				n, err := sc.iteration(ctx, cl)
				reqs += n
				if errors.Is(err, errChallengesExhausted) {
					errs[err.Error()]++
					break
				}
				if err != nil {
					if ctx.Err() == nil {
						errs[errorKind(err)]++
					}
					continue
				}
				lat = append(lat, time.Since(t0))
				iters++
			}
			mu.Lock()
			res.iterations += iters
			res.requests += reqs
			res.latencies = append(res.latencies, lat...)
			for k, v := range errs {
				res.errors[k] += v
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	sort.Slice(res.latencies, func(i, j int) bool { return res.latencies[i] < res.latencies[j] })
	return res
}

func errorKind(err error) string {
	s := err.Error()
	if i := strings.Index(s, "127.0.0.1"); i >= 0 {
		return "connection: " + s[strings.LastIndex(s, ":")+1:]
	}
	return s
}
