package staff

import (
	"cmp"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"iordesk/internal/catalog"
	"iordesk/internal/lang"
	"iordesk/internal/replytpl"
	"iordesk/internal/store"
)

type templatesView struct {
	Page
	Templates []store.ReplyTemplate
	Fields    []string
	// Languages are those a template may be written in.
	Languages []catalog.Choice
	// Draft is the template the form sends back when it could not be
	// saved (ID 0: a new one).
	Draft  store.ReplyTemplate
	Error  string
	Notice string
}

// Templates serves GET /staff/templates (manager): the reply templates.
func (h *Handlers) Templates(c echo.Context) error {
	return h.showTemplates(c, http.StatusOK, store.ReplyTemplate{}, "", notices[c.QueryParam("done")])
}

func (h *Handlers) showTemplates(c echo.Context, status int, draft store.ReplyTemplate, problem, notice string) error {
	list, err := h.store.ReplyTemplates(c.Request().Context())
	if err != nil {
		return err
	}
	v := templatesView{Page: h.page(c, "Reply templates"), Templates: list, Fields: replytpl.Fields, Draft: draft, Error: problem, Notice: notice}
	for _, l := range lang.All {
		v.Languages = append(v.Languages, catalog.Choice{Code: l.Code, Label: l.InEnglish()})
	}
	v.Staff.Section = "templates"
	return h.render.Render(c, status, "staff_templates", v)
}

// SaveTemplate serves POST /staff/templates (manager): a new template, or
// a change to one (id). A template the sandbox refuses is not saved, and
// the page says where it is wrong.
func (h *Handlers) SaveTemplate(c echo.Context) error {
	t := store.ReplyTemplate{Name: strings.TrimSpace(c.FormValue("name")), Subject: strings.TrimSpace(c.FormValue("subject")),
		Body: strings.TrimRight(c.FormValue("body"), " \t\r\n"), Language: cmp.Or(c.FormValue("language"), lang.English.Code)}
	if id := c.FormValue("id"); id != "" {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil || n <= 0 {
			return notFound("template")
		}
		t.ID = n
	}
	problem := ""
	switch {
	case t.Name == "" || len([]rune(t.Name)) > 100 || !validText(t.Name, 1):
		problem = "Give the template a name of at most 100 characters."
	case t.Subject == "" || strings.ContainsAny(t.Subject, "\r\n") || len([]rune(t.Subject)) > maxSubject:
		problem = "Give the template a one-line subject."
	case strings.TrimSpace(t.Body) == "" || !validReplyBody(t.Body):
		problem = "Write the template's text."
	case lang.ByCode(t.Language).Code != t.Language:
		problem = "Choose the language the template is written in."
	}
	if problem == "" {
		if err := replytpl.Check(t.Subject); err != nil {
			problem = "The subject cannot be used: " + err.Error() + "."
		} else if err := replytpl.Check(t.Body); err != nil {
			problem = "The text cannot be used: " + err.Error() + "."
		}
	}
	if problem == "" {
		err := h.store.SaveReplyTemplate(c.Request().Context(), &t)
		switch {
		case errors.Is(err, store.ErrConflict):
			problem = "Another template has that name."
		case errors.Is(err, store.ErrNotFound):
			return notFound("template")
		case err != nil:
			return err
		}
	}
	if problem != "" {
		return h.showTemplates(c, http.StatusUnprocessableEntity, t, problem, "")
	}
	return c.Redirect(http.StatusSeeOther, "/staff/templates?done=template")
}

// DeleteTemplate serves POST /staff/templates/{id}/delete (manager).
func (h *Handlers) DeleteTemplate(c echo.Context) error {
	id, err := pathID(c, "template")
	if err != nil {
		return err
	}
	if err := h.store.DeleteReplyTemplate(c.Request().Context(), id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/staff/templates?done=template-deleted")
}

// fromTemplate fills the reply draft of the enquiry page from the template
// the URL names (?template=ID), for the current user.
func (h *Handlers) fromTemplate(c echo.Context, v *enquiryView) error {
	id, err := strconv.ParseInt(c.QueryParam("template"), 10, 64)
	if err != nil || id <= 0 {
		return nil
	}
	t, err := h.store.ReplyTemplateByID(c.Request().Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	// The merge fields' names are in the template's language.
	e, in := v.E, h.cat.In(lang.ByCode(t.Language))
	names := make([]string, 0, len(e.Destinations))
	for _, code := range e.Destinations {
		names = append(names, in.CountryName(code))
	}
	d := replytpl.Data{Name: e.FullName, Company: e.Company, Email: e.Email, Reference: e.Reference,
		Destinations: strings.Join(names, ", "), Service: catalog.Label(in.Services, e.Service),
		Goods: e.ProductDescription, Agent: actor(c).Name}
	subject, err1 := replytpl.Render(t.Subject, d)
	body, err2 := replytpl.Render(t.Body, d)
	if err := errors.Join(err1, err2); err != nil {
		v.Error = "The template " + t.Name + " cannot be used: " + err.Error()
		return nil
	}
	v.Reply.Subject, v.Reply.Body = strings.Join(strings.Fields(subject), " "), body
	return nil
}

// templateGroup is the reply templates in one language, as the enquiry
// page's picker groups them.
type templateGroup struct {
	Label     string
	Templates []store.ReplyTemplate
}

// templateGroups puts the templates in the prospect's language first
// (the picker starts on the first), then the others by language, in the
// order the public pages list them.
func templateGroups(templates []store.ReplyTemplate, prospect *lang.Language) []templateGroup {
	order := append([]*lang.Language{prospect}, slices.DeleteFunc(slices.Clone(lang.All), func(l *lang.Language) bool { return l == prospect })...)
	var out []templateGroup
	for _, l := range order {
		g := templateGroup{Label: "In " + l.InEnglish()}
		if l == prospect {
			g.Label += ", the prospect's language"
		}
		for _, t := range templates {
			if lang.ByCode(t.Language) == l {
				g.Templates = append(g.Templates, t)
			}
		}
		if len(g.Templates) > 0 {
			out = append(out, g)
		}
	}
	return out
}
