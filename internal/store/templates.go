package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// ReplyTemplate is a canned reply: a name, a subject and a body with merge
// fields.
type ReplyTemplate struct {
	ID            int64 `gorm:"primaryKey"`
	Name          string
	Subject, Body string
	// Language is the language it is written in, as internal/lang codes it.
	Language  string
	UpdatedAt time.Time
}

// ReplyTemplates lists the templates by name.
func (s *Store) ReplyTemplates(ctx context.Context) ([]ReplyTemplate, error) {
	var out []ReplyTemplate
	if err := s.read.WithContext(ctx).Order("name, id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list reply templates: %w", err)
	}
	return out, nil
}

// ReplyTemplateByID reads one template.
func (s *Store) ReplyTemplateByID(ctx context.Context, id int64) (*ReplyTemplate, error) {
	var t ReplyTemplate
	err := s.read.WithContext(ctx).Where("id = ?", id).Take(&t).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	return &t, err
}

// SaveReplyTemplate stores a new template (ID 0) or changes one; a name
// taken by another is ErrConflict.
func (s *Store) SaveReplyTemplate(ctx context.Context, t *ReplyTemplate) error {
	err := s.Write(ctx, func(tx *Tx) error {
		t.UpdatedAt = tx.now().UTC()
		t.Language = languageOrEnglish(t.Language)
		if t.ID == 0 {
			return tx.db.Create(t).Error
		}
		res := tx.db.Model(&ReplyTemplate{}).Where("id = ?", t.ID).
			Updates(map[string]any{"name": t.Name, "subject": t.Subject, "body": t.Body, "language": t.Language, "updated_at": t.UpdatedAt})
		if res.Error == nil && res.RowsAffected == 0 {
			return ErrNotFound
		}
		return res.Error
	})
	if err != nil && isUniqueViolation(err) {
		return fmt.Errorf("a template named %q exists: %w", t.Name, ErrConflict)
	}
	return err
}

// DeleteReplyTemplate removes a template.
func (s *Store) DeleteReplyTemplate(ctx context.Context, id int64) error {
	return s.Write(ctx, func(tx *Tx) error { return tx.db.Delete(&ReplyTemplate{}, id).Error })
}
