package enquiry

import (
	"errors"
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"iordesk/internal/catalog"
	"iordesk/internal/lang"
	"iordesk/internal/money"
	"iordesk/internal/personname"

	"github.com/nyaruka/phonenumbers"
)

// Limits of the form's rules (docs/DESIGN.md, "Routes, fields and statuses").
const (
	maxDestinations   = 20
	maxShipmentCents  = 1_000_000_000 * 100
	maxEmailLength    = 254
	maxTrackingLength = 200
	maxReferrerLength = 2000
	targetDateMonths  = 24
)

// Clean is a validated enquiry, normalised for storage: codes upper-cased,
// the phone in E.164, the HS code as digits, the value in cents.
type Clean struct {
	FullName, Company, Email, Phone     string
	Service, OriginCountry              string
	Destinations                        []string
	ProductCategory, ProductDescription string
	Condition, HSCode                   string
	EndUserHQCountry                    string
	ContainsEncryption, WirelessRadio   string
	LithiumBatteries                    string
	ShipmentValueCents                  int64
	Currency, TargetDate, Message       string
	UTMSource, UTMMedium, UTMCampaign   string
	Referrer                            string
}

// urlPattern finds web addresses where a name should be: a scheme, a
// "www.", or a host followed by a path.
var urlPattern = regexp.MustCompile(`(?i)([a-z][a-z0-9+.-]*://|www\.|[a-z0-9-]+\.[a-z]{2,}/)`)

// Validate checks every rule of the form and returns the cleaned values.
// errs (from decoding) is extended in place; the result is only meaningful
// when errs is empty. now decides what "in the past" means for target_date;
// the messages are in l.
func (f *Form) Validate(cat *catalog.Catalogue, now time.Time, errs Errors, l *lang.Language) Clean {
	p := problems{errs: errs, lang: l}
	var c Clean
	c.FullName = singleLine(p, "full_name", f.FullName, 2, 100)
	visibleName(p, "full_name", c.FullName)
	if personname.HasWebAddress(c.FullName) {
		p.add("full_name", "error.name_url")
	}
	c.Company = singleLine(p, "company", f.Company, 2, 200)
	visibleName(p, "company", c.Company)
	noURL(p, "company", c.Company)
	c.Email = validEmail(p, f.Email)
	c.OriginCountry = country(cat, p, "origin_country", f.OriginCountry, "error.origin")
	c.Phone = validPhone(p, f.Phone, c.OriginCountry)
	c.Service = choice(p, "service", f.Service, catalog.Services, "", "error.service")
	c.Destinations = destinations(cat, p, f.DestinationCountries)
	c.ProductCategory = choice(p, "product_category", f.ProductCategory, catalog.ProductCategories, "", "error.category")
	c.ProductDescription = multiLine(p, "product_description", f.ProductDescription, 10, 2000)
	c.Condition = choice(p, "condition", f.Condition, catalog.Conditions, "", "error.condition")
	c.HSCode = hsCode(p, f.HSCode)
	// Export controls key on where the end user is headquartered, whatever
	// the destination; optional, since a prospect may not know yet.
	if strings.TrimSpace(f.EndUserHQCountry) != "" {
		c.EndUserHQCountry = country(cat, p, "end_user_hq_country", f.EndUserHQCountry, "error.end_user_hq")
	}
	c.ContainsEncryption = choice(p, "contains_encryption", f.ContainsEncryption, catalog.YesNoUnknown, "unknown", "error.yesno")
	c.WirelessRadio = choice(p, "wireless_radio", f.WirelessRadio, catalog.YesNoUnknown, "unknown", "error.yesno")
	c.LithiumBatteries = choice(p, "lithium_batteries", f.LithiumBatteries, catalog.LithiumOptions, "none", "error.lithium")
	c.ShipmentValueCents = shipmentValue(p, f.ShipmentValue)
	c.Currency = currency(cat, p, f.Currency)
	c.TargetDate = targetDate(p, f.TargetDate, now)
	c.Message = multiLine(p, "message", f.Message, 0, 5000)
	if !f.Consent {
		p.add("consent", "error.consent")
	}
	// The tracking fields are hidden: the prospect could not correct them,
	// so they are cleaned instead of refused.
	c.UTMSource = printable(strings.TrimSpace(f.UTMSource), maxTrackingLength)
	c.UTMMedium = printable(strings.TrimSpace(f.UTMMedium), maxTrackingLength)
	c.UTMCampaign = printable(strings.TrimSpace(f.UTMCampaign), maxTrackingLength)
	c.Referrer = printable(strings.TrimSpace(f.Referrer), maxReferrerLength)
	return c
}

