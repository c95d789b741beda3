package enquiry

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"iordesk/internal/catalog"
	"iordesk/internal/compliance"
	"iordesk/internal/desk"
	"iordesk/internal/lang"

	"github.com/labstack/echo/v4"

	"iordesk/internal/store"
	"iordesk/internal/web"
)

// Handlers serve the public pages and the intake API.
type Handlers struct {
	store         *store.Store
	cat           *catalog.Catalogue
	captcha       *Captcha
	render        *web.Renderer
	now           func() time.Time
	log           *slog.Logger
	noticeVersion string
	baseURL       string
	notifyMail    func()
	metrics       *web.Metrics
	fresh         *freshPages
	rules         *compliance.Book
	desks         *desk.Registry
	embedOrigins  []string
}

// Deps are what the public handlers need.
type Deps struct {
	Store   *store.Store
	Render  *web.Renderer
	Now     func() time.Time
	Log     *slog.Logger
	BaseURL string
	Captcha *Captcha
	Catalog *catalog.Catalogue
	// PrivacyNoticeVersion is stored with each consent.
	PrivacyNoticeVersion string
	// NotifyMail wakes the mail worker after an enquiry is stored.
	NotifyMail func()
	Metrics    *web.Metrics
	// Rules screen every enquiry at intake.
	Rules *compliance.Book
	// Desks decide which desk answers an enquiry and by when.
	Desks *desk.Registry
	// EmbedOrigins are the sites that may show the form in a frame.
	EmbedOrigins []string
}

// NewHandlers builds the public handlers.
func NewHandlers(d Deps) *Handlers {
	h := &Handlers{store: d.Store, cat: d.Catalog, captcha: d.Captcha, render: d.Render,
		now: d.Now, log: d.Log, noticeVersion: d.PrivacyNoticeVersion, baseURL: strings.TrimRight(d.BaseURL, "/"),
		notifyMail: d.NotifyMail, metrics: d.Metrics, rules: d.Rules, desks: d.Desks, embedOrigins: d.EmbedOrigins}
	h.fresh = &freshPages{view: h.view, render: func(page string, v *formView) ([]byte, error) { return h.render.Execute(page, v) }}
	return h
}

// Home serves GET /: the explainer and the form.
func (h *Handlers) Home(c echo.Context) error { return h.freshForm(c, "home") }

// Form serves GET /enquiry: the form alone.
func (h *Handlers) Form(c echo.Context) error { return h.freshForm(c, "enquiry") }

// freshForm shows an empty form, carrying the landing page's UTM tags and
// referrer into the hidden fields so they are stored with the enquiry.
//
// The language switcher's links pass the page's referrer on as referrer=
// (app.js), so that choosing a language does not make iordesk itself the
// referrer; like the UTM tags it is tracking the visitor could type, and
// is kept as printable text.
func (h *Handlers) freshForm(c echo.Context, page string) error {
	q := c.QueryParams()
	referrer := c.Request().Referer()
	if q.Has("referrer") {
		referrer = q.Get("referrer")
	}
	f := (&Form{
		UTMSource: printable(q.Get("utm_source"), maxTrackingLength), UTMMedium: printable(q.Get("utm_medium"), maxTrackingLength),
		UTMCampaign: printable(q.Get("utm_campaign"), maxTrackingLength), Referrer: printable(referrer, maxReferrerLength),
	}).withDefaults()
	l := web.Language(c)
	id, err := h.captcha.Issue(c.Request().Context())
	if err != nil {
		return err
	}
	body, ok, err := h.fresh.write(page, l, [slotCount]string{id, f.UTMSource, f.UTMMedium, f.UTMCampaign, f.Referrer})
	if err != nil {
		return err
	}
	if !ok {
		return h.showForm(c, http.StatusOK, page, l, f, Errors{}, id, false, "")
	}
	defer pageBuffers.Put(body)
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, echo.MIMETextHTMLCharsetUTF8, body.Bytes())
}

