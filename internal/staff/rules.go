package staff

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"iordesk/internal/catalog"
	"iordesk/internal/compliance"
	"iordesk/internal/store"
	"iordesk/internal/web"
)

type rulesView struct {
	Page
	Rules              []ruleRow
	Q, Destination     string
	Severity           string
	Severities         []string
	Shown, Total, Due  int
	Notice, Error      string
	Edit               *ruleForm // the form to add or change a rule
	Categories         []catalog.Choice
	Disclaimer, Groups string
}

type ruleRow struct {
	*compliance.Rule
	ReviewDue bool
}

// ruleForm is a rule as its form shows it.
type ruleForm struct {
	New                                               bool
	ID, Destination, Categories, When, Scheme         string
	Authority, Summary, Severity, LeadTime, SourceURL string
	Reviewed                                          string
	LocalEntity, Verified                             bool
}

var severities = []string{"info", "action", "hold", "block"}

// Rules serves GET /staff/rules (manager): the compliance rules in force,
// filtered by text, destination and severity, those due for review flagged.
func (h *Handlers) Rules(c echo.Context) error {
	v := rulesView{Q: strings.TrimSpace(c.QueryParam("q")), Destination: strings.ToUpper(strings.TrimSpace(c.QueryParam("destination"))),
		Severity: c.QueryParam("severity"), Notice: ruleNotices[c.QueryParam("done")]}
	if id := c.QueryParam("edit"); id != "" {
		for _, r := range h.rules.Rules().All() {
			if r.ID == id {
				v.Edit = formOf(r)
			}
		}
	} else if c.QueryParam("new") != "" {
		v.Edit = &ruleForm{New: true, Severity: "action", Reviewed: h.now().UTC().Format(time.DateOnly)}
	}
	return h.showRules(c, http.StatusOK, v)
}

var ruleNotices = map[string]string{"saved": "Rule saved as a new version: enquiries screen with it from now on.",
	"retired": "Rule retired: enquiries no longer screen with it."}

func (h *Handlers) showRules(c echo.Context, status int, v rulesView) error {
	now := h.now()
	q := strings.ToLower(v.Q)
	for _, r := range h.rules.Rules().All() {
		v.Total++
		due := r.ReviewDue(now)
		if due {
			v.Due++
		}
		text := strings.ToLower(r.ID + " " + r.Scheme + " " + r.Authority + " " + r.Summary)
		if (q != "" && !strings.Contains(text, q)) || (v.Severity != "" && r.Severity.String() != v.Severity) ||
			(v.Destination != "" && !slices.Contains(strings.Split(r.Destination, "|"), v.Destination)) {
			continue
		}
		v.Rules = append(v.Rules, ruleRow{Rule: r, ReviewDue: due})
	}
	v.Shown = len(v.Rules)
	v.Page, v.Severities, v.Categories = h.page(c, "Compliance rules"), severities, catalog.ProductCategories
	v.Disclaimer, v.Groups = compliance.Disclaimer, "EU, GCC, EAEU, D5 (US Country Group D:5)"
	v.Staff.Section = "rules"
	return h.render.Render(c, status, "staff_rules", v)
}

func formOf(r *compliance.Rule) *ruleForm {
	return &ruleForm{ID: r.ID, Destination: r.Destination, Categories: strings.Join(r.Categories, " "),
		When: strings.Join(r.When, " "), Scheme: r.Scheme, Authority: r.Authority, Summary: r.Summary,
		Severity: r.Severity.String(), LeadTime: r.LeadTime, SourceURL: r.SourceURL, Reviewed: r.Reviewed.Format(time.DateOnly),
		LocalEntity: r.LocalEntity, Verified: r.Verified}
}

var separators = regexp.MustCompile(`[\s,|+]+`)

