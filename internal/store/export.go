package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// ExportRow is one enquiry as the exports write it.
type ExportRow struct {
	Enquiry
	// Countries are the destination codes in the prospect's order.
	Countries []string
}

// exportColumns are read straight into ExportRow, without gorm's reflection:
// an export of a million rows is mostly this loop.
const exportColumns = `e.id, e.reference, e.status, e.full_name, e.company, e.email, e.phone, e.service,
	e.origin_country, e.product_category, e.product_description, e.condition, e.hs_code,
	e.contains_encryption, e.wireless_radio, e.lithium_batteries, e.shipment_value_cents, e.currency,
	e.target_date, e.message, e.consent_at, e.privacy_notice_version, e.utm_source, e.utm_medium,
	e.utm_campaign, e.referrer, e.assignee_id, e.created_at,
	(SELECT group_concat(country, ' ') FROM
		(SELECT country FROM enquiry_destinations WHERE enquiry_id = e.id ORDER BY position)) AS countries`

// ExportEnquiries streams every enquiry of the filter, in the list's order,
// to fn. The row is reused between calls.
func (s *Store) ExportEnquiries(ctx context.Context, f Filter, fn func(*ExportRow) error) error {
	f.Limit, f.Offset = 0, 0
	rows, err := s.query(ctx, f).Select(exportColumns).Rows()
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer rows.Close()
	var r ExportRow
	var assignee sql.NullInt64
	var countries sql.NullString
	var consentAt, createdAt time.Time
	for rows.Next() {
		e := &r.Enquiry
		err := rows.Scan(&e.ID, &e.Reference, &e.Status, &e.FullName, &e.Company, &e.Email, &e.Phone, &e.Service,
			&e.OriginCountry, &e.ProductCategory, &e.ProductDescription, &e.Condition, &e.HSCode,
			&e.ContainsEncryption, &e.WirelessRadio, &e.LithiumBatteries, &e.ShipmentValueCents, &e.Currency,
			&e.TargetDate, &e.Message, &consentAt, &e.PrivacyNoticeVersion, &e.UTMSource, &e.UTMMedium,
			&e.UTMCampaign, &e.Referrer, &assignee, &createdAt, &countries)
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		e.ConsentAt, e.CreatedAt = consentAt, createdAt
		e.AssigneeID = nil
		if assignee.Valid {
			id := assignee.Int64
			e.AssigneeID = &id
		}
		r.Countries = strings.Fields(countries.String)
		if err := fn(&r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}
