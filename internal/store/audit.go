package store

import (
	"context"
	"fmt"
	"time"
)

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	ID        int64 `gorm:"primaryKey"`
	CreatedAt time.Time
	UserID    *int64
	Actor     string
	Action    string
	Detail    string
	IP        string `gorm:"column:ip"`
}

// TableName keeps the table name explicit.
func (AuditEntry) TableName() string { return "audit_log" }

// Audit actions.
const (
	AuditExport        = "export"
	AuditLogin         = "login"
	AuditLoginFailed   = "login_failed"
	AuditLogout        = "logout"
	AuditAccountAdd    = "account_created"
	AuditAccountChange = "account_changed"
	AuditErasure       = "erasure"
	// AuditComplianceRelease: a manager moved a held or blocked enquiry on.
	AuditComplianceRelease = "compliance_release"
	// AuditDesk: a manager changed a desk's hours, promise or holidays.
	AuditDesk = "desk"
	// AuditPasswordChange: a staff member changed their own password.
	AuditPasswordChange = "password_changed"
	// AuditRuleChange: a compliance rule added, changed or retired.
	AuditRuleChange = "rule_change"
)

// Audit appends to the audit log (nothing in the application updates or
// deletes it).
func (s *Store) Audit(ctx context.Context, e AuditEntry) error {
	return s.Write(ctx, func(tx *Tx) error {
		e.ID, e.CreatedAt = 0, tx.now().UTC()
		if err := tx.db.Create(&e).Error; err != nil {
			return fmt.Errorf("audit %s: %w", e.Action, err)
		}
		return nil
	})
}

// AuditLog lists the newest entries first.
func (s *Store) AuditLog(ctx context.Context, limit int) ([]AuditEntry, error) {
	var out []AuditEntry
	err := s.read.WithContext(ctx).Order("id DESC").Limit(limit).Find(&out).Error
	return out, err
}