// SaveRule serves POST /staff/rules (manager): a new rule, or a new
// version of one; the audit log keeps it before and after.
func (h *Handlers) SaveRule(c echo.Context) error {
	f := &ruleForm{New: c.FormValue("new") == "yes", ID: strings.ToUpper(strings.TrimSpace(c.FormValue("id"))),
		Destination: strings.ToUpper(strings.TrimSpace(c.FormValue("destination"))), Categories: c.FormValue("categories"),
		When: c.FormValue("when"), Scheme: strings.TrimSpace(c.FormValue("scheme")), Authority: strings.TrimSpace(c.FormValue("authority")),
		Summary: strings.TrimSpace(c.FormValue("summary")), Severity: c.FormValue("severity"),
		LeadTime: strings.TrimSpace(c.FormValue("lead_time")), SourceURL: strings.TrimSpace(c.FormValue("source_url")),
		Reviewed: c.FormValue("reviewed"), LocalEntity: c.FormValue("local_entity") == "yes", Verified: c.FormValue("verified") == "yes"}
	rule, before, err := h.ruleFrom(f)
	if err == nil {
		err = h.rules.Save(c.Request().Context(), rule, false)
	}
	if err != nil {
		return h.showRules(c, http.StatusUnprocessableEntity, rulesView{Edit: f, Error: "The rule was not saved: " + err.Error() + "."})
	}
	detail := "added " + rule.ID + ": " + rule.Describe()
	if before != nil {
		detail = "changed " + rule.ID + ": before " + before.Describe() + "; after " + rule.Describe()
	}
	h.audit(c, web.CurrentUser(c), store.AuditRuleChange, detail)
	return c.Redirect(http.StatusSeeOther, "/staff/rules?done=saved")
}

// ruleFrom checks a rule's form against the rules in force: a new rule's id
// must be free, a changed one's must exist (returned as before).
func (h *Handlers) ruleFrom(f *ruleForm) (*compliance.Rule, *compliance.Rule, error) {
	var before *compliance.Rule
	for _, r := range h.rules.Rules().All() {
		if r.ID == f.ID {
			before = r
		}
	}
	switch {
	case f.New && before != nil:
		return nil, nil, fmt.Errorf("a rule %s exists; change it instead", f.ID)
	case !f.New && before == nil:
		return nil, nil, fmt.Errorf("there is no rule %s in force", f.ID)
	}
	severity, err := compliance.ParseSeverity(f.Severity)
	if err != nil {
		return nil, nil, err
	}
	reviewed, err := time.Parse(time.DateOnly, f.Reviewed)
	if err != nil {
		return nil, nil, fmt.Errorf("give the review date as YYYY-MM-DD")
	}
	rule := &compliance.Rule{ID: f.ID, Destination: strings.Join(splitList(f.Destination), "|"),
		Categories: splitList(f.Categories), When: splitList(f.When), Scheme: f.Scheme, Authority: f.Authority,
		Summary: f.Summary, Severity: severity, LocalEntity: f.LocalEntity, LeadTime: f.LeadTime, SourceURL: f.SourceURL,
		Verified: f.Verified, Reviewed: reviewed, Source: "manual"}
	if before != nil && before.SourceURL == rule.SourceURL {
		rule.Source = before.Source
	}
	isCountry := func(code string) bool { _, ok := h.cat.Country(code); return ok }
	isCategory := func(code string) bool { return catalog.HasChoice(catalog.ProductCategories, code) }
	if err := compliance.Check(rule, isCountry, isCategory, h.now()); err != nil {
		return nil, nil, err
	}
	return rule, before, nil
}

// splitList splits a field on spaces, commas, | and +.
func splitList(s string) []string {
	var out []string
	for _, p := range separators.Split(strings.TrimSpace(s), -1) {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// RetireRule serves POST /staff/rules/{rid}/retire (manager).
func (h *Handlers) RetireRule(c echo.Context) error {
	id := c.Param("rid")
	for _, r := range h.rules.Rules().All() {
		if r.ID == id {
			if err := h.rules.Save(c.Request().Context(), r, true); err != nil {
				return err
			}
			h.audit(c, web.CurrentUser(c), store.AuditRuleChange, "retired "+id+": before "+r.Describe())
			return c.Redirect(http.StatusSeeOther, "/staff/rules?done=retired")
		}
	}
	return notFound("rule")
}
