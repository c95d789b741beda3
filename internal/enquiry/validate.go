package enquiry

import (
	"errors"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"iordesk/internal/catalog"
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
// when errs is empty. now decides what "in the past" means for target_date.
func (f *Form) Validate(cat *catalog.Catalogue, now time.Time, errs Errors) Clean {
	var c Clean
	c.FullName = singleLine(errs, "full_name", f.FullName, 2, 100, "your full name")
	visibleName(errs, "full_name", c.FullName)
	if personname.HasWebAddress(c.FullName) {
		errs.Add("full_name", "Please leave out web addresses and domain names.")
	}
	c.Company = singleLine(errs, "company", f.Company, 2, 200, "your company")
	visibleName(errs, "company", c.Company)
	noURL(errs, "company", c.Company)
	c.Email = validEmail(errs, f.Email)
	c.OriginCountry = country(cat, errs, "origin_country", f.OriginCountry, "Choose the country the goods ship from.")
	c.Phone = validPhone(errs, f.Phone, c.OriginCountry)
	c.Service = choice(errs, "service", f.Service, catalog.Services, "", "Choose the service you need.")
	c.Destinations = destinations(cat, errs, f.DestinationCountries)
	c.ProductCategory = choice(errs, "product_category", f.ProductCategory, catalog.ProductCategories, "", "Choose a product category.")
	c.ProductDescription = multiLine(errs, "product_description", f.ProductDescription, 10, 2000, "what you are shipping")
	c.Condition = choice(errs, "condition", f.Condition, catalog.Conditions, "", "Choose the condition of the goods.")
	c.HSCode = hsCode(errs, f.HSCode)
	// Export controls key on where the end user is headquartered, whatever
	// the destination; optional, since a prospect may not know yet.
	if strings.TrimSpace(f.EndUserHQCountry) != "" {
		c.EndUserHQCountry = country(cat, errs, "end_user_hq_country", f.EndUserHQCountry, "Choose a country from the list, or leave it empty.")
	}
	c.ContainsEncryption = choice(errs, "contains_encryption", f.ContainsEncryption, catalog.YesNoUnknown, "unknown", "Choose yes, no or not sure.")
	c.WirelessRadio = choice(errs, "wireless_radio", f.WirelessRadio, catalog.YesNoUnknown, "unknown", "Choose yes, no or not sure.")
	c.LithiumBatteries = choice(errs, "lithium_batteries", f.LithiumBatteries, catalog.LithiumOptions, "none", "Choose how batteries are shipped.")
	c.ShipmentValueCents = shipmentValue(errs, f.ShipmentValue)
	c.Currency = currency(cat, errs, f.Currency)
	c.TargetDate = targetDate(errs, f.TargetDate, now)
	c.Message = multiLine(errs, "message", f.Message, 0, 5000, "")
	if !f.Consent {
		errs.Add("consent", "Tick the box to agree to the privacy notice, so we may use your details to answer.")
	}
	// The tracking fields are hidden: the prospect could not correct them,
	// so they are cleaned instead of refused.
	c.UTMSource = printable(strings.TrimSpace(f.UTMSource), maxTrackingLength)
	c.UTMMedium = printable(strings.TrimSpace(f.UTMMedium), maxTrackingLength)
	c.UTMCampaign = printable(strings.TrimSpace(f.UTMCampaign), maxTrackingLength)
	c.Referrer = printable(strings.TrimSpace(f.Referrer), maxReferrerLength)
	return c
}

// text checks what every field shares: valid UTF-8, no NUL and no control
// characters beyond the line breaks and tabs a multi-line field may hold.
func text(errs Errors, field, v string, multiline bool) bool {
	if !utf8.ValidString(v) {
		errs.Add(field, "This contains characters we cannot read. Please retype it.")
		return false
	}
	for _, r := range v {
		if r == '\n' || r == '\r' {
			if !multiline {
				errs.Add(field, "Keep this on a single line.")
				return false
			}
			continue
		}
		if r == '\t' && multiline {
			continue
		}
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			errs.Add(field, "This contains characters we cannot accept. Please retype it.")
			return false
		}
	}
	return true
}

func singleLine(errs Errors, field, v string, minLen, maxLen int, what string) string {
	return bounded(errs, field, v, minLen, maxLen, what, false)
}

func multiLine(errs Errors, field, v string, minLen, maxLen int, what string) string {
	return bounded(errs, field, v, minLen, maxLen, what, true)
}

func bounded(errs Errors, field, v string, minLen, maxLen int, what string, multiline bool) string {
	v = strings.TrimSpace(v)
	if !text(errs, field, v, multiline) {
		return v
	}
	n := utf8.RuneCountInString(v)
	switch {
	case n == 0 && minLen > 0:
		errs.Add(field, "Enter "+what+".")
	case n > 0 && n < minLen:
		errs.Add(field, "Use at least "+strconv.Itoa(minLen)+" characters.")
	case n > maxLen:
		errs.Add(field, "Use at most "+strconv.Itoa(maxLen)+" characters (this has "+strconv.Itoa(n)+").")
	}
	return v
}

// visibleName refuses a name that would show as something else than it
// is: invisible, reordered or empty of letters (see personname).
func visibleName(errs Errors, field, v string) {
	if problem := personname.Problem(v); problem != "" {
		errs.Add(field, problem)
	}
}