// showForm draws the form in l; host, when not empty, is the site whose
// frame shows it (see EmbedForm).
func (h *Handlers) showForm(c echo.Context, status int, page string, l *lang.Language, f *Form, errs Errors, captchaID string, reloaded bool, host string) error {
	v := h.view(page, l, f, errs, captchaID, reloaded)
	if host != "" {
		v.embed(host, status != http.StatusOK || reloaded)
	}
	return h.render.Render(c, status, page, v)
}

// view is what the form's templates read, in l.
func (h *Handlers) view(page string, l *lang.Language, f *Form, errs Errors, captchaID string, reloaded bool) *formView {
	checked := make(map[string]bool, len(f.DestinationCountries))
	for _, code := range f.DestinationCountries {
		checked[strings.ToUpper(strings.TrimSpace(code))] = true
	}
	v := &formView{
		Page:   web.Page{Lang: l, Title: l.T("site.send"), Description: l.T("site.description", "Count", h.cat.DestinationCount)},
		Action: web.WithLanguage("/enquiry", l), Form: f.withDefaults(), Errors: errs, CaptchaID: captchaID, Reloaded: reloaded,
		Cat: h.cat, Names: h.cat.In(l), Checked: checked,
	}
	v.Canonical = h.baseURL + "/enquiry"
	if page == "home" {
		v.Title = l.T("home.page_title")
		v.Canonical = h.baseURL + "/"
	}
	return v
}

// Submit serves POST /enquiry: 303 to the thanks page when stored, else 422
// with the form, its values and a fresh challenge.
func (h *Handlers) Submit(c echo.Context) error { return h.submit(c, false) }

// EmbedSubmit serves POST /embed/enquiry: Submit for the form in a frame,
// whose answers stay in the frame.
func (h *Handlers) EmbedSubmit(c echo.Context) error { return h.submit(c, true) }

func (h *Handlers) submit(c echo.Context, embedded bool) error {
	r := c.Request()
	// The form's action names the page's language, so it is known before
	// the body is read (messages about files come while reading it).
	l := web.Language(c)
	values, up, err := h.readPost(c, l)
	if err != nil {
		return err
	}
	host, thanks := "", "/enquiry/thanks?ref="
	if embedded {
		if host, err = h.embedHost(l, values.Get("embed_origin")); err != nil {
			h.dropUpload(r.Context(), up)
			return err
		}
		thanks = "/embed/enquiry/thanks?origin=" + url.QueryEscape(host) + "&ref="
	}
	thanksFor := func(ref string) string { return web.WithLanguage(thanks+url.QueryEscape(ref), l) }
	f, errs, err := FormFromValues(values, l)
	if err != nil {
		h.dropUpload(r.Context(), up)
		return echo.NewHTTPError(http.StatusBadRequest, l.T("error.too_many_fields"))
	}
	if f.Website != "" {
		h.dropUpload(r.Context(), up)
		h.log.Info("honeypot filled; answered as success, nothing stored", "ip", c.RealIP())
		h.count("form", "honeypot")
		return c.Redirect(http.StatusSeeOther, thanksFor(NewReference()))
	}
	// A page drawn before the button carried its flag in the URL sends it in the body.
	reload := IsCaptchaReload(r) || values.Has("captcha_reload")
	out, err := h.intake(r.Context(), l, f, errs, h.origin(c), reload, up)
	if err != nil {
		return err
	}
	if out.Reference != "" {
		h.log.Info("enquiry accepted", "ref", out.Reference, "channel", "form", "lang", l.Code)
		h.count("form", "accepted")
		return c.Redirect(http.StatusSeeOther, thanksFor(out.Reference))
	}
	f.CaptchaSolution = ""
	if reload {
		v := h.view("enquiry", l, f, Errors{}, out.NewCaptchaID, true)
		v.FilesDropped = out.FilesDropped
		if host != "" {
			v.embed(host, true)
		}
		return h.render.Render(c, http.StatusOK, "enquiry", v)
	}
	h.log.Info("enquiry rejected", "fields", fieldNames(out.Errors), "channel", "form")
	h.count("form", "invalid")
	return h.showForm(c, http.StatusUnprocessableEntity, "enquiry", l, f, out.Errors, out.NewCaptchaID, false, host)
}

