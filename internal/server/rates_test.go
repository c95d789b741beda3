package server_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"iordesk/internal/store"
)

// upload posts one file as a browser's multipart form would.
func (a *app) upload(path, field, name string, content []byte, session string) *httptest.ResponseRecorder {
	a.t.Helper()
	return a.postFiles(path, nil, []upload{{field, name, content}}, session)
}

// upload is a file of a multipart post.
type upload struct {
	field, name string
	content     []byte
}

// postFiles posts fields and files as multipart/form-data, as a browser
// on our own pages would.
func (a *app) postFiles(path string, fields url.Values, files []upload, session string) *httptest.ResponseRecorder {
	a.t.Helper()
	body, contentType := multipartBody(a.t, fields, files)
	req := httptest.NewRequest(http.MethodPost, path, body)
	req.Header.Set("Content-Type", contentType)
	return a.send(req, fmt.Sprintf("198.51.100.%d", refs.Add(1)%250+1), session)
}

// multipartBody is fields and files as a multipart/form-data body, and its
// content type.
func multipartBody(t testing.TB, fields url.Values, files []upload) (*bytes.Buffer, string) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for name, values := range fields {
		for _, v := range values {
			w.WriteField(name, v)
		}
	}
	for _, f := range files {
		part, err := w.CreateFormFile(f.field, f.name)
		if err != nil {
			t.Fatal(err)
		}
		part.Write(f.content)
	}
	w.Close()
	return &body, w.FormDataContentType()
}

// A manager uploads the ECB's daily file on the Rates page; a file that
// is not one changes nothing and says why; an agent cannot.
func TestRatesUpload(t *testing.T) {
	a := newApp(t)
	ecb, err := os.ReadFile("../money/testdata/eurofxref-daily.xml")
	if err != nil {
		t.Fatal(err)
	}
	manager := a.session(store.RoleManager)
	if rec := a.upload("/staff/rates/import", "file", "eurofxref-daily.xml", ecb, a.session(store.RoleAgent)); rec.Code != http.StatusForbidden {
		t.Fatalf("an agent imported rates: %d", rec.Code)
	}
	rec := a.upload("/staff/rates/import", "file", "rates.csv", []byte("USD,1.05\n"), manager)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(doc(t, rec).Find(".error-summary").Text(), "Nothing imported") {
		t.Fatalf("a CSV: %d", rec.Code)
	}
	if rec := a.upload("/staff/rates/import", "file", "eurofxref-daily.xml", ecb, manager); rec.Code != http.StatusSeeOther {
		t.Fatalf("import: %d %s", rec.Code, rec.Body.String())
	}
	rates, _ := a.st.ExchangeRates(context.Background())
	if len(rates) != 5 || rates[4].Currency != "USD" || rates[4].PerEUR != 1.05 || rates[4].Source != store.RatesFromECB {
		t.Fatalf("rates kept %+v", rates)
	}
	page := doc(t, a.request("GET", "/staff/rates", nil, manager))
	if !strings.Contains(page.Find("table").Text(), "ECB reference rate") {
		t.Fatal("the Rates page does not list the imported rates")
	}
	audit, _ := a.st.AuditLog(context.Background(), 10)
	if len(audit) == 0 || audit[0].Action != store.AuditRates || !strings.Contains(audit[0].Detail, "USD 1.05 (2026-11-30, ecb)") {
		t.Fatalf("audit %+v", audit)
	}
}
