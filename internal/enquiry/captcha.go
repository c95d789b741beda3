package enquiry

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"image/png"
	"io"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/dchest/captcha"

	"iordesk/internal/store"
)

// Captcha issues, draws and checks challenges kept in the database. It uses
// the library only to draw and to pick digits, never its global store, so
// nothing about a challenge lives in this process's memory.
type Captcha struct {
	store *store.Store
	now   func() time.Time
	// TTL is how long a challenge may be answered.
	TTL time.Duration
	// Slots bounds the images drawn at once (one per CPU by default), so a
	// flood of image requests from many addresses queues here briefly and
	// then gets 503, while every other page keeps its share of the CPU.
	Slots chan struct{}
	// Encoder writes the PNG. Ours compresses at BestSpeed and reuses its
	// buffers: ~1.8 KB per image for a tenth of the default level's encoding
	// CPU (BenchmarkCaptchaImage). The load tool puts the library's default
	// here to measure the baseline.
	Encoder *png.Encoder
}

// Image and challenge sizes.
const (
	captchaDigits = 6
	ImageWidth    = 240
	ImageHeight   = 80
)

// refusal is why a CAPTCHA answer was refused: the catalogues' message
// shown beside the security code is captcha.REFUSAL.
type refusal string

func (r refusal) id() string { return "captcha." + string(r) }

// The refusals.
const (
	errCaptchaMissing refusal = "missing"
	errCaptchaUnknown refusal = "unknown"
	errCaptchaExpired refusal = "expired"
	errCaptchaWrong   refusal = "wrong"
)

// NewCaptcha builds the CAPTCHA glue on the store.
func NewCaptcha(s *store.Store, now func() time.Time) *Captcha {
	return &Captcha{store: s, now: now, TTL: 10 * time.Minute, Slots: make(chan struct{}, runtime.NumCPU()),
		Encoder: &png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: &encoderPool{}}}
}

// issue stores a new challenge inside tx and returns its id.
func (c *Captcha) issue(tx *store.Tx) (string, error) {
	digits := captcha.RandomDigits(captchaDigits)
	ascii := make([]byte, len(digits))
	for i, d := range digits {
		ascii[i] = '0' + d
	}
	id := rand.Text()
	err := tx.CreateChallenge(store.Challenge{ID: id, Digits: string(ascii), ExpiresAt: c.now().Add(c.TTL)})
	return id, err
}

// Issue stores a new challenge in its own write, which need not wait for
// the disk: a challenge lost with the machine only costs a new code.
func (c *Captcha) Issue(ctx context.Context) (string, error) {
	var id string
	err := c.store.WriteRelaxed(ctx, func(tx *store.Tx) (err error) {
		id, err = c.issue(tx)
		return err
	})
	return id, err
}

// check consumes the challenge, right answer or wrong, and says why an
// answer fails ("" when it does not). A database error is returned as is,
// for a 5xx.
func (c *Captcha) check(tx *store.Tx, id, solution string) (refusal, error) {
	if id == "" {
		return errCaptchaUnknown, nil
	}
	ch, err := tx.ConsumeChallenge(id)
	if errors.Is(err, store.ErrNotFound) {
		return errCaptchaUnknown, nil
	}
	if err != nil {
		return "", err
	}
	answer := strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, solution)
	switch {
	case answer == "":
		return errCaptchaMissing, nil
	case !c.now().Before(ch.ExpiresAt):
		return errCaptchaExpired, nil
	case subtle.ConstantTimeCompare([]byte(answer), []byte(ch.Digits)) != 1:
		return errCaptchaWrong, nil
	}
	return "", nil
}

// ErrBusyDrawing: every drawing slot stayed taken for slotWait.
var ErrBusyDrawing = errors.New("captcha: too many images or clips being made")

// slotWait is how long a request waits for a drawing slot.
const slotWait = 200 * time.Millisecond

// WritePNG draws a live challenge's image; ErrNotFound when it is unknown or
// expired, ErrBusyDrawing when the drawing slots stay full.
func (c *Captcha) WritePNG(ctx context.Context, w io.Writer, id string) error {
	return c.make(ctx, id, func(digits []byte) error {
		if err := c.Encoder.Encode(w, captcha.NewImage(id, digits, ImageWidth, ImageHeight).Paletted); err != nil {
			return fmt.Errorf("encode captcha image: %w", err)
		}
		return nil
	})
}

// WriteWAV speaks a live challenge's digits in voice (the library knows
// en, pt, ru, zh and ja and speaks English for any other); made only when
// a visitor asks, and in the same slots as the images: a clip costs
// several images' CPU.
func (c *Captcha) WriteWAV(ctx context.Context, w io.Writer, id, voice string) error {
	return c.make(ctx, id, func(digits []byte) error {
		if _, err := captcha.NewAudio(id, digits, voice).WriteTo(w); err != nil {
			return fmt.Errorf("write captcha audio: %w", err)
		}
		return nil
	})
}

// make runs draw with a live challenge's digits once a drawing slot is free.
func (c *Captcha) make(ctx context.Context, id string, draw func(digits []byte) error) error {
	digits, err := c.digits(ctx, id)
	if err != nil {
		return err
	}
	t := time.NewTimer(slotWait)
	defer t.Stop()
	select {
	case c.Slots <- struct{}{}:
		defer func() { <-c.Slots }()
	case <-t.C:
		return ErrBusyDrawing
	case <-ctx.Done():
		return ctx.Err()
	}
	return draw(digits)
}

func (c *Captcha) digits(ctx context.Context, id string) ([]byte, error) {
	ch, err := c.store.Challenge(ctx, id)
	if err != nil {
		return nil, err
	}
	digits := make([]byte, len(ch.Digits))
	for i := range ch.Digits {
		digits[i] = ch.Digits[i] - '0'
	}
	return digits, nil
}

// encoderPool lets the PNG encoder reuse its buffers and zlib writer, which
// would otherwise be ~0.8 MB of garbage per image.
type encoderPool struct{ pool sync.Pool }

func (p *encoderPool) Get() *png.EncoderBuffer {
	b, _ := p.pool.Get().(*png.EncoderBuffer)
	return b
}

func (p *encoderPool) Put(b *png.EncoderBuffer) { p.pool.Put(b) }
