package enquiry

import (
	"iordesk/internal/catalog"
	"iordesk/internal/lang"
	"iordesk/internal/web"
)

// formView is the data of the pages that show the enquiry form.
type formView struct {
	web.Page
	// Action is where the form posts: /enquiry, or /embed/enquiry in a
	// frame, with the page's language.
	Action    string
	Form      *Form
	Errors    Errors
	CaptchaID string
	Reloaded  bool
	// FilesDropped: files came with a post that drew the form again, and
	// a browser cannot put them back in the file input.
	FilesDropped bool
	Cat          *catalog.Catalogue
	// Names are the countries and choices in the page's language.
	Names   *catalog.Names
	Checked map[string]bool // destination codes ticked
}

// embed draws the view for a frame on host's pages; scrollTop asks the
// host page to bring the frame into view (an answer to a post).
func (v *formView) embed(host string, scrollTop bool) {
	v.Action = web.WithLanguage("/embed/enquiry", v.Lang)
	v.Canonical = "" // a frame is not a page of its own to search engines
	v.Embed = &web.EmbedFrame{HostOrigin: host, ScrollTop: scrollTop}
}

// ReloadAction is where "New code" posts without JavaScript.
func (v *formView) ReloadAction() string { return v.Action + "&captcha_reload=1#captcha" }

// VoiceQuery asks the spoken code in the page's language.
func (v *formView) VoiceQuery() string { return voiceQuery(v.Lang) }

// voiceQuery is the query of a spoken code's address in l: its voice
// where the CAPTCHA library has one, else nothing (English).
func voiceQuery(l *lang.Language) string {
	if l.Voice != lang.English.Voice {
		return "?voice=" + l.Voice
	}
	return ""
}

// ErrorWord prefixes each field's message for screen readers.
func (v *formView) ErrorWord() string { return v.T("form.error_word") }

// field is one input as a template draws it.
type field struct {
	Name, ID, Label, Type, Autocomplete string
	Value, Error                        string
	Choices                             []catalog.Choice
	// Prompt is a select's empty first option, if any.
	Prompt string
	// ErrorWord prefixes the error for screen readers.
	ErrorWord string
}

// fieldOrder is the order of the form, for the error summary.
var fieldOrder = []string{
	"full_name", "company", "email", "phone", "service", "origin_country", "product_category",
	"destination_countries", "product_description", "attachments", "condition", "shipment_value", "currency",
	"target_date", "hs_code", "end_user_hq_country", "contains_encryption", "wireless_radio", "lithium_batteries", "message",
	"consent", "captcha_solution", "utm_source", "utm_medium", "utm_campaign", "referrer",
}

// summaryItem is one line of the error summary, linking to its field.
type summaryItem struct{ ID, Label, Message string }

// ErrorList lists the errors in form order, each with its field's name
// (field.NAME in the catalogues).
func (v *formView) ErrorList() []summaryItem {
	var out []summaryItem
	for _, name := range fieldOrder {
		if msg, ok := v.Errors[name]; ok {
			out = append(out, summaryItem{ID: name, Label: v.T("field." + name), Message: msg})
		}
	}
	return out
}

// Field describes one input of the form, labelled by label.NAME.
func (v *formView) Field(name, typ, autocomplete string) field {
	return field{Name: name, ID: name, Label: v.T("label." + name), Type: typ, Autocomplete: autocomplete,
		Value: v.Form.value(name), Error: v.Errors[name], ErrorWord: v.ErrorWord()}
}

// Radios describes a radio group.
func (v *formView) Radios(name string, choices []catalog.Choice) field {
	f := v.Field(name, "", "")
	f.Choices = choices
	return f
}

// Select describes a select; prompt names the message of its empty first
// option, if any.
func (v *formView) Select(name string, choices []catalog.Choice, prompt string) field {
	f := v.Field(name, "", "")
	f.Choices = choices
	if prompt != "" {
		f.Prompt = v.T(prompt)
	}
	return f
}

// ComplianceOpen unfolds the optional section when it holds an error or
// anything other than its defaults, so nothing typed is hidden.
func (v *formView) ComplianceOpen() bool {
	for _, name := range []string{"hs_code", "end_user_hq_country", "contains_encryption", "wireless_radio", "lithium_batteries", "message"} {
		if v.Errors[name] != "" {
			return true
		}
	}
	f := v.Form
	return f.HSCode != "" || f.EndUserHQCountry != "" || f.Message != "" || f.ContainsEncryption != "unknown" ||
		f.WirelessRadio != "unknown" || f.LithiumBatteries != "none"
}

func (f *Form) value(name string) string {
	switch name {
	case "full_name":
		return f.FullName
	case "company":
		return f.Company
	case "email":
		return f.Email
	case "phone":
		return f.Phone
	case "service":
		return f.Service
	case "origin_country":
		return f.OriginCountry
	case "product_category":
		return f.ProductCategory
	case "product_description":
		return f.ProductDescription
	case "condition":
		return f.Condition
	case "hs_code":
		return f.HSCode
	case "end_user_hq_country":
		return f.EndUserHQCountry
	case "contains_encryption":
		return f.ContainsEncryption
	case "wireless_radio":
		return f.WirelessRadio
	case "lithium_batteries":
		return f.LithiumBatteries
	case "shipment_value":
		return f.ShipmentValue
	case "currency":
		return f.Currency
	case "target_date":
		return f.TargetDate
	case "message":
		return f.Message
	}
	return ""
}

// withDefaults fills the choices a fresh form starts with.
func (f *Form) withDefaults() *Form {
	if f.Condition == "" {
		f.Condition = "new"
	}
	if f.Currency == "" {
		f.Currency = "USD"
	}
	if f.ContainsEncryption == "" {
		f.ContainsEncryption = "unknown"
	}
	if f.WirelessRadio == "" {
		f.WirelessRadio = "unknown"
	}
	if f.LithiumBatteries == "" {
		f.LithiumBatteries = "none"
	}
	return f
}
