// Package money writes amounts held as integer cents.
package money

import "strconv"

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
