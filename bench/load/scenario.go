package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// scenario is one kind of load and the bar it is judged by.
type scenario struct {
	unit          string
	baseline      string // server kind started for the baseline
	baselineLabel string
	target        float64 // the bar's ratio (docs/DESIGN.md, "Quality bars")
	// iteration does one unit of work; it returns the number of HTTP
	// requests made and the first failure.
	iteration func(ctx context.Context, cl *client) (int, error)
	// prepare runs once before the load (e.g. to create challenges).
	prepare func(ctx context.Context, cl *client, n int) error
	// mailOff measures iordesk a second time with its mail not delivered.
	mailOff bool
}

var scenarios = map[string]scenario{
	"intake": {
		unit: "valid enquiry posts/s", baseline: "bare-create-enquiry",
		baselineLabel: "bare echo + one gorm Create of the enquiry and its destinations per request, iordesk's schema, synchronous=NORMAL",
		target:        1.0, prepare: prepareChallenges, iteration: intakeIteration, mailOff: true,
	},
	// The same load against a lighter baseline: a row of eight columns in
	// a table without indexes, which is not the enquiry iordesk stores.
	"intake-narrow": {
		unit: "valid enquiry posts/s", baseline: "bare-create",
		baselineLabel: "bare echo + one gorm Create of an 8-column row (no indexes) per request, synchronous=NORMAL",
		target:        1.0, prepare: prepareChallenges, iteration: intakeIteration,
	},
	"visit": {
		unit: "visits/s (form page + CAPTCHA image + valid post)", baseline: "iordesk-default-captcha",
		baselineLabel: "same flow, library's default CAPTCHA PNG encoding", target: 2.0,
		iteration: visitIteration,
	},
}

// client is one load worker's connection to the server under test.
type client struct {
	http    *http.Client
	base    string
	db      *sql.DB
	answers chan [2]string // prepared (id, digits) pairs, for intake
	kind    string
	page    bytes.Buffer // the last form page, its memory kept between visits
}

// challengeID finds the challenge id in a form page. The field is near
// the page's end, so it is searched for from there: scanning 50 KB of page
// from the start was a tenth of this tool's CPU, shared with the servers
// it measures.
func challengeID(page []byte) (string, bool) {
	const field = `name="captcha_id" value="`
	i := bytes.LastIndex(page, []byte(field))
	if i < 0 {
		return "", false
	}
	rest := page[i+len(field):]
	end := bytes.IndexByte(rest, '"')
	if end <= 0 || strings.Trim(string(rest[:end]), "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") != "" {
		return "", false
	}
	return string(rest[:end]), true
}

// oneCompany sends every post from one company and mail domain, so each
// finds and links possible duplicates: the intake's worst case.
var oneCompany bool

// form is a valid enquiry; every one comes from a prospect of its own, so
// each gets its acknowledgement (one address gets one an hour), and from a
// company of its own unless oneCompany.
func form(id, digits string) url.Values {
	company, email := "Load Tester "+id, "buyer@"+strings.ToLower(id)+".example"
	if oneCompany {
		company, email = "Benchmark Industries", "load-"+strings.ToLower(id)+"@example.com"
	}
	return url.Values{
		"full_name": {"Load Tester"}, "company": {company}, "email": {email},
		"phone": {"+44 20 7946 0018"}, "service": {"ior"}, "origin_country": {"US"},
		"destination_countries": {"DE", "BR", "IN"}, "product_category": {"servers_datacentre"},
		"product_description": {"Forty rack servers with GPUs, new, boxed"}, "condition": {"new"},
		"contains_encryption": {"yes"}, "wireless_radio": {"no"}, "lithium_batteries": {"in_equipment"},
		"shipment_value": {"125000.00"}, "currency": {"USD"}, "consent": {"yes"},
		"captcha_id": {id}, "captcha_solution": {digits},
	}
}

func (cl *client) post(id, digits string) error {
	resp, err := cl.http.PostForm(cl.base+"/enquiry", form(id, digits))
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("post: status %d", resp.StatusCode)
	}
	return nil
}

// prepareChallenges writes n challenges straight into the database, so the
// measured loop is the posts alone (the form page is the visit scenario's).
func prepareChallenges(ctx context.Context, cl *client, n int) error {
	if strings.HasPrefix(cl.kind, "bare-") {
		cl.answers = make(chan [2]string, n)
		for range n {
			cl.answers <- [2]string{"-", "-"}
		}
		return nil
	}
	tx, err := cl.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	stmt, err := tx.Prepare("INSERT INTO captcha_challenges (id, digits, expires_at) VALUES (?, ?, ?)")
	if err != nil {
		tx.Rollback()
		return err
	}
	expires := time.Now().Add(time.Hour).UTC()
	cl.answers = make(chan [2]string, n)
	for range n {
		id := rand.Text()
		if _, err := stmt.Exec(id, "123456", expires); err != nil {
			tx.Rollback()
			return err
		}
		cl.answers <- [2]string{id, "123456"}
	}
	return tx.Commit()
}

func intakeIteration(ctx context.Context, cl *client) (int, error) {
	select {
	case a := <-cl.answers:
		return 1, cl.post(a[0], a[1])
	default:
		return 0, errChallengesExhausted
	}
}

var errChallengesExhausted = fmt.Errorf("prepared challenges used up: raise the count")

// visitIteration is one prospect: the form page, its CAPTCHA image, the
// answer (read from the database, as only a load tool can), the post.
func visitIteration(ctx context.Context, cl *client) (int, error) {
	resp, err := cl.http.Get(cl.base + "/enquiry")
	if err != nil {
		return 1, err
	}
	cl.page.Reset()
	cl.page.ReadFrom(resp.Body)
	resp.Body.Close()
	id, found := challengeID(cl.page.Bytes())
	if resp.StatusCode != http.StatusOK || !found {
		return 1, fmt.Errorf("form page: status %d", resp.StatusCode)
	}
	resp, err = cl.http.Get(cl.base + "/captcha/" + id + ".png")
	if err != nil {
		return 2, err
	}
	n, _ := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || n == 0 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "image/png") {
		return 2, fmt.Errorf("captcha image: status %d", resp.StatusCode)
	}
	var digits string
	if err := cl.db.QueryRowContext(ctx, "SELECT digits FROM captcha_challenges WHERE id = ?", id).Scan(&digits); err != nil {
		return 2, fmt.Errorf("read answer: %w", err)
	}
	return 3, cl.post(id, digits)
}