// noURL refuses a company name with a web address in it; a bare domain is
// allowed, since companies are often named after theirs.
func noURL(errs Errors, field, v string) {
	if urlPattern.MatchString(v) {
		errs.Add(field, "Please leave out web addresses.")
	}
}

func validEmail(errs Errors, raw string) string {
	v := strings.TrimSpace(raw)
	if !text(errs, "email", v, false) {
		return v
	}
	switch {
	case v == "":
		errs.Add("email", "Enter your email address.")
	case len(v) > maxEmailLength:
		errs.Add("email", "Use at most 254 characters.")
	default:
		addr, err := mail.ParseAddress(v)
		at := strings.LastIndexByte(v, '@')
		if err != nil || addr.Name != "" || addr.Address != v || at < 1 ||
			!strings.Contains(v[at+1:], ".") || strings.HasSuffix(v, ".") || strings.ContainsAny(v, " <>\"") {
			errs.Add("email", "Enter an email address like name@company.com.")
		}
	}
	return v
}

func validPhone(errs Errors, raw, region string) string {
	v := strings.TrimSpace(raw)
	if v == "" || !text(errs, "phone", v, false) {
		return ""
	}
	if len(v) > 40 {
		errs.Add("phone", "Use at most 40 characters.")
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
		errs.Add("phone", "Enter a valid phone number in international format, e.g. +44 20 7946 0000.")
		return ""
	}
	return phonenumbers.Format(num, phonenumbers.E164)
}

func choice(errs Errors, field, v string, choices []catalog.Choice, def, msg string) string {
	v = strings.TrimSpace(v)
	if v == "" && def != "" {
		return def
	}
	if !catalog.HasChoice(choices, v) {
		errs.Add(field, msg)
	}
	return v
}

func country(cat *catalog.Catalogue, errs Errors, field, v, msg string) string {
	v = strings.ToUpper(strings.TrimSpace(v))
	if _, ok := cat.Country(v); !ok {
		errs.Add(field, msg)
	}
	return v
}

func destinations(cat *catalog.Catalogue, errs Errors, raw []string) []string {
	const field = "destination_countries"
	out := make([]string, 0, len(raw))
	seen := map[string]bool{}
	for _, v := range raw {
		code := strings.ToUpper(strings.TrimSpace(v))
		if code == "" {
			continue
		}
		if _, ok := cat.Country(code); !ok {
			errs.Add(field, "One of the destinations is not a country we know.")
			continue
		}
		if !cat.IsDestination(code) {
			errs.Add(field, cat.CountryName(code)+" has no importer or customs: choose where the goods will be used.")
			continue
		}
		if seen[code] {
			errs.Add(field, "Each destination may be chosen only once.")
			continue
		}
		seen[code] = true
		out = append(out, code)
	}
	switch {
	case len(out) == 0:
		errs.Add(field, "Choose at least one destination country.")
	case len(out) > maxDestinations:
		errs.Add(field, "Choose at most 20 destination countries (you chose "+strconv.Itoa(len(out))+"). For more, say so in the message.")
	}
	return out
}

func hsCode(errs Errors, raw string) string {
	v := strings.NewReplacer(".", "", " ", "").Replace(strings.TrimSpace(raw))
	if v == "" {
		return ""
	}
	for _, r := range v {
		if r < '0' || r > '9' {
			errs.Add("hs_code", "An HS code has only digits (dots and spaces are fine).")
			return v
		}
	}
	if n := len(v); n != 6 && n != 8 && n != 10 {
		errs.Add("hs_code", "An HS code has 6, 8 or 10 digits.")
	}
	return v
}

func shipmentValue(errs Errors, raw string) int64 {
	v := strings.TrimSpace(raw)
	if v == "" {
		errs.Add("shipment_value", "Enter the approximate value of the shipment.")
		return 0
	}
	cents, err := money.Parse(v, maxShipmentCents)
	switch {
	case errors.Is(err, money.ErrNotAmount):
		errs.Add("shipment_value", "Enter a number with at most two decimals, e.g. 25000 or 25,000.50.")
		return 0
	case err != nil:
		errs.Add("shipment_value", "Enter a value of at most 1,000,000,000.")
		return 0
	case cents <= 0:
		errs.Add("shipment_value", "Enter a value greater than zero.")
		return 0
	}
	return cents
}

func currency(cat *catalog.Catalogue, errs Errors, raw string) string {
	v := strings.ToUpper(strings.TrimSpace(raw))
	if v == "" {
		return "USD"
	}
	if !cat.IsCurrency(v) {
		errs.Add("currency", "Choose a currency from the list.")
	}
	return v
}

func targetDate(errs Errors, raw string, now time.Time) string {
	v := strings.TrimSpace(raw)
	if v == "" {
		return ""
	}
	d, err := time.Parse(time.DateOnly, v)
	if err != nil {
		errs.Add("target_date", "Enter a date as YYYY-MM-DD.")
		return v
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	switch {
	case d.Before(today.AddDate(0, 0, -1)):
		// A day of slack: the prospect's "today" may be our yesterday.
		errs.Add("target_date", "Choose a date that is not in the past.")
	case d.After(today.AddDate(0, targetDateMonths, 0)):
		errs.Add("target_date", "Choose a date within the next 24 months.")
	}
	return v
}
