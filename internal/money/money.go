// Package money writes amounts held as integer cents.
package money

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
)

// amountPattern is a decimal amount with at most two decimals, optionally
// with commas between groups of three digits: 25000, 25,000.50.
var amountPattern = regexp.MustCompile(`^(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$`)

// Errors of Parse.
var (
	ErrNotAmount = errors.New("not an amount with at most two decimals")
	ErrTooLarge  = errors.New("amount too large")
)

// Parse reads an amount as people write it ("25,000.50") into cents, up to
// max cents.
func Parse(text string, max int64) (int64, error) {
	v := strings.TrimSpace(text)
	if len(v) > 20 || !amountPattern.MatchString(v) {
		return 0, ErrNotAmount
	}
	whole, frac, _ := strings.Cut(strings.ReplaceAll(v, ",", ""), ".")
	for len(frac) < 2 {
		frac += "0"
	}
	cents, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil || cents > max {
		return 0, ErrTooLarge
	}
	return cents, nil
}

// Format writes cents with thousands separators and the currency:
// "1,250,000.50 EUR".
func Format(cents int64, currency string) string {
	whole := strconv.FormatInt(cents/100, 10)
	b := make([]byte, 0, len(whole)+len(whole)/3+5+len(currency))
	for i := range len(whole) {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, whole[i])
	}
	b = append(b, '.', byte('0'+cents%100/10), byte('0'+cents%10), ' ')
	return string(append(b, currency...))
}

// Decimal writes cents as a plain decimal, "1250000.50", for files that
// other programs read.
func Decimal(cents int64) string {
	return strconv.FormatInt(cents/100, 10) + "." + strconv.FormatInt(100+cents%100, 10)[1:]
}
