package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Enquiry is one prospect's request, as stored.
type Enquiry struct {
	ID                 int64 `gorm:"primaryKey"`
	Reference          string
	Status             string
	FullName           string
	Company            string
	Email              string
	Phone              string
	Service            string
	OriginCountry      string
	ProductCategory    string
	ProductDescription string
	Condition          string
	HSCode             string `gorm:"column:hs_code"`
	// EndUserHQCountry is where the end user is headquartered (ISO
	// alpha-2), or empty when the prospect did not say.
	EndUserHQCountry string `gorm:"column:end_user_hq_country"`
	// ComplianceState is the pre-screen's verdict (see ComplianceClear…).
	ComplianceState      string
	ContainsEncryption   string
	WirelessRadio        string
	LithiumBatteries     string
	ShipmentValueCents   int64
	Currency             string
	TargetDate           string // YYYY-MM-DD or empty
	Message              string
	ConsentAt            time.Time
	PrivacyNoticeVersion string
	// Language is the prospect's language, as internal/lang codes it.
	Language    string
	UTMSource   string `gorm:"column:utm_source"`
	UTMMedium   string `gorm:"column:utm_medium"`
	UTMCampaign string `gorm:"column:utm_campaign"`
	Referrer    string
	ClientIP    string `gorm:"column:client_ip"`
	UserAgent   string
	AssigneeID  *int64
	// FollowUpOn is the date of the next action the desk planned
	// (YYYY-MM-DD in the desk's time zone), or empty.
	FollowUpOn string `gorm:"column:follow_up_on"`
	// Desk is the address of the desk that answers the enquiry ("": the
	// default desk); RespondBy when its first-response promise falls due
	// (nil: received before promises were kept); FirstResponseAt and
	// FirstResponseBy its first response (nil: none yet).
	Desk            string
	RespondBy       *time.Time
	FirstResponseAt *time.Time
	FirstResponseBy *int64
	// DuplicateOf is the enquiry staff confirmed this one duplicates
	// (nil: none); a duplicate counts once, in the original.
	DuplicateOf *int64
	// AwaitingReplySince is when the prospect wrote and was not answered
	// since (nil: nobody waits for the desk).
	AwaitingReplySince *time.Time
	Version            int64
	CreatedAt          time.Time
	UpdatedAt          time.Time

	// Destinations are the ISO alpha-2 destination countries in the order
	// the prospect gave them (the enquiry's own column;
	// enquiry_destinations holds them again keyed by country, for the
	// dashboard's filter and counts).
	Destinations CountryCodes `gorm:"column:destinations"`
}

// CountryCodes are ISO alpha-2 country codes in order, stored as one text
// column of space-separated codes.
type CountryCodes []string

// Scan reads the column.
func (c *CountryCodes) Scan(v any) error {
	var text string
	switch v := v.(type) {
	case string:
		text = v
	case []byte:
		text = string(v)
	case nil:
	default:
		return fmt.Errorf("country codes from %T", v)
	}
	*c = appendFields((*c)[:0], text)
	return nil
}

// Value writes the column.
func (c CountryCodes) Value() (driver.Value, error) { return strings.Join(c, " "), nil }

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

// OpenStatuses are the statuses of enquiries still being worked on.
var OpenStatuses = []string{StatusNew, StatusTriaged, StatusContacted, StatusQuoted}

// utcOrNil is t in UTC, or NULL.
func utcOrNil(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}

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
	e.ID, e.Status, e.Version, e.Language = 0, StatusNew, 1, languageOrEnglish(e.Language)
	e.CreatedAt, e.UpdatedAt, e.ConsentAt = now, now, e.ConsentAt.UTC()
	e.Destinations = CountryCodes(countries)
	// On PostgreSQL a failed statement aborts the whole transaction: a
	// savepoint lets the caller retry with a new reference after a clash.
	if tx.dialect.postgres {
		if _, err := tx.exec("savepoint-enquiry"); err != nil {
			return fmt.Errorf("insert enquiry: %w", err)
		}
	}
	row, err := tx.queryRow("insert-enquiry", e.Reference, e.Status, e.FullName, e.Company, e.Email, e.Phone, e.Service,
		e.OriginCountry, e.ProductCategory, e.ProductDescription, e.Condition, e.HSCode, e.ContainsEncryption,
		e.WirelessRadio, e.LithiumBatteries, e.ShipmentValueCents, e.Currency, e.TargetDate, e.Message, e.ConsentAt,
		e.PrivacyNoticeVersion, e.UTMSource, e.UTMMedium, e.UTMCampaign, e.Referrer, e.ClientIP, e.UserAgent,
		e.AssigneeID, e.Version, e.CreatedAt, e.UpdatedAt, e.Destinations, e.EndUserHQCountry, e.ComplianceState,
		e.Desk, utcOrNil(e.RespondBy), e.Language)
	if err == nil {
		err = row.Scan(&e.ID)
	}
	if err != nil {
		if tx.dialect.postgres {
			if _, rerr := tx.exec("rollback-to-enquiry"); rerr != nil {
				return fmt.Errorf("insert enquiry: %w (and %v)", err, rerr)
			}
		}
		if isUniqueViolation(err) {
			return fmt.Errorf("insert enquiry %s: %w", e.Reference, ErrConflict)
		}
		return fmt.Errorf("insert enquiry: %w", err)
	}
	if err := tx.insertDestinations(e.ID, now, countries); err != nil {
		return err
	}
	if err := tx.fileForDuplicates(e); err != nil {
		return err
	}
	if err := tx.oweDocument(e.ID); err != nil {
		return err
	}
	tx.tally().add(e, openLines(countries), +1)
	return nil
}

// insertDestinations writes an enquiry's rows of enquiry_destinations.
func (tx *Tx) insertDestinations(id int64, created time.Time, countries []string) error {
	args := make([]any, 0, destinationWidth*len(countries))
	for _, c := range countries {
		args = append(args, c, created, id)
	}
	n := len(countries)
	if _, err := tx.execRows("insert-destinations", destinationsKey(n), n, destinationWidth, args...); err != nil {
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
	return &e, nil
}

// CountEnquiries counts every stored enquiry.
func (s *Store) CountEnquiries(ctx context.Context) (int64, error) {
	var n int64
	if err := s.read.WithContext(ctx).Model(&Enquiry{}).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("count enquiries: %w", err)
	}
	return n, nil
}

// languageOrEnglish is the language an enquiry is stored with: English
// when the caller names none.
func languageOrEnglish(code string) string {
	if code == "" {
		return "en"
	}
	return code
}
