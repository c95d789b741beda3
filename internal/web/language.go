package web

import (
	"html/template"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"iordesk/internal/lang"
)

// Language is the language of a public request: ?lang= if it names one
// iordesk offers, else the browser's Accept-Language, else English.
func Language(c echo.Context) *lang.Language {
	return lang.Negotiate(c.QueryParam("lang"), c.Request().Header.Get("Accept-Language"))
}

// language is the page's language; staff pages have none and are English.
func (p Page) language() *lang.Language {
	if p.Lang == nil {
		return lang.English
	}
	return p.Lang
}

// T is a message of the page's language (see lang.Language.T).
func (p Page) T(id string, data ...any) string { return p.language().T(id, data...) }

// HTML is a message with markup in the page's language (see
// lang.Language.HTML).
func (p Page) HTML(id string, data ...any) template.HTML { return p.language().HTML(id, data...) }

// LangCode is the page's lang attribute.
func (p Page) LangCode() string { return p.language().Code }

// Dir is the page's dir attribute.
func (p Page) Dir() string { return p.language().Dir() }

// Link is a public path in the page's language: its links keep the
// language the visitor chose instead of negotiating again.
func (p Page) Link(path string) string {
	if p.Lang == nil {
		return path
	}
	return WithLanguage(path, p.Lang)
}

// WithLanguage adds lang=CODE to a path that may already have a query.
func WithLanguage(path string, l *lang.Language) string {
	fragment := ""
	if i := strings.IndexByte(path, '#'); i >= 0 {
		path, fragment = path[:i], path[i:]
	}
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return path + sep + "lang=" + url.QueryEscape(l.Code) + fragment
}

// LanguageLink is one entry of the language switcher.
type LanguageLink struct {
	Code, Name, Href string
	Current          bool
}

// Languages is the switcher: this page in each language. The links carry
// only the language, so that every visitor of a page gets the same markup
// (see enquiry.freshPages); app.js adds the tracking values.
func (p Page) Languages() []LanguageLink {
	out := make([]LanguageLink, len(lang.All))
	for i, l := range lang.All {
		out[i] = LanguageLink{Code: l.Code, Name: l.Name, Href: "?lang=" + url.QueryEscape(l.Code), Current: l == p.language()}
	}
	return out
}
