package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"
)

// Attachments (docs/DESIGN.md, "Attachments"): a prospect's files, kept in
// the database a chunk a row. A file is staged while its post is read —
// each chunk in a write of its own, so no file is ever whole in memory and
// the writer never holds a large transaction — under the post's upload key;
// the write that decides the post gives the staged files to the enquiry
// (ClaimAttachments) or drops them (DropAttachments). Chunks are written
// without waiting for the disk: the post's own write waits, and its sync
// covers what was written before it.

// Attachment is one file of an enquiry.
type Attachment struct {
	ID        int64
	EnquiryID int64
	Name      string
	MediaType string
	Size      int64
	SHA256    string // hex
	CreatedAt time.Time
}

// attachmentChunk is the size of a stored chunk.
const attachmentChunk = 256 << 10

// ErrTooLarge is a file over the size it was allowed.
var ErrTooLarge = errors.New("file too large")

// StageAttachment stores the file read from r (at most maxSize bytes, else
// ErrTooLarge and nothing kept) under the upload key of the post that
// brings it. head is what was already read from the file (to decide its
// type); r is the rest.
func (s *Store) StageAttachment(ctx context.Context, upload, name, mediaType string, head []byte, r io.Reader, maxSize int64) (Attachment, error) {
	a := Attachment{Name: name, MediaType: mediaType}
	err := s.WriteRelaxed(ctx, func(tx *Tx) error {
		a.CreatedAt = tx.now().UTC()
		row, err := tx.queryRow("stage-attachment", upload, name, mediaType, a.CreatedAt)
		if err != nil {
			return err
		}
		return row.Scan(&a.ID)
	})
	if err != nil {
		return Attachment{}, fmt.Errorf("stage attachment: %w", err)
	}
	if err := s.writeChunks(ctx, &a, head, r, maxSize); err != nil {
		// A failed upload leaves nothing; should this delete fail too, the
		// purge of stale staged files takes it.
		_ = s.WriteRelaxed(context.WithoutCancel(ctx), func(tx *Tx) error {
			_, err := tx.exec("delete-attachment", a.ID)
			return err
		})
		return Attachment{}, err
	}
	return a, nil
}

// writeChunks stores head and then r, a chunk a write, and the file's
// size and digest.
func (s *Store) writeChunks(ctx context.Context, a *Attachment, head []byte, r io.Reader, maxSize int64) error {
	digest := sha256.New()
	buf := make([]byte, attachmentChunk)
	src := io.MultiReader(bytes.NewReader(head), r)
	for seq := 0; ; seq++ {
		n, err := io.ReadFull(src, buf)
		if n > 0 {
			if a.Size += int64(n); a.Size > maxSize {
				return ErrTooLarge
			}
			digest.Write(buf[:n])
			werr := s.WriteRelaxed(ctx, func(tx *Tx) error {
				_, err := tx.exec("insert-attachment-chunk", a.ID, seq, buf[:n])
				return err
			})
			if werr != nil {
				return fmt.Errorf("store attachment: %w", werr)
			}
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return fmt.Errorf("read attachment: %w", err)
		}
	}
	a.SHA256 = hex.EncodeToString(digest.Sum(nil))
	err := s.WriteRelaxed(ctx, func(tx *Tx) error {
		_, err := tx.exec("finish-attachment", a.Size, a.SHA256, a.ID)
		return err
	})
	if err != nil {
		return fmt.Errorf("store attachment: %w", err)
	}
	return nil
}

// ClaimAttachments gives the files staged under upload to an enquiry, in
// the write that stores it.
func (tx *Tx) ClaimAttachments(upload string, enquiryID int64) error {
	if upload == "" {
		return nil
	}
	if _, err := tx.exec("claim-attachments", enquiryID, upload); err != nil {
		return fmt.Errorf("claim attachments: %w", err)
	}
	return nil
}

// DropAttachments deletes the files staged under upload: their post was
// refused.
func (tx *Tx) DropAttachments(upload string) error {
	if upload == "" {
		return nil
	}
	if _, err := tx.exec("drop-staged-attachments", upload); err != nil {
		return fmt.Errorf("drop attachments: %w", err)
	}
	return nil
}

// DropStagedAttachments deletes the files staged under upload outside a
// post's write (the post failed before it was judged).
func (s *Store) DropStagedAttachments(ctx context.Context, upload string) error {
	return s.WriteRelaxed(ctx, func(tx *Tx) error { return tx.DropAttachments(upload) })
}

// stagedFileAge is how long a staged file may wait for its post: longer
// than any upload the server's deadlines let run.
const stagedFileAge = time.Hour

// PurgeStagedAttachments deletes the files of posts that never finished.
func (s *Store) PurgeStagedAttachments(ctx context.Context) (int64, error) {
	var total int64
	for {
		var n int64
		err := s.Write(ctx, func(tx *Tx) error {
			var err error
			n, err = rowsAffected(tx.exec("purge-staged-attachments", tx.now().UTC().Add(-stagedFileAge), purgeChunk))
			return err
		})
		if err != nil {
			return total, fmt.Errorf("purge staged attachments: %w", err)
		}
		if total += n; n < purgeChunk {
			return total, nil
		}
	}
}

// Attachments lists an enquiry's files, oldest first.
func (s *Store) Attachments(ctx context.Context, enquiryID int64) ([]Attachment, error) {
	rows, err := s.query(ctx, "enquiry-attachments", enquiryID)
	if err != nil {
		return nil, fmt.Errorf("list attachments: %w", err)
	}
	defer rows.Close()
	var out []Attachment
	for rows.Next() {
		a := Attachment{EnquiryID: enquiryID}
		if err := rows.Scan(&a.ID, &a.Name, &a.MediaType, &a.Size, &a.SHA256, &a.CreatedAt); err != nil {
			return nil, fmt.Errorf("list attachments: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// ReadAttachment finds file id of an enquiry (ErrNotFound if it is not
// that enquiry's) and, if it is, passes its bytes to fn a chunk at a time.
// found is called first, with the file's details, before any byte.
func (s *Store) ReadAttachment(ctx context.Context, enquiryID, id int64, found func(Attachment) error, fn func([]byte) error) error {
	var a Attachment
	err := s.queryRow(ctx, "attachment", id, enquiryID).Scan(&a.ID, &a.EnquiryID, &a.Name, &a.MediaType, &a.Size, &a.SHA256, &a.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("read attachment: %w", err)
	}
	if err := found(a); err != nil {
		return err
	}
	rows, err := s.query(ctx, "attachment-chunks", id)
	if err != nil {
		return fmt.Errorf("read attachment: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var chunk []byte
		if err := rows.Scan(&chunk); err != nil {
			return fmt.Errorf("read attachment: %w", err)
		}
		if err := fn(chunk); err != nil {
			return err
		}
	}
	return rows.Err()
}
