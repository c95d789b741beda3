package money

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"time"
)

// Rates are reference exchange rates: how many units of each currency one
// euro buys (the European Central Bank's convention; EUR itself is 1).
type Rates map[string]float64

// Convert turns cents in currency from into cents of currency to, and says
// whether both rates are known.
func (r Rates) Convert(cents int64, from, to string) (int64, bool) {
	if from == to {
		return cents, true
	}
	perFrom, perTo := r.per(from), r.per(to)
	if perFrom <= 0 || perTo <= 0 {
		return 0, false
	}
	return int64(math.Round(float64(cents) / perFrom * perTo)), true
}

func (r Rates) per(currency string) float64 {
	if currency == "EUR" {
		return 1
	}
	return r[currency]
}

// currencyCode is an ISO 4217 code.
var currencyCode = regexp.MustCompile(`^[A-Z]{3}$`)

// ErrNotECB: the file is not the ECB's daily reference rates.
var ErrNotECB = errors.New("not the European Central Bank's reference-rates XML (eurofxref-daily.xml)")

// ecbEnvelope is the shape of the ECB's daily reference rates
// (eurofxref-daily.xml): Cube/Cube[@time]/Cube[@currency @rate].
type ecbEnvelope struct {
	XMLName xml.Name `xml:"Envelope"`
	Days    []struct {
		Time  string `xml:"time,attr"`
		Rates []struct {
			Currency string `xml:"currency,attr"`
			Rate     string `xml:"rate,attr"`
		} `xml:"Cube"`
	} `xml:"Cube>Cube"`
}

// ParseECB reads the ECB's daily reference rates: the day they are for
// (YYYY-MM-DD) and the rates; of a file with several days (the 90-day
// history), the newest. Any rate that is not a positive number, or a code
// that is not three letters, refuses the whole file.
func ParseECB(r io.Reader) (string, Rates, error) {
	var env ecbEnvelope
	dec := xml.NewDecoder(io.LimitReader(r, 4<<20))
	if err := dec.Decode(&env); err != nil {
		return "", nil, fmt.Errorf("%w: %v", ErrNotECB, err)
	}
	newest := -1
	for i, d := range env.Days {
		if _, err := time.Parse(time.DateOnly, d.Time); err != nil {
			return "", nil, fmt.Errorf("%w: day %q is not a date", ErrNotECB, d.Time)
		}
		if newest < 0 || d.Time > env.Days[newest].Time {
			newest = i
		}
	}
	if newest < 0 || len(env.Days[newest].Rates) == 0 {
		return "", nil, fmt.Errorf("%w: no rates in it", ErrNotECB)
	}
	day := env.Days[newest]
	rates := Rates{}
	for _, c := range day.Rates {
		v, err := strconv.ParseFloat(c.Rate, 64)
		if !currencyCode.MatchString(c.Currency) || err != nil || v <= 0 || math.IsInf(v, 0) {
			return "", nil, fmt.Errorf("%w: rate %q for %q", ErrNotECB, c.Rate, c.Currency)
		}
		rates[c.Currency] = v
	}
	return day.Time, rates, nil
}
