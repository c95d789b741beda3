package enquiry

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"iordesk/internal/lang"
	"iordesk/internal/web"
)

// challengeJSON tells an embedding site which challenge to show.
type challengeJSON struct {
	CaptchaID string `json:"captcha_id"`
	ImageURL  string `json:"image_url"`
	AudioURL  string `json:"audio_url"`
}

// challengeJSON is challenge id's addresses, the spoken code in l.
func (h *Handlers) challengeJSON(id string, l *lang.Language) challengeJSON {
	return challengeJSON{CaptchaID: id, ImageURL: h.baseURL + "/captcha/" + id + ".png", AudioURL: h.baseURL + "/captcha/" + id + ".wav" + voiceQuery(l)}
}

// APICaptcha serves POST /api/v1/captcha: a new challenge for an embedded
// form, or for the page's own "New code" button; its audio in the voice of
// ?lang= or Accept-Language.
func (h *Handlers) APICaptcha(c echo.Context) error {
	id, err := h.captcha.Issue(c.Request().Context())
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusCreated, h.challengeJSON(id, web.Language(c)))
}

// APISubmit serves POST /api/v1/enquiries: the same intake as the form, in
// JSON, or as multipart/form-data with the form's field names when files
// come with it. 201 with the reference; 422 with the errors by field and
// a fresh challenge.
//
// Messages are in the language of ?lang= or Accept-Language (English when
// neither names one iordesk has), as is the acknowledgement mail; field
// names and statuses are the contract and never change.
func (h *Handlers) APISubmit(c echo.Context) error {
	l := web.Language(c)
	var f *Form
	var errs Errors
	var up *upload
	switch {
	case hasMediaType(c, echo.MIMEApplicationJSON):
		var err error
		if f, errs, err = FormFromJSON(c.Request().Body, l); err != nil {
			var he *echo.HTTPError
			if errors.As(err, &he) {
				return he
			}
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				return bodyError(l, err)
			}
			return echo.NewHTTPError(http.StatusBadRequest, "The body could not be read: "+err.Error())
		}
	case isMultipart(c):
		values, files, err := h.readMultipart(c, l, true)
		if err != nil {
			return err
		}
		if f, errs, err = FormFromValues(values, l); err != nil {
			h.dropUpload(c.Request().Context(), files)
			return echo.NewHTTPError(http.StatusBadRequest, l.T("error.too_many_fields"))
		}
		up = files
	default:
		return echo.NewHTTPError(http.StatusUnsupportedMediaType, "Send the enquiry as application/json, or as multipart/form-data with files.")
	}
	if f.Website != "" {
		h.dropUpload(c.Request().Context(), up)
		h.log.Info("honeypot filled; answered as success, nothing stored", "ip", c.RealIP())
		h.count("api", "honeypot")
		return c.JSON(http.StatusCreated, map[string]string{"reference": NewReference()})
	}
	if len(f.DestinationCountries) > maxFields {
		h.dropUpload(c.Request().Context(), up)
		return echo.NewHTTPError(http.StatusBadRequest, "Too many destination countries.")
	}
	out, err := h.intake(c.Request().Context(), l, f, errs, h.origin(c), false, up)
	if err != nil {
		return err
	}
	if out.Reference != "" {
		h.log.Info("enquiry accepted", "ref", out.Reference, "channel", "api")
		h.count("api", "accepted")
		return c.JSON(http.StatusCreated, map[string]string{"reference": out.Reference})
	}
	h.log.Info("enquiry rejected", "fields", fieldNames(out.Errors), "channel", "api")
	h.count("api", "invalid")
	return c.JSON(http.StatusUnprocessableEntity, struct {
		Error   string        `json:"error"`
		Fields  Errors        `json:"fields"`
		Captcha challengeJSON `json:"captcha"`
	}{l.T("form.banner"), out.Errors, h.challengeJSON(out.NewCaptchaID, l)})
}