// EmbedForm serves GET /embed/enquiry: the form for a frame on one of the
// sites IORDESK_EMBED_ORIGINS lists (origin=, as /embed.js sends it),
// with the host page's tracking values: utm_source, utm_medium,
// utm_campaign, and its address as referrer= (the frame's own Referer
// carries only the host's origin).
func (h *Handlers) EmbedForm(c echo.Context) error {
	l := web.Language(c)
	host, err := h.embedHost(l, c.QueryParam("origin"))
	if err != nil {
		return err
	}
	q := c.QueryParams()
	f := (&Form{
		UTMSource: printable(q.Get("utm_source"), maxTrackingLength), UTMMedium: printable(q.Get("utm_medium"), maxTrackingLength),
		UTMCampaign: printable(q.Get("utm_campaign"), maxTrackingLength), Referrer: printable(q.Get("referrer"), maxReferrerLength),
	}).withDefaults()
	id, err := h.captcha.Issue(c.Request().Context())
	if err != nil {
		return err
	}
	return h.showForm(c, http.StatusOK, "enquiry", l, f, Errors{}, id, false, host)
}

// EmbedThanks serves GET /embed/enquiry/thanks: Thanks, in the frame.
func (h *Handlers) EmbedThanks(c echo.Context) error {
	host, err := h.embedHost(web.Language(c), c.QueryParam("origin"))
	if err != nil {
		return err
	}
	return h.thanks(c, &web.EmbedFrame{HostOrigin: host, ScrollTop: true})
}

// embedHost is origin if it is one of the sites that may frame the form,
// else the refusal to show it there.
func (h *Handlers) embedHost(l *lang.Language, origin string) (string, error) {
	if origin == "" || !slices.Contains(h.embedOrigins, origin) {
		return "", echo.NewHTTPError(http.StatusForbidden, l.T("error.embed_refused"))
	}
	return origin, nil
}

// readPost reads the form's post: urlencoded, or multipart with files
// (which are staged; see readMultipart).
func (h *Handlers) readPost(c echo.Context, l *lang.Language) (url.Values, *upload, error) {
	r := c.Request()
	switch {
	case isMultipart(c):
		return h.readMultipart(c, l, !IsCaptchaReload(r))
	case hasMediaType(c, echo.MIMEApplicationForm):
		if err := r.ParseForm(); err != nil {
			return nil, nil, bodyError(l, err)
		}
		return r.PostForm, nil, nil
	}
	return nil, nil, echo.NewHTTPError(http.StatusUnsupportedMediaType, l.T("error.form_media_type"))
}

// dropUpload deletes the files of a post refused before its write.
func (h *Handlers) dropUpload(ctx context.Context, up *upload) {
	if up == nil || len(up.files) == 0 {
		return
	}
	if err := h.store.DropStagedAttachments(context.WithoutCancel(ctx), up.key); err != nil {
		h.log.Warn("drop staged attachments", "err", err)
	}
}

// IsCaptchaReload reports whether a form post is the "New code" button
// pressed without JavaScript: it posts to /enquiry?captcha_reload=1 (the
// query lets the rate limits tell it from an enquiry without reading the
// body). Such a post never stores, so the flag cannot be used to slip
// enquiries past the limit on posts.
func IsCaptchaReload(r *http.Request) bool {
	return r.URL.Query().Has("captcha_reload")
}

// Thanks serves GET /enquiry/thanks: the reference and what happens next,
// nothing else about the enquiry (the reference in the URL proves nothing).
func (h *Handlers) Thanks(c echo.Context) error { return h.thanks(c, nil) }

