// Package lang is the languages of iordesk's public pages and of the mail
// sent to prospects: which ones exist, how a request chooses one, and
// their messages, kept in one catalogue file per language
// (messages/CODE.json, go-i18n's format). Staff pages stay English and do
// not use it. See docs/DESIGN.md, "Languages".
package lang

import (
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"log/slog"
	"strings"
	"sync"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Language is one language of the public pages.
type Language struct {
	// Code is how URLs (?lang=) and stored enquiries name it: a BCP 47 tag.
	Code string
	Tag  language.Tag
	// Name is the language in itself, as the switcher shows it.
	Name string
	// RTL: written right to left (the page's dir="rtl").
	RTL bool
	// Voice is the CAPTCHA library's voice for the spoken code: it has
	// en, pt, ru, zh and ja; the others hear English.
	Voice string
	// DecimalComma: amounts are written 25.000,50 (the form reads both
	// that and 25,000.50; see money.ParseIn).
	DecimalComma bool

	localizer *i18n.Localizer
	// pseudo marks every message (see Pseudo).
	pseudo bool
}

// All are the languages, English first; the switcher lists them in this
// order.
var All = []*Language{
	{Code: "en", Name: "English", Voice: "en"},
	{Code: "es", Name: "Español", Voice: "en", DecimalComma: true},
	{Code: "fr", Name: "Français", Voice: "en", DecimalComma: true},
	{Code: "de", Name: "Deutsch", Voice: "en", DecimalComma: true},
	{Code: "pt-BR", Name: "Português (Brasil)", Voice: "pt", DecimalComma: true},
	{Code: "zh-Hans", Name: "简体中文", Voice: "zh"},
	{Code: "ar", Name: "العربية", RTL: true, Voice: "en"},
}

// English is the default, and what a message missing from a catalogue
// falls back to.
var English = All[0]

//go:embed messages/*.json
var files embed.FS

var (
	bundle  *i18n.Bundle
	matcher language.Matcher
)

func init() {
	bundle = i18n.NewBundle(language.English)
	bundle.RegisterUnmarshalFunc("json", json.Unmarshal)
	tags := make([]language.Tag, len(All))
	for i, l := range All {
		l.Tag = language.MustParse(l.Code)
		tags[i] = l.Tag
		if _, err := bundle.LoadMessageFileFS(files, "messages/"+l.Code+".json"); err != nil {
			panic(fmt.Sprintf("lang: catalogue %s: %v", l.Code, err))
		}
		l.localizer = i18n.NewLocalizer(bundle, l.Code)
	}
	matcher = language.NewMatcher(tags)
}

// Negotiate chooses the language of a request: the one ?lang= names if it
// is offered, else the best match for the browser's Accept-Language
// (golang.org/x/text/language's matcher: de-CH is German, pt-PT the
// Brazilian Portuguese iordesk has), else English.
func Negotiate(param, acceptLanguage string) *Language {
	if l := find(param); l != nil {
		return l
	}
	if acceptLanguage == "" {
		return English
	}
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return English
	}
	// Low confidence is a different script or a distant variety (Simplified
	// Chinese for zh-TW): English is the safer guess.
	_, index, confidence := matcher.Match(tags...)
	if confidence < language.High {
		return English
	}
	return All[index]
}

// find is the offered language a code names ("es", "pt-BR", "zh-CN" for
// Simplified Chinese, "pt" for Brazilian Portuguese), or nil.
func find(code string) *Language {
	code = strings.TrimSpace(code)
	if code == "" || len(code) > 35 {
		return nil
	}
	for _, l := range All {
		if strings.EqualFold(l.Code, code) {
			return l
		}
	}
	tag, err := language.Parse(code)
	if err != nil {
		return nil
	}
	_, index, confidence := matcher.Match(tag)
	if confidence < language.High {
		return nil
	}
	return All[index]
}

// ByCode is the language stored as code, English for any other (enquiries
// from before languages were stored).
func ByCode(code string) *Language {
	for _, l := range All {
		if l.Code == code {
			return l
		}
	}
	return English
}

// InEnglish is the language's name for the desk, whose pages are English
// ("Brazilian Portuguese").
func (l *Language) InEnglish() string { return display.English.Tags().Name(l.Tag) }

// Dir is the page's writing direction, for dir="…".
func (l *Language) Dir() string {
	if l.RTL {
		return "rtl"
	}
	return "ltr"
}

// T is message id in l, with data given as name, value pairs for the
// message's {{.Name}} placeholders. A message missing from l's catalogue
// (which the catalogue test forbids) is taken from English and reported
// once; one missing from English too shows as its id.
func (l *Language) T(id string, data ...any) string {
	var values map[string]any
	if len(data) > 0 {
		values = make(map[string]any, len(data)/2)
		for i := 0; i+1 < len(data); i += 2 {
			values[fmt.Sprint(data[i])] = data[i+1]
		}
	}
	msg, err := l.localizer.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: values})
	if err != nil {
		reportMissing(l.Code, id, err)
		if msg == "" {
			return id
		}
	}
	if l.pseudo {
		return "⟦" + msg + "⟧"
	}
	return msg
}

// Pseudo is English with every message marked ⟦…⟧: a page drawn in it
// shows, by the text without marks, what no catalogue gave (tests look
// for that). It is not offered to visitors.
func Pseudo() *Language {
	return &Language{Code: "en-XA", Tag: language.MustParse("en-XA"), Name: "Pseudo", Voice: "en",
		localizer: English.localizer, pseudo: true}
}

// HTML is T for the few messages that carry markup (a link inside a
// sentence, whose place differs between languages). The catalogues are
// part of the program, not input; values put into them must already be
// safe in HTML.
func (l *Language) HTML(id string, data ...any) template.HTML {
	return template.HTML(l.T(id, data...)) //nolint:gosec // see the doc comment
}

var (
	missingMu sync.Mutex
	missing   = map[string]bool{}
)

func reportMissing(code, id string, err error) {
	missingMu.Lock()
	defer missingMu.Unlock()
	key := code + " " + id
	if missing[key] {
		return
	}
	missing[key] = true
	slog.Warn("message missing from a catalogue", "lang", code, "id", id, "err", err)
}

// Missing lists the messages asked for and not found ("CODE ID"), since
// the start: a page test renders every page in every language and wants
// none.
func Missing() []string {
	missingMu.Lock()
	defer missingMu.Unlock()
	out := make([]string, 0, len(missing))
	for k := range missing {
		out = append(out, k)
	}
	return out
}