// problems records a post's problems by field, worded in the language of
// the person who sent it.
type problems struct {
	errs Errors
	lang *lang.Language
}

// add records message id of the catalogues for field.
func (p problems) add(field, id string, data ...any) { p.errs.Add(field, p.lang.T(id, data...)) }

// text checks what every field shares: valid UTF-8, no NUL and no control
// characters beyond the line breaks and tabs a multi-line field may hold.
func text(p problems, field, v string, multiline bool) bool {
	if !utf8.ValidString(v) {
		p.add(field, "error.unreadable_text")
		return false
	}
	for _, r := range v {
		if r == '\n' || r == '\r' {
			if !multiline {
				p.add(field, "error.single_line")
				return false
			}
			continue
		}
		if r == '\t' && multiline {
			continue
		}
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			p.add(field, "error.control")
			return false
		}
	}
	return true
}

func singleLine(p problems, field, v string, minLen, maxLen int) string {
	return bounded(p, field, v, minLen, maxLen, false)
}

func multiLine(p problems, field, v string, minLen, maxLen int) string {
	return bounded(p, field, v, minLen, maxLen, true)
}

// bounded checks a text's length; an empty required field is asked for
// by its own message (error.required.FIELD).
func bounded(p problems, field, v string, minLen, maxLen int, multiline bool) string {
	v = strings.TrimSpace(v)
	if !text(p, field, v, multiline) {
		return v
	}
	n := utf8.RuneCountInString(v)
	switch {
	case n == 0 && minLen > 0:
		p.add(field, "error.required."+field)
	case n > 0 && n < minLen:
		p.add(field, "error.min_length", "Min", minLen)
	case n > maxLen:
		p.add(field, "error.max_length", "Max", maxLen, "Count", n)
	}
	return v
}

// visibleName refuses a name that would show as something else than it
// is: invisible, reordered or empty of letters (see personname).
func visibleName(p problems, field, v string) {
	if problem := personname.Problem(v); problem != "" {
		p.add(field, nameProblems[problem])
	}
}

// nameProblems are the messages of personname's problems.
var nameProblems = map[string]string{
	personname.ControlCharacters:   "error.control",
	personname.DirectionMarks:      "error.direction_marks",
	personname.InvisibleCharacters: "error.invisible",
	personname.NoLetters:           "error.no_letters",
}

// noURL refuses a company name with a web address in it; a bare domain is
// allowed, since companies are often named after theirs.
func noURL(p problems, field, v string) {
	if urlPattern.MatchString(v) {
		p.add(field, "error.company_url")
	}
}

func validEmail(p problems, raw string) string {
	v := strings.TrimSpace(raw)
	if !text(p, "email", v, false) {
		return v
	}
	switch {
	case v == "":
		p.add("email", "error.required.email")
	case len(v) > maxEmailLength:
		p.add("email", "error.max_length_short", "Max", maxEmailLength)
	default:
		addr, err := mail.ParseAddress(v)
		at := strings.LastIndexByte(v, '@')
		if err != nil || addr.Name != "" || addr.Address != v || at < 1 ||
			!strings.Contains(v[at+1:], ".") || strings.HasSuffix(v, ".") || strings.ContainsAny(v, " <>\"") {
			p.add("email", "error.email")
		}
	}
	return v
}

