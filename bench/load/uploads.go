package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"iordesk/internal/store"
)

// uploadScenario posts o.concurrency enquiries at once through the public
// form, each with five 5 MB files (25 MB, the most a post may carry), to
// the real `iordesk serve` on an empty database, and reports the server's
// peak memory (VmHWM) before and after, the time taken, and that every
// byte was stored: files are streamed into the database a chunk at a time,
// so the peak should not grow with the uploads.
func uploadScenario(o options) error {
	dir, err := os.MkdirTemp("", "iordesk-uploads-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "uploads.db")
	st, err := store.Open(path, store.Options{})
	if err != nil {
		return err
	}
	if _, err := st.Migrate(context.Background()); err != nil {
		st.Close()
		return err
	}
	st.Close()
	child, base, err := startChild("iordesk", path, mailOff)
	if err != nil {
		return err
	}
	defer child.stop()
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000")
	if err != nil {
		return err
	}
	defer db.Close()
	cl := &client{db: db}
	if err := prepareChallenges(context.Background(), cl, o.concurrency); err != nil {
		return err
	}
	before, err := peakRSS(child.cmd.Process.Pid)
	if err != nil {
		return err
	}
	file := make([]byte, 5<<20)
	rand.Read(file)
	copy(file, "%PDF-1.4\n")
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, o.concurrency)
	for range o.concurrency {
		a := <-cl.answers
		wg.Go(func() { errs <- postWithFiles(base, a[0], a[1], file) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	took := time.Since(start)
	after, err := peakRSS(child.cmd.Process.Pid)
	if err != nil {
		return err
	}
	var files, bytesStored int64
	if err := db.QueryRow("SELECT count(*), coalesce(sum(size), 0) FROM attachments WHERE enquiry_id IS NOT NULL").Scan(&files, &bytesStored); err != nil {
		return err
	}
	fmt.Printf("\n%d posts of 5 × 5 MB at once: %.1f s; %d files, %.0f MB stored\n", o.concurrency, took.Seconds(), files, float64(bytesStored)/1e6)
	fmt.Printf("server peak RSS (VmHWM): %s before, %s after\n", before, after)
	if files != int64(5*o.concurrency) || bytesStored != int64(5*o.concurrency*len(file)) {
		return fmt.Errorf("stored %d files, %d bytes: want %d, %d", files, bytesStored, 5*o.concurrency, 5*o.concurrency*len(file))
	}
	return nil
}

// postWithFiles sends a valid enquiry with five copies of file.
func postWithFiles(base, captchaID, digits string, file []byte) error {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for name, value := range map[string]string{"full_name": "Grace Hopper", "company": "Compilers Ltd", "email": "grace@example.com",
		"service": "ior", "origin_country": "US", "destination_countries": "DE", "product_category": "it_networking",
		"product_description": "Twelve managed switches", "condition": "new", "contains_encryption": "yes",
		"wireless_radio": "no", "lithium_batteries": "none", "shipment_value": "25000", "currency": "EUR",
		"consent": "yes", "captcha_id": captchaID, "captcha_solution": digits} {
		w.WriteField(name, value)
	}
	for i := range 5 {
		part, err := w.CreateFormFile("attachments", fmt.Sprintf("list-%d.pdf", i+1))
		if err != nil {
			return err
		}
		part.Write(file)
	}
	w.Close()
	req, err := http.NewRequest(http.MethodPost, base+"/enquiry", &body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 2000))
		return fmt.Errorf("post with files: %d %s", resp.StatusCode, b)
	}
	return nil
}

// peakRSS is a process's peak resident memory, from /proc.
func peakRSS(pid int) (string, error) {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			return strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:")), nil
		}
	}
	return "", fmt.Errorf("no VmHWM for process %d", pid)
}
