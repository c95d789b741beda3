package store

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm/clause"

	"iordesk/internal/money"
)

// ExchangeRate is how many units of Currency one euro buys, on RateDate
// (YYYY-MM-DD), and where the figure came from.
type ExchangeRate struct {
	Currency  string  `gorm:"primaryKey"`
	PerEUR    float64 `gorm:"column:per_eur"`
	RateDate  string
	Source    string // RatesByHand or RatesFromECB
	UpdatedAt time.Time
	UpdatedBy string
}

// TableName keeps the table name explicit.
func (ExchangeRate) TableName() string { return "exchange_rates" }

// Where a rate came from.
const (
	RatesByHand  = "manual"
	RatesFromECB = "ecb"
)

// AuditRates: exchange rates set by hand or imported.
const AuditRates = "exchange_rates"

// ExchangeRates lists the rates kept, by currency.
func (s *Store) ExchangeRates(ctx context.Context) ([]ExchangeRate, error) {
	var out []ExchangeRate
	if err := s.read.WithContext(ctx).Order("currency").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("exchange rates: %w", err)
	}
	return out, nil
}

// RatesOf turns kept rates into money.Rates.
func RatesOf(list []ExchangeRate) money.Rates {
	r := money.Rates{}
	for _, x := range list {
		r[x.Currency] = x.PerEUR
	}
	return r
}

// SetExchangeRates keeps the rates given (replacing those of the same
// currencies) and records them in the audit log, in one write.
func (s *Store) SetExchangeRates(ctx context.Context, rates []ExchangeRate, by Actor, ip string) error {
	if len(rates) == 0 {
		return nil
	}
	return s.Write(ctx, func(tx *Tx) error {
		now := tx.now().UTC()
		var detail []string
		for i := range rates {
			rates[i].UpdatedAt, rates[i].UpdatedBy = now, by.Name
			detail = append(detail, fmt.Sprintf("%s %g (%s, %s)", rates[i].Currency, rates[i].PerEUR, rates[i].RateDate, rates[i].Source))
		}
		if err := tx.db.Clauses(clause.OnConflict{UpdateAll: true}).Create(&rates).Error; err != nil {
			return fmt.Errorf("keep exchange rates: %w", err)
		}
		sort.Strings(detail)
		entry := AuditEntry{CreatedAt: now, Actor: by.Name, Action: AuditRates, IP: ip,
			Detail: "rates per euro: " + strings.Join(detail, ", ")}
		if by.ID != 0 {
			entry.UserID = &by.ID
		}
		return tx.db.Create(&entry).Error
	})
}
