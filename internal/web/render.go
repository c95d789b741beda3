// Package web holds what every handler shares: the template renderer, the
// error handler, security headers and the client-IP rule.
package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"iordesk/internal/catalog"
	"iordesk/internal/lang"
	"iordesk/internal/store"
)

// Page is the part of every page's data that the layout reads.
type Page struct {
	Title string
	// Description is the meta description of public pages.
	Description string
	// Staff, when set, draws the staff navigation instead of the public one.
	Staff *StaffNav
	// CSRF is the token forms carry as _csrf (empty when the browser's
	// Sec-Fetch-Site header already vouches for the request).
	CSRF string
	// Embed, when set, draws a public page for a frame on another site:
	// no header or footer, and its height told to the host page.
	Embed *EmbedFrame
	// Lang is a public page's language (nil on staff pages: English).
	Lang *lang.Language
	// Canonical is a public page's absolute address without a query: the
	// head then names the page in every language (hreflang alternates)
	// for search engines.
	Canonical string
}

// EmbedFrame is the host of a page shown in a frame (the embeddable form).
type EmbedFrame struct {
	// HostOrigin is the only origin the page tells its height to.
	HostOrigin string
	// ScrollTop asks the host page to bring the frame into view: the page
	// answers a post (errors, thanks).
	ScrollTop bool
}

// StaffNav is what the staff navigation shows.
type StaffNav struct {
	Name, Role, Section string
	Manager, Admin      bool
	LoggedIn            bool
}

// Renderer holds every page template, parsed once at start from the
// embedded file system.
type Renderer struct {
	pages map[string]*template.Template
	// shared are the partials alone, for Fragment.
	shared    *template.Template
	fragments sync.Map // key → template.HTML
}

// Funcs are the helpers templates may call.
var Funcs = template.FuncMap{
	// options pairs a list of choices (catalog.Choice or Choice) with the
	// selected code, for the "options" template.
	"options": func(choices []catalog.Choice, selected string) OptionList { return OptionList{choices, selected} },
	"year":    func() int { return time.Now().Year() },
	"count":   GroupDigits,
	"join":    strings.Join,
	"deref": func(p *int64) int64 {
		if p == nil {
			return 0
		}
		return *p
	},
}

// NewRenderer parses layout.html and partials/*.html with each
// pages/NAME.html; a page is later named by NAME.
func NewRenderer(files fs.FS) (*Renderer, error) {
	pages, err := fs.Glob(files, "pages/*.html")
	if err != nil {
		return nil, err
	}
	shared, err := template.New("shared").Funcs(Funcs).ParseFS(files, "partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse partials: %w", err)
	}
	r := &Renderer{pages: map[string]*template.Template{}, shared: shared}
	for _, p := range pages {
		name := strings.TrimSuffix(strings.TrimPrefix(p, "pages/"), ".html")
		t, err := template.New(name).Funcs(Funcs).ParseFS(files, "layout.html", "partials/*.html", p)
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", p, err)
		}
		r.pages[name] = t
	}
	return r, nil
}

// Execute renders page into a buffer, so a template error becomes a clean
// 500 instead of half a page.
func (r *Renderer) Execute(page string, data any) ([]byte, error) {
	t, ok := r.pages[page]
	if !ok {
		return nil, fmt.Errorf("no template %q", page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		return nil, fmt.Errorf("render %s: %w", page, err)
	}
	return buf.Bytes(), nil
}

// Fragment is the partial template name drawn with data, rendered once per
// key and then served from memory: for markup that depends only on what
// the key names, such as the country options of a filter with one country
// selected (250 options a page cost html/template ~0.8 ms). The caller's
// key must determine data.
func (r *Renderer) Fragment(name, key string, data any) (template.HTML, error) {
	if f, ok := r.fragments.Load(name + "\x00" + key); ok {
		return f.(template.HTML), nil
	}
	var buf bytes.Buffer
	if err := r.shared.ExecuteTemplate(&buf, name, data); err != nil {
		return "", fmt.Errorf("render %s: %w", name, err)
	}
	f := template.HTML(buf.String())
	r.fragments.Store(name+"\x00"+key, f)
	return f, nil
}

// Render writes page with status.
func (r *Renderer) Render(c echo.Context, status int, page string, data any) error {
	body, err := r.Execute(page, data)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Blob(status, echo.MIMETextHTMLCharsetUTF8, body)
}

// ErrorPage is the data of the error page.
type ErrorPage struct {
	Page
	Status  int
	Message string
}

// StatusText is the plain message for a status when the error has none.
func StatusText(status int) string { return StatusTextIn(lang.English, status) }

// StatusTextIn is StatusText in l, for public pages.
func StatusTextIn(l *lang.Language, status int) string {
	switch status {
	case http.StatusNotFound, http.StatusTooManyRequests, http.StatusServiceUnavailable,
		http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType:
		return l.T("error.status." + strconv.Itoa(status))
	}
	if status >= 500 {
		return l.T("error.status.500")
	}
	return http.StatusText(status)
}

// OptionList is what the "options" template draws: choices, one selected.
type OptionList struct {
	Choices  []catalog.Choice
	Selected string
}

// The request's staff user and CSRF token, set by the staff middleware and
// read by every staff page.
const (
	currentUserKey = "iordesk.user"
	csrfTokenKey   = "iordesk.csrf"
)

// SetCurrentUser records the logged-in user of the request.
func SetCurrentUser(c echo.Context, u *store.User) { c.Set(currentUserKey, u) }

// CurrentUser is the request's logged-in user, or nil.
func CurrentUser(c echo.Context) *store.User {
	u, _ := c.Get(currentUserKey).(*store.User)
	return u
}

// SetCSRFToken records the token the request's forms carry.
func SetCSRFToken(c echo.Context, token string) { c.Set(csrfTokenKey, token) }

// CSRFToken is the token the request's forms carry.
func CSRFToken(c echo.Context) string {
	t, _ := c.Get(csrfTokenKey).(string)
	return t
}

// PageFor fills the layout's data of a staff page: the navigation for the
// logged-in user and the CSRF token for its forms.
func PageFor(c echo.Context, title string) Page {
	p := Page{Title: title, CSRF: CSRFToken(c), Staff: &StaffNav{}}
	if u := CurrentUser(c); u != nil {
		p.Staff = &StaffNav{Name: u.Name, Role: u.Role, LoggedIn: true,
			Manager: u.Can(store.RoleManager), Admin: u.Can(store.RoleAdmin)}
	}
	return p
}

// GroupDigits writes a count with its thousands grouped by commas, as the
// desk reads figures ("1,204,311"); it takes the integer types page data
// uses.
func GroupDigits(n any) string {
	var v int64
	switch n := n.(type) {
	case int:
		v = int64(n)
	case int64:
		v = n
	default:
		return fmt.Sprint(n)
	}
	digits := strconv.FormatInt(v, 10)
	sign := ""
	if v < 0 {
		sign, digits = "-", digits[1:]
	}
	var b strings.Builder
	b.WriteString(sign)
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	return b.String()
}
