// Package enquiry is the public intake: the enquiry form, its validation,
// the reference data it offers, the CAPTCHA and the public handlers.
package enquiry

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"unicode/utf8"

	"iordesk/internal/lang"
)

// Form is the enquiry as the prospect typed it. The field names of the HTML
// form and the JSON API are the public contract (docs/DESIGN.md).
type Form struct {
	FullName             string   `json:"full_name"`
	Company              string   `json:"company"`
	Email                string   `json:"email"`
	Phone                string   `json:"phone"`
	Service              string   `json:"service"`
	OriginCountry        string   `json:"origin_country"`
	DestinationCountries []string `json:"destination_countries"`
	ProductCategory      string   `json:"product_category"`
	ProductDescription   string   `json:"product_description"`
	Condition            string   `json:"condition"`
	HSCode               string   `json:"hs_code"`
	EndUserHQCountry     string   `json:"end_user_hq_country"`
	ContainsEncryption   string   `json:"contains_encryption"`
	WirelessRadio        string   `json:"wireless_radio"`
	LithiumBatteries     string   `json:"lithium_batteries"`
	ShipmentValue        string   `json:"shipment_value"`
	Currency             string   `json:"currency"`
	TargetDate           string   `json:"target_date"`
	Message              string   `json:"message"`
	Consent              bool     `json:"consent"`
	CaptchaID            string   `json:"captcha_id"`
	CaptchaSolution      string   `json:"captcha_solution"`
	Website              string   `json:"website"`
	UTMSource            string   `json:"utm_source"`
	UTMMedium            string   `json:"utm_medium"`
	UTMCampaign          string   `json:"utm_campaign"`
	Referrer             string   `json:"referrer"`
}

// Errors maps a field name to the message shown beside it.
type Errors map[string]string

// Add records the first message for a field; later ones would only repeat
// the problem.
func (e Errors) Add(field, msg string) {
	if _, ok := e[field]; !ok {
		e[field] = msg
	}
}

// maxFields bounds how many fields one post may carry (the form has ~30,
// plus up to 20 destinations).
const maxFields = 120

// ErrTooManyFields is a post with more fields than any real form sends.
var ErrTooManyFields = errors.New("too many form fields")

// FormFromValues reads a urlencoded post, its problems worded in l. A single-value field given twice is
// an error on that field (which value was meant is not ours to guess).
func FormFromValues(v url.Values, l *lang.Language) (*Form, Errors, error) {
	count := 0
	for _, vals := range v {
		count += len(vals)
	}
	if count > maxFields || len(v) > maxFields {
		return nil, nil, ErrTooManyFields
	}
	errs := Errors{}
	p := problems{errs: errs, lang: l}
	get := func(name string) string {
		vals := v[name]
		if len(vals) > 1 {
			p.add(name, "error.twice")
		}
		if len(vals) == 0 {
			return ""
		}
		return vals[0]
	}
	f := &Form{
		FullName: get("full_name"), Company: get("company"), Email: get("email"),
		Phone: get("phone"), Service: get("service"), OriginCountry: get("origin_country"),
		DestinationCountries: v["destination_countries"],
		ProductCategory:      get("product_category"), ProductDescription: get("product_description"),
		Condition: get("condition"), HSCode: get("hs_code"), EndUserHQCountry: get("end_user_hq_country"),
		ContainsEncryption: get("contains_encryption"), WirelessRadio: get("wireless_radio"),
		LithiumBatteries: get("lithium_batteries"), ShipmentValue: get("shipment_value"),
		Currency: get("currency"), TargetDate: get("target_date"), Message: get("message"),
		CaptchaID: get("captcha_id"), CaptchaSolution: get("captcha_solution"), Website: get("website"),
		UTMSource: get("utm_source"), UTMMedium: get("utm_medium"), UTMCampaign: get("utm_campaign"),
		Referrer: get("referrer"),
	}
	switch c := get("consent"); c {
	case "", "no", "false", "0", "off":
	case "yes", "on", "true", "1":
		f.Consent = true
	default:
		p.add("consent", "error.consent_value")
	}
	return f, errs, nil
}

// FormFromJSON reads the JSON API body, its problems worded in l. shipment_value may be a string or a
// number; consent a boolean or "yes"; unknown keys are ignored so embedders
// can send their own extras. A field holding bytes that are not UTF-8 (or a
// lone surrogate escape) is an error on that field, as on the form: Go's
// decoder would silently turn them into U+FFFD.
func FormFromJSON(r io.Reader, l *lang.Language) (*Form, Errors, error) {
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(r)
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return nil, nil, fmt.Errorf("the body is not a JSON object: %w", err)
	}
	if dec.More() {
		return nil, nil, errors.New("the body has more than one JSON value")
	}
	if len(raw) > maxFields {
		return nil, nil, ErrTooManyFields
	}
	errs := Errors{}
	p := problems{errs: errs, lang: l}
	for name, v := range raw {
		if !readableJSON(v) {
			p.add(name, "error.unreadable_text")
		}
	}
	if v, ok := raw["shipment_value"]; ok && len(v) > 0 && v[0] != '"' {
		raw["shipment_value"] = json.RawMessage(strconvQuote(v))
	}
	if v, ok := raw["consent"]; ok {
		switch strings.TrimSpace(string(v)) {
		case `"yes"`, `"on"`, `"true"`, `1`:
			raw["consent"] = json.RawMessage("true")
		case `"no"`, `"false"`, `""`, `0`, `null`:
			raw["consent"] = json.RawMessage("false")
		}
	}
	normal, err := json.Marshal(raw)
	if err != nil {
		return nil, nil, err
	}
	var f Form
	if err := json.Unmarshal(normal, &f); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return nil, nil, fmt.Errorf("field %s has the wrong type", typeErr.Field)
		}
		return nil, nil, err
	}
	return &f, errs, nil
}

// readableJSON reports whether a raw JSON value decodes to exactly the text
// it holds: valid UTF-8, and no U+FFFD made up by the decoder for a lone
// surrogate escape such as \udc00.
func readableJSON(v json.RawMessage) bool {
	if !utf8.Valid(v) {
		return false
	}
	lower := bytes.ToLower(v)
	if !bytes.Contains(lower, []byte(`\ud`)) {
		return true // no surrogate escape at all
	}
	var decoded any
	if json.Unmarshal(v, &decoded) != nil {
		return true // a type error is reported by the caller
	}
	madeUp := strings.ContainsRune(fmt.Sprint(decoded), utf8.RuneError)
	typed := bytes.ContainsRune(v, utf8.RuneError) || bytes.Contains(lower, []byte(`\ufffd`))
	return !madeUp || typed
}

// strconvQuote turns a bare JSON number into a JSON string of its digits.
func strconvQuote(v json.RawMessage) []byte {
	b, _ := json.Marshal(string(bytes.TrimSpace(v)))
	return b
}