func (h *Handlers) thanks(c echo.Context, embed *web.EmbedFrame) error {
	ref := c.QueryParam("ref")
	if !ValidReference(ref) {
		ref = ""
	}
	l := web.Language(c)
	return h.render.Render(c, http.StatusOK, "thanks", struct {
		web.Page
		Reference string
	}{web.Page{Title: l.T("thanks.page_title"), Embed: embed, Lang: l}, ref})
}

// Privacy serves GET /privacy.
func (h *Handlers) Privacy(c echo.Context) error {
	l := web.Language(c)
	return h.render.Render(c, http.StatusOK, "privacy", struct {
		web.Page
		Version string
	}{web.Page{Title: l.T("site.privacy"), Lang: l, Canonical: h.baseURL + "/privacy"}, h.noticeVersion})
}

// challengeFile matches the ids rand.Text makes, with the file type.
var challengeFile = regexp.MustCompile(`^([A-Z2-7]{26})\.(png|wav)$`)

// CaptchaFile serves GET /captcha/{id}.png and .wav. Nothing is cached:
// each challenge is drawn for its one visitor.
//
// A clip speaks the digits in ?voice= when the library has that voice
// (see lang.Language.Voice), else in English.
//
// Only a refusal reads the visitor's language: the image, drawn on every
// visit, has no words to translate.
func (h *Handlers) CaptchaFile(c echo.Context) error {
	m := challengeFile.FindStringSubmatch(c.Param("file"))
	if m == nil {
		return echo.NewHTTPError(http.StatusNotFound, web.Language(c).T("error.captcha_gone"))
	}
	var buf bytes.Buffer
	var err error
	mimeType := "image/png"
	if m[2] == "png" {
		buf.Grow(20 << 10)
		err = h.captcha.WritePNG(c.Request().Context(), &buf, m[1])
	} else {
		mimeType = "audio/wav"
		err = h.captcha.WriteWAV(c.Request().Context(), &buf, m[1], c.QueryParam("voice"))
	}
	if errors.Is(err, store.ErrNotFound) {
		return echo.NewHTTPError(http.StatusNotFound, web.Language(c).T("error.captcha_gone"))
	}
	if errors.Is(err, ErrBusyDrawing) {
		c.Response().Header().Set("Retry-After", "1")
		return echo.NewHTTPError(http.StatusServiceUnavailable, web.Language(c).T("error.captcha_busy"))
	}
	if err != nil {
		return err
	}
	if m[2] == "png" && h.metrics != nil {
		h.metrics.CaptchaImages.Inc()
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, mimeType, buf.Bytes())
}

func (h *Handlers) origin(c echo.Context) origin {
	return origin{ClientIP: c.RealIP(), UserAgent: printable(c.Request().UserAgent(), 300)}
}

func hasMediaType(c echo.Context, want string) bool {
	mt, _, err := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	return err == nil && mt == want
}

// bodyError keeps the body limit's 413 and makes any other read error a 400.
func bodyError(l *lang.Language, err error) error {
	var he *echo.HTTPError
	if errors.As(err, &he) {
		return he
	}
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return echo.NewHTTPError(http.StatusRequestEntityTooLarge, web.StatusTextIn(l, http.StatusRequestEntityTooLarge))
	}
	return echo.NewHTTPError(http.StatusBadRequest, l.T("error.unreadable"))
}

// fieldNames lists the failing fields for the log: names only, never values.
func fieldNames(errs Errors) []string {
	out := make([]string, 0, len(errs))
	for _, name := range fieldOrder {
		if _, ok := errs[name]; ok {
			out = append(out, name)
		}
	}
	return out
}

// count records a submission's outcome for /metrics.
func (h *Handlers) count(channel, outcome string) {
	if h.metrics != nil {
		h.metrics.Enquiries.WithLabelValues(channel, outcome).Inc()
	}
}
