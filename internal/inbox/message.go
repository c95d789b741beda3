package inbox

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime/quotedprintable"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-message/charset"

	"iordesk/internal/store"
)

// textChoice is the part of a message whose text is kept, and the
// attachments listed beside it.
type textChoice struct {
	path        []int // nil: the message has no text part
	part        *imap.BodyStructureSinglePart
	html        bool
	attachments []string // "name (size)"
}

// chooseText picks the text to keep from a message's structure: the first
// text/plain part that is not an attachment, else the first such
// text/html; every other leaf is listed as an attachment by name and size.
func chooseText(bs imap.BodyStructure) textChoice {
	var c textChoice
	var htmlPath []int
	var htmlPart *imap.BodyStructureSinglePart
	var leaves []*imap.BodyStructureSinglePart
	var paths [][]int
	bs.Walk(func(path []int, part imap.BodyStructure) bool {
		if single, ok := part.(*imap.BodyStructureSinglePart); ok {
			leaves = append(leaves, single)
			paths = append(paths, append([]int(nil), path...))
		}
		return true
	})
	for i, part := range leaves {
		attached := attachedPart(part)
		switch {
		case !attached && part.MediaType() == "text/plain" && c.part == nil:
			c.path, c.part = paths[i], part
		case !attached && part.MediaType() == "text/html" && htmlPart == nil:
			htmlPath, htmlPart = paths[i], part
		}
	}
	if c.part == nil && htmlPart != nil {
		c.path, c.part, c.html = htmlPath, htmlPart, true
	}
	for _, part := range leaves {
		if part == c.part || part == htmlPart && !attachedPart(part) {
			continue
		}
		name := part.Filename()
		if name == "" {
			name = "unnamed " + part.MediaType()
		}
		c.attachments = append(c.attachments, fmt.Sprintf("%s (%s)", oneLine(name), size(decodedSize(part))))
	}
	return c
}

func attachedPart(part *imap.BodyStructureSinglePart) bool {
	return part.Filename() != "" || part.Disposition() != nil && strings.EqualFold(part.Disposition().Value, "attachment")
}

// decodedSize estimates a part's size once its transfer encoding is undone.
func decodedSize(part *imap.BodyStructureSinglePart) int64 {
	if strings.EqualFold(part.Encoding, "base64") {
		return int64(part.Size) * 3 / 4
	}
	return int64(part.Size)
}

// fetchLimit is how many encoded bytes of the text part to fetch for
// InboundTextLimit bytes of text: base64 takes a third more and its line
// breaks, quoted-printable up to three bytes for one, and any text a
// carriage return per line.
func fetchLimit(part *imap.BodyStructureSinglePart) int64 {
	switch strings.ToLower(part.Encoding) {
	case "base64":
		return store.InboundTextLimit*4/3 + store.InboundTextLimit/32
	case "quoted-printable":
		return 3 * store.InboundTextLimit
	}
	return store.InboundTextLimit + store.InboundTextLimit/16
}

// decodeText turns the fetched (perhaps cut) bytes of the text part into
// UTF-8 text of at most InboundTextLimit bytes, and says roughly how many
// bytes of text were not kept.
func decodeText(c textChoice, raw []byte) (string, int64) {
	part := c.part
	var r io.Reader = bytes.NewReader(raw)
	switch strings.ToLower(part.Encoding) {
	case "base64":
		clean := bytes.Map(func(r rune) rune {
			if r == '\r' || r == '\n' || r == ' ' || r == '\t' {
				return -1
			}
			return r
		}, raw)
		clean = clean[:len(clean)/4*4]
		r = base64.NewDecoder(base64.StdEncoding, bytes.NewReader(clean))
	case "quoted-printable":
		r = quotedprintable.NewReader(r)
	}
	// A cut part may end mid-sequence: keep what decoded.
	decoded, _ := io.ReadAll(r)
	if cs := part.Params["charset"]; cs != "" && !strings.EqualFold(cs, "utf-8") && !strings.EqualFold(cs, "us-ascii") {
		if cr, err := charset.Reader(cs, bytes.NewReader(decoded)); err == nil {
			if converted, err := io.ReadAll(cr); err == nil || len(converted) > 0 {
				decoded = converted
			}
		}
	}
	text := strings.ToValidUTF8(string(decoded), "\uFFFD")
	if c.html {
		text = htmlText(strings.NewReader(text))
	}
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var cut int64
	if whole := decodedSize(part); int64(len(raw)) < int64(part.Size) {
		cut = whole - int64(len(decoded))
	}
	if len(text) > store.InboundTextLimit {
		end := store.InboundTextLimit
		for end > 0 && !utf8.RuneStart(text[end]) {
			end--
		}
		cut += int64(len(text) - end)
		text = text[:end]
	}
	return text, max(cut, 0)
}

// referencePattern finds an enquiry's reference in a subject.
var referencePattern = regexp.MustCompile(`(?i)\bENQ-[0-9A-Z]{8}\b`)

// subjectReference is the first enquiry reference in a subject, in upper
// case, or "".
func subjectReference(subject string) string {
	return strings.ToUpper(referencePattern.FindString(subject))
}

// autoReply says whether the header fields mark a message as sent by a
// machine (an out-of-office, a bounce, a list): RFC 3834's Auto-Submitted
// and the common older headers.
func autoReply(fields []byte) bool {
	for _, line := range strings.Split(strings.ReplaceAll(string(fields), "\r\n", "\n"), "\n") {
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		value = strings.ToLower(strings.TrimSpace(value))
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "auto-submitted":
			if value != "" && value != "no" {
				return true
			}
		case "x-autoreply", "x-autorespond":
			return true
		case "precedence":
			if value == "bulk" || value == "junk" || value == "list" || value == "auto_reply" {
				return true
			}
		}
	}
	return false
}

// messageIDs are the message identifiers of a References header (the
// fields as fetched), without angle brackets.
func messageIDs(fields []byte) []string {
	var ids []string
	unfolded := strings.NewReplacer("\r\n ", " ", "\r\n\t", " ", "\n ", " ", "\n\t", " ").Replace(string(fields))
	for _, line := range strings.Split(strings.ReplaceAll(unfolded, "\r\n", "\n"), "\n") {
		name, value, ok := strings.Cut(line, ":")
		if !ok || !strings.EqualFold(strings.TrimSpace(name), "references") {
			continue
		}
		for _, m := range angleID.FindAllStringSubmatch(value, -1) {
			ids = append(ids, m[1])
		}
	}
	return ids
}

var angleID = regexp.MustCompile(`<([^<>\s]+)>`)

// oneLine keeps a header value on one line and bounded, for storing.
func oneLine(s string) string {
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }), " ")
	if len(s) > 300 {
		end := 300
		for end > 0 && !utf8.RuneStart(s[end]) {
			end--
		}
		s = s[:end] + "…"
	}
	return s
}

// size writes a byte count for people.
func size(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", (n+1<<9)>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
