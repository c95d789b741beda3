package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Enquiry is one prospect's request, as stored.
type Enquiry struct {
	ID                   int64 `gorm:"primaryKey"`
	Reference            string
	Status               string
	FullName             string
	Company              string
	Email                string
	Phone                string
	Service              string
	OriginCountry        string
	ProductCategory      string
	ProductDescription   string
	Condition            string
	HSCode               string `gorm:"column:hs_code"`
	ContainsEncryption   string
	WirelessRadio        string
	LithiumBatteries     string
	ShipmentValueCents   int64
	Currency             string
	TargetDate           string // YYYY-MM-DD or empty
	Message              string
	ConsentAt            time.Time
	PrivacyNoticeVersion string
	UTMSource            string `gorm:"column:utm_source"`
	UTMMedium            string `gorm:"column:utm_medium"`
	UTMCampaign          string `gorm:"column:utm_campaign"`
	Referrer             string
	ClientIP             string `gorm:"column:client_ip"`
	UserAgent            string
	AssigneeID           *int64
	Version              int64
	CreatedAt            time.Time
	UpdatedAt            time.Time

	// DestinationCodes are the ISO alpha-2 destination countries in the
	// order the prospect gave them, space-separated (the enquiry's own
	// column; enquiry_destinations holds them again keyed by country, for
	// the dashboard's filter and counts).
	DestinationCodes string `gorm:"column:destinations"`
	// Destinations are the same codes as read with the enquiry.
	Destinations []Destination `gorm:"-"`
}

// Destination is one destination country of an enquiry.
type Destination struct {
	EnquiryID int64
	Country   string
	CreatedAt time.Time
}

// Countries lists the destination codes in order.
func (e *Enquiry) Countries() []string {
	out := make([]string, len(e.Destinations))
	for i, d := range e.Destinations {
		out[i] = d.Country
	}
	return out
}

// Status values of the enquiry lifecycle.
const (
	StatusNew       = "new"
	StatusTriaged   = "triaged"
	StatusContacted = "contacted"
	StatusQuoted    = "quoted"
	StatusWon       = "won"
	StatusLost      = "lost"
	StatusSpam      = "spam"
)

// InsertEnquiry writes the enquiry with its destinations (from countries)
// on its row and, keyed by country, in enquiry_destinations, through
// statements prepared once: this is the intake's hot path. Its "created"
// event is implied by the row (see Events). A taken reference gives
// ErrConflict so the caller can draw a new one.
func (tx *Tx) InsertEnquiry(e *Enquiry, countries []string) error {
	if len(countries) == 0 || len(countries) > maxDestinationRows {
		return fmt.Errorf("insert enquiry: %d destinations, want 1 to %d", len(countries), maxDestinationRows)
	}
	now := tx.now().UTC()
	e.ID, e.Status, e.Version = 0, StatusNew, 1
	e.CreatedAt, e.UpdatedAt, e.ConsentAt = now, now, e.ConsentAt.UTC()
	e.DestinationCodes = strings.Join(countries, " ")
	// On PostgreSQL a failed statement aborts the whole transaction: a
	// savepoint lets the caller retry with a new reference after a clash.
	if tx.dialect.postgres {
		if _, err := tx.exec(sqlSavepointEnquiry); err != nil {
			return fmt.Errorf("insert enquiry: %w", err)
		}
	}
	row, err := tx.queryRow(sqlInsertEnquiry, e.Reference, e.Status, e.FullName, e.Company, e.Email, e.Phone, e.Service,
		e.OriginCountry, e.ProductCategory, e.ProductDescription, e.Condition, e.HSCode, e.ContainsEncryption,
		e.WirelessRadio, e.LithiumBatteries, e.ShipmentValueCents, e.Currency, e.TargetDate, e.Message, e.ConsentAt,
		e.PrivacyNoticeVersion, e.UTMSource, e.UTMMedium, e.UTMCampaign, e.Referrer, e.ClientIP, e.UserAgent,
		e.AssigneeID, e.Version, e.CreatedAt, e.UpdatedAt, e.DestinationCodes)
	if err == nil {
		err = row.Scan(&e.ID)
	}
	if err != nil {
		if tx.dialect.postgres {
			if _, rerr := tx.exec(sqlRollbackEnquiry); rerr != nil {
				return fmt.Errorf("insert enquiry: %w (and %v)", err, rerr)
			}
		}
		if isUniqueViolation(err) {
			return fmt.Errorf("insert enquiry %s: %w", e.Reference, ErrConflict)
		}
		return fmt.Errorf("insert enquiry: %w", err)
	}
	e.fillDestinations()
	args := make([]any, 0, 3*len(countries))
	for _, c := range countries {
		args = append(args, c, now, e.ID)
	}
	if _, err := tx.exec(destinationsSQL(len(countries)), args...); err != nil {
		return fmt.Errorf("insert destinations: %w", err)
	}
	return nil
}

// EnquiryByReference reads one enquiry with its destinations.
func (s *Store) EnquiryByReference(ctx context.Context, ref string) (*Enquiry, error) {
	return s.enquiryWhere(ctx, "reference = ?", ref)
}

// EnquiryByID reads one enquiry with its destinations.
func (s *Store) EnquiryByID(ctx context.Context, id int64) (*Enquiry, error) {
	return s.enquiryWhere(ctx, "id = ?", id)
}

func (s *Store) enquiryWhere(ctx context.Context, cond string, arg any) (*Enquiry, error) {
	var e Enquiry
	err := s.read.WithContext(ctx).Where(cond, arg).Take(&e).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read enquiry (%s %v): %w", cond, arg, err)
	}
	e.fillDestinations()
	return &e, nil
}

// fillDestinations sets Destinations from DestinationCodes.
func (e *Enquiry) fillDestinations() {
	codes := strings.Fields(e.DestinationCodes)
	e.Destinations = make([]Destination, len(codes))
	for i, c := range codes {
		e.Destinations[i] = Destination{EnquiryID: e.ID, Country: c, CreatedAt: e.CreatedAt}
	}
}

// CountEnquiries counts every stored enquiry.
func (s *Store) CountEnquiries(ctx context.Context) (int64, error) {
	var n int64
	if err := s.read.WithContext(ctx).Model(&Enquiry{}).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("count enquiries: %w", err)
	}
	return n, nil
}

func isUniqueViolation(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "duplicate key value")
}
