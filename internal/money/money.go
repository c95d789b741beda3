// Package money writes amounts held as integer cents.
package money

import (
	"errors"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
)

// amountPattern is a decimal amount with at most two decimals, optionally
// with commas between groups of three digits: 25000, 25,000.50.
var amountPattern = regexp.MustCompile(`^(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$`)

// commaAmount is an amount as Spanish, French, German and Portuguese
// write it: a decimal comma with at most two decimals, thousands grouped
// by points or by spaces (plain, no-break or narrow no-break), the same
// mark throughout: 25000, 25.000,50, 25 000,50.
var commaAmount = regexp.MustCompile(`^(\d{1,3}(\.\d{3})+|\d{1,3}([ \x{00A0}\x{202F}]\d{3})+|\d+)(,\d{1,2})?$`)

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

// ParseIn is Parse for a reader whose language writes a decimal comma
// (decimalComma): "25.000,50" is read as that language reads it, and what
// cannot be read so is read as Parse reads it ("25,000.50"). The two
// never disagree: a comma with three digits after it, or a point with one
// or two, is not the comma notation. Without decimalComma, ParseIn is
// Parse.
func ParseIn(text string, max int64, decimalComma bool) (int64, error) {
	v := strings.TrimSpace(text)
	if !decimalComma || len(v) > 24 || !commaAmount.MatchString(v) {
		return Parse(v, max)
	}
	v = strings.NewReplacer(".", "", " ", "", "\u00a0", "", "\u202f", "", ",", ".").Replace(v)
	return Parse(v, max)
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

// FormatIn is Format as the language of tag writes numbers (CLDR, through
// golang.org/x/text): "1.250.000,50 EUR" in German, "1 250 000,50 EUR" in
// French, Arabic-Indic digits in Arabic.
func FormatIn(cents int64, currency string, tag language.Tag) string {
	// Amounts are at most 10^11 cents, exact in a float64.
	return message.NewPrinter(tag).Sprint(number.Decimal(float64(cents)/100, number.Scale(2))) + " " + currency
}

// Decimal writes cents as a plain decimal, "1250000.50", for files that
// other programs read.
func Decimal(cents int64) string {
	return strconv.FormatInt(cents/100, 10) + "." + strconv.FormatInt(100+cents%100, 10)[1:]
}
