package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"testing"
	"time"

	"iordesk/internal/testclock"
)

// TestAttachmentsKeepTheirBytes stores files of several chunks on both
// engines and reads them back byte for byte; a file over its limit leaves
// nothing; staged files are given to an enquiry, dropped, or purged when
// their post never finished; a deleted enquiry takes its files with it.
func TestAttachmentsKeepTheirBytes(t *testing.T) {
	backendsWithAgent(t, func(t *testing.T, s *Store, clock *testclock.Clock, desk Actor) {
		ctx := context.Background()
		e := sampleEnquiry("ENQ-FILES001")
		if err := s.Write(ctx, func(tx *Tx) error { return tx.InsertEnquiry(e, []string{"DE"}) }); err != nil {
			t.Fatal(err)
		}
		content := make([]byte, 3*attachmentChunk+1234)
		rand.Read(content)
		a, err := s.StageAttachment(ctx, "post-1", "big.pdf", "application/pdf", content[:100], bytes.NewReader(content[100:]), 10<<20)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.StageAttachment(ctx, "post-1", "too big.pdf", "application/pdf", nil, bytes.NewReader(content), int64(len(content)-1)); !errors.Is(err, ErrTooLarge) {
			t.Fatalf("over the limit: %v", err)
		}
		if _, err := s.StageAttachment(ctx, "post-2", "refused.pdf", "application/pdf", nil, bytes.NewReader(content[:10]), 100); err != nil {
			t.Fatal(err)
		}
		if _, err := s.StageAttachment(ctx, "post-3", "abandoned.pdf", "application/pdf", nil, bytes.NewReader(content[:10]), 100); err != nil {
			t.Fatal(err)
		}
		err = s.Write(ctx, func(tx *Tx) error {
			return errors.Join(tx.ClaimAttachments("post-1", e.ID), tx.DropAttachments("post-2"))
		})
		if err != nil {
			t.Fatal(err)
		}
		files, err := s.Attachments(ctx, e.ID)
		if err != nil || len(files) != 1 || files[0].ID != a.ID || files[0].Size != int64(len(content)) || files[0].SHA256 != a.SHA256 {
			t.Fatalf("files %+v, %v", files, err)
		}
		var got bytes.Buffer
		var found Attachment
		err = s.ReadAttachment(ctx, e.ID, a.ID, func(f Attachment) error { found = f; return nil },
			func(chunk []byte) error { got.Write(chunk); return nil })
		if err != nil || !bytes.Equal(got.Bytes(), content) || found.Name != "big.pdf" {
			t.Fatalf("read back %d bytes of %d (%q), %v", got.Len(), len(content), found.Name, err)
		}
		if err := s.ReadAttachment(ctx, e.ID+1, a.ID, func(Attachment) error { return nil }, func([]byte) error { return nil }); !errors.Is(err, ErrNotFound) {
			t.Fatalf("through another enquiry: %v", err)
		}
		// The abandoned post's file goes after an hour, the enquiry's stays.
		clock.Advance(2 * time.Hour)
		if n, err := s.PurgeStagedAttachments(ctx); err != nil || n != 1 {
			t.Fatalf("purged %d, %v", n, err)
		}
		var rows int64
		s.read.Table("attachments").Count(&rows)
		if rows != 1 {
			t.Fatalf("%d files left, want the enquiry's", rows)
		}
		// Spam past retention goes with its files and their bytes.
		if err := s.ChangeStatus(ctx, e.ID, 1, StatusSpam, desk, ""); err != nil {
			t.Fatal(err)
		}
		clock.Advance(100 * 24 * time.Hour)
		if deleted, _, err := s.ApplyRetention(ctx, 30*24*time.Hour, 0); err != nil || deleted != 1 {
			t.Fatalf("retention: %d %v", deleted, err)
		}
		for _, table := range []string{"attachments", "attachment_chunks"} {
			if s.read.Table(table).Count(&rows); rows != 0 {
				t.Errorf("%d rows left in %s", rows, table)
			}
		}
	})
}