func validPhone(p problems, raw, region string) string {
	v := strings.TrimSpace(raw)
	if v == "" || !text(p, "phone", v, false) {
		return ""
	}
	if len(v) > 40 {
		p.add("phone", "error.max_length_short", "Max", 40)
		return ""
	}
	if strings.HasPrefix(v, "00") {
		v = "+" + v[2:]
	}
	if !strings.HasPrefix(v, "+") && region == "" {
		region = "ZZ" // unknown: only an international number can parse
	}
	num, err := phonenumbers.Parse(v, region)
	if err != nil || !phonenumbers.IsValidNumber(num) {
		p.add("phone", "error.phone")
		return ""
	}
	return phonenumbers.Format(num, phonenumbers.E164)
}

func choice(p problems, field, v string, choices []catalog.Choice, def, msg string) string {
	v = strings.TrimSpace(v)
	if v == "" && def != "" {
		return def
	}
	if !catalog.HasChoice(choices, v) {
		p.add(field, msg)
	}
	return v
}

func country(cat *catalog.Catalogue, p problems, field, v, msg string) string {
	v = strings.ToUpper(strings.TrimSpace(v))
	if _, ok := cat.Country(v); !ok {
		p.add(field, msg)
	}
	return v
}

func destinations(cat *catalog.Catalogue, p problems, raw []string) []string {
	const field = "destination_countries"
	out := make([]string, 0, len(raw))
	seen := map[string]bool{}
	for _, v := range raw {
		code := strings.ToUpper(strings.TrimSpace(v))
		if code == "" {
			continue
		}
		if _, ok := cat.Country(code); !ok {
			p.add(field, "error.destination_unknown")
			continue
		}
		if !cat.IsDestination(code) {
			p.add(field, "error.destination_no_importer", "Country", cat.In(p.lang).CountryName(code))
			continue
		}
		if seen[code] {
			p.add(field, "error.destination_twice")
			continue
		}
		seen[code] = true
		out = append(out, code)
	}
	switch {
	case len(out) == 0:
		p.add(field, "error.destination_required")
	case len(out) > maxDestinations:
		p.add(field, "error.destination_max", "Max", maxDestinations, "Count", len(out))
	}
	return out
}

func hsCode(p problems, raw string) string {
	v := strings.NewReplacer(".", "", " ", "").Replace(strings.TrimSpace(raw))
	if v == "" {
		return ""
	}
	for _, r := range v {
		if r < '0' || r > '9' {
			p.add("hs_code", "error.hs_digits")
			return v
		}
	}
	if n := len(v); n != 6 && n != 8 && n != 10 {
		p.add("hs_code", "error.hs_length")
	}
	return v
}

func shipmentValue(p problems, raw string) int64 {
	v := strings.TrimSpace(raw)
	if v == "" {
		p.add("shipment_value", "error.required.shipment_value")
		return 0
	}
	cents, err := money.ParseIn(v, maxShipmentCents, p.lang.DecimalComma)
	switch {
	case errors.Is(err, money.ErrNotAmount):
		p.add("shipment_value", "error.value_format")
		return 0
	case err != nil:
		p.add("shipment_value", "error.value_max")
		return 0
	case cents <= 0:
		p.add("shipment_value", "error.value_positive")
		return 0
	}
	return cents
}

func currency(cat *catalog.Catalogue, p problems, raw string) string {
	v := strings.ToUpper(strings.TrimSpace(raw))
	if v == "" {
		return "USD"
	}
	if !cat.IsCurrency(v) {
		p.add("currency", "error.currency")
	}
	return v
}

func targetDate(p problems, raw string, now time.Time) string {
	v := strings.TrimSpace(raw)
	if v == "" {
		return ""
	}
	d, err := time.Parse(time.DateOnly, v)
	if err != nil {
		p.add("target_date", "error.date_format")
		return v
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	switch {
	case d.Before(today.AddDate(0, 0, -1)):
		// A day of slack: the prospect's "today" may be our yesterday.
		p.add("target_date", "error.date_past")
	case d.After(today.AddDate(0, targetDateMonths, 0)):
		p.add("target_date", "error.date_far", "Months", targetDateMonths)
	}
	return v
}
