// Package dupes finds possible duplicates of a new enquiry: the same
// prospect asking again, or a colleague of theirs asking for the same
// shipment (docs/DESIGN.md, "Possible duplicates").
package dupes

import (
	"slices"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Window is how far back a new enquiry looks for its duplicates.
const Window = 30 * 24 * time.Hour

// Reasons a pair is a possible duplicate, strongest first.
const (
	SameEmail   = "same email address"
	SameCompany = "same company"
	SameDomain  = "same email domain"
)

// legalForms are the words of a company name that say what kind of company
// it is, not which: "Apex Networks Ltd" and "APEX NETWORKS LIMITED" are one.
var legalForms = map[string]bool{
	"ltd": true, "limited": true, "llc": true, "llp": true, "lp": true, "inc": true, "incorporated": true,
	"corp": true, "corporation": true, "co": true, "company": true, "plc": true, "gmbh": true, "ag": true,
	"kg": true, "ug": true, "mbh": true, "sa": true, "sas": true, "sarl": true, "sl": true, "slu": true, "srl": true,
	"spa": true, "bv": true, "nv": true, "oy": true, "ab": true, "as": true, "asa": true, "aps": true, "pte": true,
	"pty": true, "kk": true, "ltda": true, "lda": true, "sau": true, "sp": true, "zoo": true, "doo": true, "jsc": true,
	"pjsc": true, "ooo": true, "pvt": true, "bhd": true, "sdn": true, "tbk": true, "pt": true, "the": true, "and": true,
	"group": true, "holding": true, "holdings": true,
}

// CompanyKey is a company name as compared: letters and digits only, in
// lower case without accents, legal forms dropped ("" when nothing is
// left, which matches nothing).
func CompanyKey(company string) string {
	folded := norm.NFD.String(strings.ToLower(company))
	var words []string
	word := strings.Builder{}
	flush := func() {
		if word.Len() > 0 {
			words = append(words, word.String())
			word.Reset()
		}
	}
	for _, r := range folded {
		switch {
		case unicode.Is(unicode.Mn, r): // an accent, dropped
		case r == '.' || r == '\'' || r == '’':
			// "S.A.", "B.V." and "O'Neil" are one word each.
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			word.WriteRune(r)
		default:
			flush()
		}
	}
	flush()
	words = slices.DeleteFunc(words, func(w string) bool { return legalForms[w] })
	return strings.Join(words, " ")
}

// Domain is an address's domain in lower case.
func Domain(email string) string {
	_, domain, _ := strings.Cut(strings.ToLower(strings.TrimSpace(email)), "@")
	return domain
}

// Enquiry is what the comparison reads of an enquiry.
type Enquiry struct {
	Email, Company string
	Destinations   []string
	ValueCents     int64
	Currency       string
}

// Keys are what a new enquiry is looked up by and later found by: its
// company, and its email domain or, for a free-mail address, the address
// itself (many people share gmail.com).
func Keys(company, email string) []string {
	var keys []string
	if c := CompanyKey(company); c != "" {
		keys = append(keys, "c:"+c)
	}
	if d := Domain(email); d != "" {
		if FreeMail(d) {
			keys = append(keys, "e:"+strings.ToLower(strings.TrimSpace(email)))
		} else {
			keys = append(keys, "d:"+d)
		}
	}
	return keys
}

// Reason says why later may duplicate earlier: the same address, the same
// company or the same (not free-mail) domain, at least one destination in
// common and, when both values are in one currency, the later's within
// ±20 % of the earlier's. "" when it does not.
func Reason(later, earlier Enquiry) string {
	if !slices.ContainsFunc(later.Destinations, func(c string) bool { return slices.Contains(earlier.Destinations, c) }) {
		return ""
	}
	if later.Currency == earlier.Currency && earlier.ValueCents > 0 {
		ratio := float64(later.ValueCents) / float64(earlier.ValueCents)
		if ratio < 0.8 || ratio > 1.2 {
			return ""
		}
	}
	domain := Domain(later.Email)
	switch {
	case strings.EqualFold(strings.TrimSpace(later.Email), strings.TrimSpace(earlier.Email)):
		return SameEmail
	case CompanyKey(later.Company) != "" && CompanyKey(later.Company) == CompanyKey(earlier.Company):
		return SameCompany
	case domain != "" && !FreeMail(domain) && domain == Domain(earlier.Email):
		return SameDomain
	}
	return ""
}
