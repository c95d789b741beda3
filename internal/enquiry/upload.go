package enquiry

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"
	"unicode"

	"github.com/gabriel-vasile/mimetype"
	"github.com/labstack/echo/v4"

	"iordesk/internal/lang"
	"iordesk/internal/store"
)

// The files a prospect may attach (docs/DESIGN.md, "Attachments").
const (
	MaxAttachments      = 5
	MaxAttachmentSize   = 10 << 20
	MaxAttachmentsTotal = 25 << 20
	// MultipartBodyLimit bounds a post with files: the files and the
	// form's fields, with room for the multipart framing.
	MultipartBodyLimit = MaxAttachmentsTotal + 1<<20
	// fieldsLimit bounds the form's own fields in a multipart post, as the
	// route's limit bounds an urlencoded one.
	fieldsLimit = 64 << 10
	// uploadTime is how long a post with files may take to arrive, in
	// place of the server's 20 s for any request: 25 MB in five minutes
	// is 0.7 Mbit/s.
	uploadTime = 5 * time.Minute
	// AttachmentsField is the form's file input.
	AttachmentsField = "attachments"
)

// acceptedTypes are the kinds of file the desk takes, as their content
// says they are (mimetype), never by their name or the browser's word.
var acceptedTypes = []string{
	"application/pdf",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"application/vnd.ms-excel",
	"text/csv",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"image/png",
	"image/jpeg",
}

// upload is what a multipart post brought besides its fields: its files,
// staged under key until the post is judged, and the files refused, each
// named in a message.
type upload struct {
	key     string
	files   []store.Attachment
	refused []string
	// received counts the files the post carried, kept or not.
	received int
}

// sent reports whether the prospect attached anything.
func (u *upload) sent() bool { return u != nil && u.received > 0 }

// isMultipart reports whether the request is a multipart post.
func isMultipart(c echo.Context) bool { return hasMediaType(c, echo.MIMEMultipartForm) }

// readMultipart reads a multipart post part by part: its fields into
// values (fieldsLimit in all), its files streamed into the database as
// they arrive (keep false — the "New code" button — reads them to the end
// and keeps none). A file is judged by its first bytes: a kind not
// accepted, one too many, or one past the size limits is refused with a
// message naming it, and the post carries on.
func (h *Handlers) readMultipart(c echo.Context, l *lang.Language, keep bool) (url.Values, *upload, error) {
	// A slow connection may take longer than the server's deadline for an
	// ordinary request.
	if err := http.NewResponseController(c.Response()).SetReadDeadline(time.Now().Add(uploadTime)); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return nil, nil, err
	}
	reader, err := c.Request().MultipartReader()
	if err != nil {
		return nil, nil, echo.NewHTTPError(http.StatusBadRequest, l.T("error.unreadable"))
	}
	ctx := c.Request().Context()
	values, up := url.Values{}, &upload{key: rand.Text()}
	fail := func(err error) (url.Values, *upload, error) {
		if derr := h.store.DropStagedAttachments(context.WithoutCancel(ctx), up.key); derr != nil {
			h.log.Warn("drop staged attachments", "err", derr)
		}
		return nil, nil, bodyError(l, err)
	}
	fieldsLeft := int64(fieldsLimit)
	var total int64
	for {
		part, err := reader.NextPart()
		if err == io.EOF {
			return values, up, nil
		}
		if err != nil {
			return fail(err)
		}
		if part.FormName() != AttachmentsField {
			b, err := io.ReadAll(io.LimitReader(part, fieldsLeft+1))
			if err != nil {
				return fail(err)
			}
			if fieldsLeft -= int64(len(b)); fieldsLeft < 0 {
				return fail(echo.NewHTTPError(http.StatusRequestEntityTooLarge, "The form's fields are too large."))
			}
			values.Add(part.FormName(), string(b))
			continue
		}
		if part.FileName() == "" {
			// An empty file input sends a part with no file.
			if _, err := io.Copy(io.Discard, part); err != nil {
				return fail(err)
			}
			continue
		}
		name := fileName(part.FileName())
		up.received++
		a, refusal, err := h.stageFile(ctx, l, up.key, name, part, up.received, total, keep)
		if err != nil {
			return fail(err)
		}
		if refusal != "" {
			up.refused = append(up.refused, refusal)
		} else if a != nil {
			up.files = append(up.files, *a)
			total += a.Size
		}
		// Whatever was not read of a refused file is read past.
		if _, err := io.Copy(io.Discard, part); err != nil {
			return fail(err)
		}
	}
}

// stageFile stores one file of a post, or says in l why it is refused.
func (h *Handlers) stageFile(ctx context.Context, l *lang.Language, key, name string, part io.Reader, count int, total int64, keep bool) (*store.Attachment, string, error) {
	if count > MaxAttachments {
		return nil, l.T("upload.too_many", "Name", name, "Max", MaxAttachments), nil
	}
	if !keep {
		return nil, "", nil
	}
	head := make([]byte, 4096)
	n, err := io.ReadFull(part, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, "", err
	}
	head = head[:n]
	if n == 0 {
		return nil, l.T("upload.empty", "Name", name), nil
	}
	kind := mimetype.Detect(head)
	if !mimetype.EqualsAny(baseType(kind.String()), acceptedTypes...) {
		return nil, l.T("upload.kind", "Name", name), nil
	}
	limit, over := int64(MaxAttachmentSize), l.T("upload.too_large", "Name", name, "Max", MaxAttachmentSize>>20)
	if left := MaxAttachmentsTotal - total; left < limit {
		limit, over = left, l.T("upload.total", "Name", name, "Max", MaxAttachmentsTotal>>20)
	}
	a, err := h.store.StageAttachment(ctx, key, name, baseType(kind.String()), head, part, limit)
	if errors.Is(err, store.ErrTooLarge) {
		return nil, over, nil
	}
	if err != nil {
		return nil, "", err
	}
	return &a, "", nil
}

// baseType is a media type without its parameters (text/csv; charset=…).
func baseType(t string) string {
	if base, _, err := mime.ParseMediaType(t); err == nil {
		return base
	}
	return t
}

// fileName is the last element of a name a browser sent, without control
// or format characters, at most 120 characters: what the desk sees and
// what a download is called.
func fileName(raw string) string {
	raw = path.Base(strings.ReplaceAll(raw, `\`, "/"))
	var b strings.Builder
	for _, r := range raw {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '"' {
			continue
		}
		b.WriteRune(r)
	}
	name := strings.TrimSpace(b.String())
	if runes := []rune(name); len(runes) > 120 {
		name = string(runes[:120])
	}
	if name == "" || name == "." || name == "/" {
		name = "file"
	}
	return name
}
