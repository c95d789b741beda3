package server_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"iordesk/internal/enquiry"
	"iordesk/internal/store"
)

// sampleFiles are one file of each kind the intake accepts: the Office
// files are the mimetype module's own samples (testdata/files, MIT), the
// rest made here.
func sampleFiles(t *testing.T) []upload {
	t.Helper()
	var files []upload
	for _, name := range []string{"xlsx.xlsx", "xls.xls", "docx.docx"} {
		b, err := os.ReadFile("testdata/files/" + name)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, upload{enquiry.AttachmentsField, "products-" + name, b})
	}
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for x := range 40 {
		img.Set(x, x%30, color.RGBA{200, 30, 30, 255})
	}
	var p, j bytes.Buffer
	png.Encode(&p, img)
	jpeg.Encode(&j, img, nil)
	pdf := []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	return append(files,
		upload{enquiry.AttachmentsField, "pro-forma.pdf", pdf},
		upload{enquiry.AttachmentsField, "label.png", p.Bytes()},
		upload{enquiry.AttachmentsField, "photo.JPG", j.Bytes()},
		upload{enquiry.AttachmentsField, "parts list.csv", []byte("part,qty,unit price\nGPU H200,8,30000\nPSU 3kW,4,900\n")})
}

// TestAttachmentsFromTheForm: files of every accepted kind arrive with the
// form, on both engines; the enquiry page lists them, staff download them
// as downloads, byte for byte; the desk's export counts them.
func TestAttachmentsFromTheForm(t *testing.T) {
	onBothEngines(t, testAttachmentsFromTheForm)
}

func testAttachmentsFromTheForm(t *testing.T, a *app) {
	files := sampleFiles(t)
	// Five at most: the first five kinds in one post, the rest in another.
	var refs []string
	for _, batch := range [][]upload{files[:5], files[5:]} {
		rec := a.postFiles("/enquiry", a.filledForm("DE"), batch, "")
		loc, _ := url.Parse(rec.Header().Get("Location"))
		if rec.Code != http.StatusSeeOther || loc == nil {
			t.Fatalf("post with files: %d %s", rec.Code, rec.Body.String())
		}
		refs = append(refs, loc.Query().Get("ref"))
	}
	agent := a.session(store.RoleAgent)
	i := 0
	for r, ref := range refs {
		e, err := a.st.EnquiryByReference(context.Background(), ref)
		if err != nil {
			t.Fatal(err)
		}
		stored, err := a.st.Attachments(context.Background(), e.ID)
		if err != nil || len(stored) != []int{5, 2}[r] {
			t.Fatalf("%s: %d files stored, %v", ref, len(stored), err)
		}
		page := doc(t, a.request("GET", fmt.Sprintf("/staff/enquiries/%d", e.ID), nil, agent))
		for _, f := range stored {
			want := files[i]
			i++
			sum := sha256.Sum256(want.content)
			if f.Name != want.name || f.Size != int64(len(want.content)) || f.SHA256 != hex.EncodeToString(sum[:]) {
				t.Errorf("stored %+v for %s", f, want.name)
			}
			link := page.Find(fmt.Sprintf(`ul.files a[href="/staff/enquiries/%d/files/%d"]`, e.ID, f.ID))
			if link.Text() != want.name {
				t.Errorf("the page lists %q for %s", link.Text(), want.name)
			}
			rec := a.request("GET", fmt.Sprintf("/staff/enquiries/%d/files/%d", e.ID, f.ID), nil, agent)
			h := rec.Header()
			if rec.Code != http.StatusOK || !bytes.Equal(rec.Body.Bytes(), want.content) || h.Get("X-Content-Type-Options") != "nosniff" ||
				!strings.HasPrefix(h.Get("Content-Disposition"), "attachment;") || !strings.Contains(h.Get("Content-Security-Policy"), "sandbox") ||
				h.Get("Content-Type") != f.MediaType {
				t.Errorf("download of %s: %d %q", want.name, rec.Code, h)
			}
		}
		// Anyone else: the login page, never the file; another enquiry's
		// number: no such file.
		if rec := a.request("GET", fmt.Sprintf("/staff/enquiries/%d/files/%d", e.ID, stored[0].ID), nil, ""); rec.Code == http.StatusOK {
			t.Errorf("a file downloaded without a session: %d", rec.Code)
		}
		if rec := a.request("GET", fmt.Sprintf("/staff/enquiries/%d/files/%d", e.ID+1000, stored[0].ID), nil, agent); rec.Code != http.StatusNotFound {
			t.Errorf("a file through another enquiry: %d", rec.Code)
		}
	}
	wantTypes := map[string]string{"products-xlsx.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		"products-xls.xls": "application/vnd.ms-excel", "products-docx.docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		"pro-forma.pdf": "application/pdf", "label.png": "image/png", "photo.JPG": "image/jpeg", "parts list.csv": "text/csv"}
	for _, ref := range refs {
		e, _ := a.st.EnquiryByReference(context.Background(), ref)
		stored, _ := a.st.Attachments(context.Background(), e.ID)
		for _, f := range stored {
			if wantTypes[f.Name] != f.MediaType {
				t.Errorf("%s stored as %s", f.Name, f.MediaType)
			}
		}
	}
	csv := a.request("GET", "/staff/export.csv", nil, a.session(store.RoleManager)).Body.String()
	lines := strings.Split(strings.TrimSpace(csv), "\n")
	if !strings.HasSuffix(strings.TrimSpace(lines[0]), `,"Files"`) || !strings.HasSuffix(strings.TrimSpace(lines[1]), `,"2"`) || !strings.HasSuffix(strings.TrimSpace(lines[2]), `,"5"`) {
		t.Errorf("export: %q", lines[:3])
	}
}

