package enquiry_test

import (
	"bytes"
	"html"
	"image/png"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestCaptchaAnswers(t *testing.T) {
	h := newHarness(t)
	cases := []struct {
		name   string
		answer func(id, digits string) (string, string)
		before func()
		msg    string
	}{
		{"missing answer", func(id, d string) (string, string) { return id, "" }, nil, "Enter the characters"},
		{"wrong answer", func(id, d string) (string, string) { return id, wrongDigits(d) }, nil, "did not match"},
		{"unknown id", func(id, d string) (string, string) { return "AAAAAAAAAAAAAAAAAAAAAAAAAA", d }, nil, "already been used or does not exist"},
		{"no id", func(id, d string) (string, string) { return "", d }, nil, "already been used or does not exist"},
		{"expired", func(id, d string) (string, string) { return id, d }, func() { h.advance(10*time.Minute + time.Second) }, "expired"},
		{"answer with spaces is fine", func(id, d string) (string, string) { return id, d[:3] + " " + d[3:] }, nil, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h.t = t
			before := h.count()
			id, digits := h.challenge()
			if tc.before != nil {
				tc.before()
			}
			sendID, answer := tc.answer(id, digits)
			rec := h.postForm(validForm(sendID, answer))
			if tc.msg == "" {
				if rec.Code != http.StatusSeeOther || h.count() != before+1 {
					t.Fatalf("status %d, count %d→%d: %s", rec.Code, before, h.count(), errorsIn(rec.Body.String()))
				}
				return
			}
			if rec.Code != http.StatusUnprocessableEntity || h.count() != before {
				t.Fatalf("status %d, rows %d→%d", rec.Code, before, h.count())
			}
			doc := parse(t, rec.Body.String())
			if got := doc.Find("#captcha_solution-error").Text(); !strings.Contains(got, tc.msg) {
				t.Fatalf("captcha message = %q, want %q", got, tc.msg)
			}
			// The rest of the form is untouched and kept.
			if doc.Find(".field-error").Length() != 1 {
				t.Fatalf("other fields flagged: %s", errorsIn(rec.Body.String()))
			}
			assertKept(t, doc, validForm(sendID, answer))
		})
	}
}

func wrongDigits(d string) string {
	b := []byte(d)
	b[0] = '0' + (b[0]-'0'+1)%10
	return string(b)
}

func TestCaptchaIsOneAttemptRightOrWrong(t *testing.T) {
	h := newHarness(t)
	// Right answer, then replayed.
	id, digits := h.challenge()
	if rec := h.postForm(validForm(id, digits)); rec.Code != http.StatusSeeOther {
		t.Fatalf("first post: %d", rec.Code)
	}
	rec := h.postForm(validForm(id, digits))
	if rec.Code != http.StatusUnprocessableEntity || h.count() != 1 {
		t.Fatalf("replayed right answer: %d, %d rows", rec.Code, h.count())
	}
	// Wrong answer, then the right one for the same challenge.
	id, digits = h.challenge()
	h.postForm(validForm(id, wrongDigits(digits)))
	if rec := h.postForm(validForm(id, digits)); rec.Code != http.StatusUnprocessableEntity || h.count() != 1 {
		t.Fatalf("right answer after a wrong one: %d, %d rows", rec.Code, h.count())
	}
	// An invalid form also uses the challenge up.
	id, digits = h.challenge()
	bad := validForm(id, digits)
	bad.Del("email")
	h.postForm(bad)
	if rec := h.postForm(validForm(id, digits)); rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("challenge reusable after an invalid form: %d", rec.Code)
	}
}

