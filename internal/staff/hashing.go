package staff

import (
	"context"
	"errors"
	"net/http"
	"runtime"
	"time"

	"github.com/labstack/echo/v4"
)

// hashSlots bounds the password hashes computed at once. Each argon2id hash
// holds 19 MiB while it runs, so a flood of logins would otherwise grow the
// process by that much per request in flight; with the slots, memory stays
// flat and the flood waits (or is told to come back) instead.
type hashSlots struct {
	slots chan struct{}
	wait  time.Duration
}

// errHashBusy: every slot stayed taken for the wait.
var errHashBusy = errors.New("too many password checks at once")

// newHashSlots allows one hash per CPU, at most four (76 MiB), each request
// waiting up to wait for a slot.
func newHashSlots(wait time.Duration) *hashSlots {
	return &hashSlots{slots: make(chan struct{}, min(max(runtime.GOMAXPROCS(0), 1), 4)), wait: wait}
}

// do runs fn in a slot, or returns errHashBusy after the wait.
func (s *hashSlots) do(ctx context.Context, fn func()) error {
	t := time.NewTimer(s.wait)
	defer t.Stop()
	select {
	case s.slots <- struct{}{}:
	case <-t.C:
		return errHashBusy
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.slots }()
	fn()
	return nil
}

// busy is the answer when no slot was free: brief, and cheap to send.
func busy(c echo.Context) error {
	c.Response().Header().Set("Retry-After", "2")
	return echo.NewHTTPError(http.StatusServiceUnavailable, "Many people are logging in right now. Please try again in a few seconds.")
}