// TestAttachmentsRefused: a file is judged by its content, and a post with
// a refused file — or a wrong code — keeps nothing and says so.
func TestAttachmentsRefused(t *testing.T) {
	a := newApp(t)
	pdf := func(n int) []byte { return append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("0"), n)...) }
	elf := append([]byte{0x7f, 'E', 'L', 'F', 2, 1, 1, 0}, bytes.Repeat([]byte{0}, 200)...)
	var bomb bytes.Buffer
	zw := zip.NewWriter(&bomb)
	w, _ := zw.Create("zeros.bin")
	io.Copy(w, io.LimitReader(zeros{}, 200<<20)) // 200 MB of zeros, about 200 KB zipped
	zw.Close()
	six := make([]upload, 6)
	for i := range six {
		six[i] = upload{enquiry.AttachmentsField, fmt.Sprintf("sheet-%d.pdf", i+1), pdf(10)}
	}
	cases := map[string]struct {
		files []upload
		says  string
	}{
		"a renamed executable": {[]upload{{enquiry.AttachmentsField, "invoice.pdf", elf}}, "invoice.pdf: this kind of file cannot be attached"},
		"a zip bomb":           {[]upload{{enquiry.AttachmentsField, "products.xlsx", bomb.Bytes()}}, "products.xlsx: this kind of file cannot be attached"},
		"a file over 10 MB":    {[]upload{{enquiry.AttachmentsField, "catalogue.pdf", pdf(10 << 20)}}, "catalogue.pdf: a file may be at most 10 MB"},
		"six files":            {six, "sheet-6.pdf: at most 5 files can be attached"},
		"over 25 MB in all": {[]upload{{enquiry.AttachmentsField, "a.pdf", pdf(9 << 20)}, {enquiry.AttachmentsField, "b.pdf", pdf(9 << 20)},
			{enquiry.AttachmentsField, "c.pdf", pdf(15 << 19)}}, "c.pdf: the files together may be at most 25 MB"},
		"an empty file": {[]upload{{enquiry.AttachmentsField, "empty.pdf", nil}}, "empty.pdf: the file is empty"},
	}
	for name, tc := range cases {
		rec := a.postFiles("/enquiry", a.filledForm("DE"), tc.files, "")
		d := doc(t, rec)
		msg := d.Find("#attachments-error").Text()
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(msg, tc.says) || !strings.Contains(msg, "attach your files again") ||
			!strings.Contains(d.Find("#error-summary").Text(), enquiry.Banner) {
			t.Errorf("%s: %d %q", name, rec.Code, msg)
		}
	}
	// A post over the request's limit is refused before it is read.
	if rec := a.postFiles("/enquiry", a.filledForm("DE"), []upload{{enquiry.AttachmentsField, "huge.pdf", pdf(27 << 20)}}, ""); rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("27 MB post: %d", rec.Code)
	}
	// A wrong code with good files: nothing kept either.
	form := a.filledForm("DE")
	form.Set("captcha_solution", "000000")
	rec := a.postFiles("/enquiry", form, []upload{{enquiry.AttachmentsField, "ok.pdf", pdf(100)}}, "")
	if msg := doc(t, rec).Find("#attachments-error").Text(); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(msg, "attach your files again") {
		t.Errorf("wrong code with files: %d %q", rec.Code, msg)
	}
	// "New code" with files: the form again, saying so.
	rec = a.postFiles("/enquiry?captcha_reload=1", a.filledForm("DE"), []upload{{enquiry.AttachmentsField, "ok.pdf", pdf(100)}}, "")
	if notice := doc(t, rec).Find("p.notice").Text(); rec.Code != http.StatusOK || !strings.Contains(notice, "attach them again") {
		t.Errorf("new code with files: %d %q", rec.Code, notice)
	}
	if n := countRows(t, a, "attachments"); n != 0 {
		t.Errorf("%d files kept from refused posts", n)
	}
	if n := countRows(t, a, "attachment_chunks"); n != 0 {
		t.Errorf("%d chunks kept from refused posts", n)
	}
	if n := countRows(t, a, "enquiries"); n != 0 {
		t.Errorf("%d enquiries stored", n)
	}
}