func TestCaptchaReloadWithoutJavaScriptKeepsEverything(t *testing.T) {
	h := newHarness(t)
	id, _ := h.challenge()
	v := validForm(id, "")
	v.Del("email") // half-filled: a reload must not complain
	formaction := regexp.MustCompile(`formaction="([^"]+)"[^>]*data-captcha-reload`).FindStringSubmatch(h.get("/enquiry").Body.String())
	if formaction == nil || !strings.HasSuffix(formaction[1], "#captcha") {
		t.Fatalf("the New code button should post back to the code: %q", formaction)
	}
	req := httptest.NewRequest(http.MethodPost, strings.TrimSuffix(html.UnescapeString(formaction[1]), "#captcha"), strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := h.do(req)
	if rec.Code != http.StatusOK {
		t.Fatalf("reload: %d", rec.Code)
	}
	if !strings.Contains(rec.Body.String(), `id="captcha"`) {
		t.Fatal("no #captcha to land on")
	}
	doc := parse(t, rec.Body.String())
	if doc.Find(".error-summary").Length() != 0 || doc.Find(".field-error").Length() != 0 {
		t.Fatalf("reload showed errors: %s", errorsIn(rec.Body.String()))
	}
	newID := captchaIDIn(t, rec.Body.String())
	if newID == id {
		t.Fatal("reload kept the old challenge")
	}
	if src, _ := doc.Find("audio.captcha-player").Attr("src"); src != "/captcha/"+newID+".wav" {
		t.Errorf("the audio player plays %q, not the new code", src)
	}
	assertKept(t, doc, v)
	if got := h.get("/captcha/" + id + ".png").Code; got != http.StatusNotFound {
		t.Fatalf("old challenge image after reload: %d", got)
	}
	// The new one is answerable.
	v = validForm(newID, h.answer(newID))
	if rec := h.postForm(v); rec.Code != http.StatusSeeOther {
		t.Fatalf("post with reloaded challenge: %d %s", rec.Code, errorsIn(rec.Body.String()))
	}
}

func TestCaptchaImageAndAudio(t *testing.T) {
	h := newHarness(t)
	id, _ := h.challenge()
	rec := h.get("/captcha/" + id + ".png")
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "image/png" {
		t.Fatalf("png: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	img, err := png.Decode(bytes.NewReader(rec.Body.Bytes()))
	if err != nil || img.Bounds().Dx() != 240 || img.Bounds().Dy() != 80 {
		t.Fatalf("png decode: %v %v", err, img.Bounds())
	}
	if rec.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("captcha image cacheable")
	}
	rec = h.get("/captcha/" + id + ".wav")
	if rec.Code != http.StatusOK || !bytes.HasPrefix(rec.Body.Bytes(), []byte("RIFF")) {
		t.Fatalf("wav: %d", rec.Code)
	}
	for _, path := range []string{"/captcha/" + id + ".gif", "/captcha/../etc/passwd", "/captcha/AAAAAAAAAAAAAAAAAAAAAAAAAA.png", "/captcha/x.png"} {
		if got := h.get(path).Code; got != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, got)
		}
	}
	h.advance(11 * time.Minute)
	if got := h.get("/captcha/" + id + ".png").Code; got != http.StatusNotFound {
		t.Fatalf("expired image: %d", got)
	}
}

func TestHoneypotLooksLikeSuccessAndStoresNothing(t *testing.T) {
	h := newHarness(t)
	id, digits := h.challenge()
	v := validForm(id, digits)
	v.Set("website", "http://bot.example")
	rec := h.postForm(v)
	loc := rec.Header().Get("Location")
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/enquiry/thanks?ref=ENQ-") {
		t.Fatalf("honeypot: %d %q", rec.Code, loc)
	}
	if h.count() != 0 {
		t.Fatal("honeypot stored a row")
	}
}

// Images and audio clips queue for the same drawing slots: a flood of
// either gets 503 with Retry-After instead of the site's CPU.
func TestCaptchaImagesAndAudioQueueForCPU(t *testing.T) {
	for _, kind := range []string{".png", ".wav"} {
		h := newHarness(t)
		id, _ := h.challenge()
		slots := h.srv.Captcha.Slots
		for range cap(slots) { // every drawing slot busy, as in a flood
			slots <- struct{}{}
		}
		start := time.Now()
		rec := h.get("/captcha/" + id + kind)
		if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" || time.Since(start) > 2*time.Second {
			t.Fatalf("%s with all slots busy: %d after %s", kind, rec.Code, time.Since(start))
		}
		<-slots // one frees up: they are made again
		if rec := h.get("/captcha/" + id + kind); rec.Code != http.StatusOK {
			t.Fatalf("%s with a free slot: %d", kind, rec.Code)
		}
	}
}