// zeros reads as endless zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// countRows counts a table's rows, from a connection of its own.
func countRows(t *testing.T, a *app, table string) int64 {
	t.Helper()
	driver := "sqlite3"
	if store.IsPostgres(a.dsn) {
		driver = "pgx"
	}
	db, err := sql.Open(driver, a.dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int64
	if err := db.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// The JSON API's multipart form takes files like the form.
func TestAttachmentsThroughTheAPI(t *testing.T) {
	a := newApp(t)
	rec := a.postFiles("/api/v1/enquiries", a.filledForm("DE"), []upload{{enquiry.AttachmentsField, "list.csv", []byte("a,b\n1,2\n")}}, "")
	var answer struct{ Reference string }
	if rec.Code != http.StatusCreated || json.Unmarshal(rec.Body.Bytes(), &answer) != nil {
		t.Fatalf("api with a file: %d %s", rec.Code, rec.Body.String())
	}
	e, err := a.st.EnquiryByReference(context.Background(), answer.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if files, err := a.st.Attachments(context.Background(), e.ID); err != nil || len(files) != 1 || files[0].MediaType != "text/csv" {
		t.Fatalf("files %+v, %v", files, err)
	}
	rec = a.postFiles("/api/v1/enquiries", a.filledForm("DE"), []upload{{enquiry.AttachmentsField, "setup.exe", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff")}}, "")
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "setup.exe: this kind of file cannot be attached") {
		t.Fatalf("api with an executable: %d %s", rec.Code, rec.Body.String())
	}
}

// An upload the prospect abandons half way leaves nothing behind.
func TestAbandonedUploadKeepsNothing(t *testing.T) {
	a := newApp(t)
	ts := httptest.NewServer(a.srv.Echo)
	defer ts.Close()
	body, contentType := multipartBody(t, a.filledForm("DE"),
		[]upload{{enquiry.AttachmentsField, "big.pdf", append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), 3<<20)...)}})
	conn, err := net.Dial("tcp", strings.TrimPrefix(ts.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "POST /enquiry HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nSec-Fetch-Site: same-origin\r\n\r\n",
		strings.TrimPrefix(ts.URL, "http://"), contentType, body.Len())
	// Two thirds of the body, slowly, then the prospect goes.
	sent := body.Bytes()[:body.Len()*2/3]
	for len(sent) > 0 {
		n := min(len(sent), 256<<10)
		conn.Write(sent[:n])
		sent = sent[n:]
		time.Sleep(20 * time.Millisecond)
	}
	// The file was being stored as it came.
	deadline := time.Now().Add(10 * time.Second)
	for countRows(t, a, "attachment_chunks") == 0 {
		if time.Now().After(deadline) {
			t.Fatal("nothing of the file was stored while it arrived")
		}
		time.Sleep(20 * time.Millisecond)
	}
	conn.Close()
	for countRows(t, a, "attachments") != 0 || countRows(t, a, "attachment_chunks") != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("an abandoned upload left %d files, %d chunks", countRows(t, a, "attachments"), countRows(t, a, "attachment_chunks"))
		}
		time.Sleep(50 * time.Millisecond)
	}
	if countRows(t, a, "enquiries") != 0 {
		t.Fatal("an enquiry stored from half a post")
	}
}

// A slow upload is not cut off by the server's deadline for ordinary
// requests (20 s in `serve`, 1 s here): a post with files has longer.
func TestSlowUploadArrives(t *testing.T) {
	a := newApp(t)
	ts := httptest.NewUnstartedServer(a.srv.Echo)
	ts.Config.ReadTimeout = time.Second
	ts.Start()
	defer ts.Close()
	body, contentType := multipartBody(t, a.filledForm("DE"),
		[]upload{{enquiry.AttachmentsField, "slow.pdf", append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("s"), 1<<20)...)}})
	pr, pw := io.Pipe()
	go func() {
		data := body.Bytes()
		for len(data) > 0 { // over about 2.5 s
			n := min(len(data), len(body.Bytes())/25+1)
			pw.Write(data[:n])
			data = data[n:]
			time.Sleep(100 * time.Millisecond)
		}
		pw.Close()
	}()
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/enquiry", pr)
	req.ContentLength = int64(body.Len())
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || countRows(t, a, "attachments") != 1 {
		t.Fatalf("slow upload: %d, %d files", resp.StatusCode, countRows(t, a, "attachments"))
	}
}
