package staff

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"iordesk/internal/catalog"
	"iordesk/internal/compliance"
	"iordesk/internal/lang"
	"iordesk/internal/listing"
	"iordesk/internal/money"
	"iordesk/internal/phone"
	"iordesk/internal/store"
	"iordesk/internal/web"
)

type enquiryView struct {
	Page
	E          *store.Enquiry
	Fields     []fieldRow
	Events     []eventRow
	Mail       []store.Message
	Users      []store.User
	Statuses   []catalog.Choice
	Assignee   string
	Notice     string
	Error      string
	StatusName string
	// Screen is the compliance pre-screen, destination by destination.
	Screen     []destinationScreen
	Disclaimer string
	// Held: the pre-screen holds or blocks the enquiry; CanRelease: the
	// user may give the reason to quote or win it anyway.
	Held, CanRelease bool
	// List is the filtered list the enquiry was opened from, as URL
	// parameters (empty: the whole list); FromList says it was opened from
	// one; ListURL leads back to it, Prev and Next to its neighbours there.
	List, ListURL string
	FromList      bool
	Prev, Next    string
	// NextID is the next enquiry's, for "save and next" (0: none).
	NextID int64
	// Note is the note the form sends back when it could not be saved,
	// kept for the next try.
	Note string
	// Lines are the destinations as lines of work; LineStates and
	// Currencies their choices.
	Lines      []lineRow
	LineStates []catalog.Choice
	Currencies []catalog.Choice
	// CanReleaseLines: the user may give the reason to quote or win a
	// line whose destination is held.
	CanReleaseLines bool
	// Promise is the first-response promise while it waits; Overdue when
	// it is broken.
	Promise string
	Overdue bool
	// WaitingSince is when the prospect wrote and was not answered since
	// ("": nobody waits).
	WaitingSince string
	// Duplicates are the enquiries paired with this one as possible (or
	// confirmed) duplicates; DuplicateOf the original when confirmed.
	Duplicates  []store.Duplicate
	DuplicateOf *store.Duplicate
	// Templates are the reply templates to start from, those in the
	// prospect's language first.
	Templates []templateGroup
	// Reply is the reply being written: its subject starts as the
	// enquiry's; kept when it could not be sent, with its HTML version's
	// paragraphs when previewed.
	Reply        replyDraft
	ReplyPreview [][]string
	// Files are the files the prospect attached.
	Files []fileRow
}

// fileRow is one attached file as the page lists it.
type fileRow struct {
	URL, Name, Kind, Size string
	// SHA256 is the whole digest, Digest its first twelve characters.
	SHA256, Digest string
}

// replyDraft is the compose box's fields.
type replyDraft struct{ Subject, Body, Cc string }

// destinationScreen is what the pre-screen found for one destination.
type destinationScreen struct {
	Country, Name string
	Findings      []store.Finding
}

// fieldRow is one line of the enquiry's details; Link, when set, makes the
// value a link (the prospect's mail address and phone number).
type fieldRow struct {
	Label, Value string
	Link         template.URL
}

// e164 is how the intake stores a phone number.
var e164 = regexp.MustCompile(`^\+[1-9][0-9]{5,14}$`)

// contactLinks are the mailto: and tel: URLs of a stored address and
// number. html/template passes only http(s) and mailto links, so tel: must
// be vouched for: it is built only from a number that is E.164 exactly.
func contactLinks(email, phone string) (mailto, tel template.URL) {
	if email != "" {
		mailto = template.URL((&url.URL{Scheme: "mailto", Opaque: url.PathEscape(email)}).String())
	}
	if e164.MatchString(phone) {
		tel = template.URL("tel:" + phone)
	}
	return mailto, tel
}

type eventRow struct {
	When, Who, Kind, Detail string
}

// maxNote bounds a staff note.
const maxNote = 5000

// listQuery is the "list" parameter: the list the enquiry was opened from,
// unknown filters dropped (a malformed one is the whole list).
func (h *Handlers) listQuery(c echo.Context) listing.Query {
	v, err := url.ParseQuery(c.QueryParam("list"))
	if err != nil {
		v = nil
	}
	return listing.Parse(v, h.cat)
}

// afterAction is where a change on the enquiry page leads: the page again
// with the confirmation named by done, still knowing the list it came from.
// "Save and next" names the next enquiry of the list (as the page found it
// before the change, which may take this one out of the list) in "then".
func (h *Handlers) afterAction(c echo.Context, id int64, done string) string {
	if next, err := strconv.ParseInt(c.FormValue("then"), 10, 64); err == nil && next > 0 {
		id = next
		if done == "unchanged" {
			done = "next"
		} else {
			done = "saved-next"
		}
	}
	to := "/staff/enquiries/" + strconv.FormatInt(id, 10) + "?done=" + done
	if c.QueryParams().Has("list") {
		to += "&list=" + url.QueryEscape(h.listQuery(c).Values().Encode())
	}
	return to
}

// neighbours are the links to the enquiries before and after id in the
// list it was opened from, each keeping that list (with the page the row
// is on). It reads the enquiry's page of the list and one row either side.
func (h *Handlers) neighbours(c echo.Context, q listing.Query, id int64) (prev, next string, nextID int64, err error) {
	f := q.Filter(web.CurrentUser(c).ID, h.now(), h.loc)
	first := max(0, f.Offset-1)
	f.Offset, f.Limit = first, listing.PageSize+2
	rows, _, err := h.store.ListEnquiries(c.Request().Context(), f)
	if err != nil {
		return "", "", 0, err
	}
	link := func(i int) string {
		q.Page = (first+i)/listing.PageSize + 1
		return "/staff/enquiries/" + strconv.FormatInt(rows[i].ID, 10) + "?list=" + url.QueryEscape(q.Values().Encode())
	}
	for i, r := range rows {
		if r.ID != id {
			continue
		}
		if i > 0 {
			prev = link(i - 1)
		}
		if i+1 < len(rows) {
			next, nextID = link(i+1), rows[i+1].ID
		}
	}
	return prev, next, nextID, nil
}

// Enquiry serves GET /staff/enquiries/{id}: every field, the timeline and
// the actions.
func (h *Handlers) Enquiry(c echo.Context) error {
	v, err := h.enquiryPage(c, "", "")
	if err != nil {
		return err
	}
	if err := h.fromTemplate(c, v); err != nil {
		return err
	}
	return h.render.Render(c, http.StatusOK, "staff_enquiry", v)
}

func (h *Handlers) showEnquiry(c echo.Context, status int, problem string) error {
	return h.showEnquiryWith(c, status, problem, "")
}

// showEnquiryWith shows the enquiry as it is now, with a problem and the
// note that could not be saved.
func (h *Handlers) showEnquiryWith(c echo.Context, status int, problem, note string) error {
	v, err := h.enquiryPage(c, problem, note)
	if err != nil {
		return err
	}
	return h.render.Render(c, status, "staff_enquiry", v)
}

// enquiryPage is the enquiry page's data, with a problem to show and the
// note that could not be saved.
func (h *Handlers) enquiryPage(c echo.Context, problem, note string) (*enquiryView, error) {
	e, err := h.enquiryOfPath(c)
	if err != nil {
		return nil, err
	}
	id, ctx := e.ID, c.Request().Context()
	events, err := h.store.Events(ctx, id)
	if err != nil {
		return nil, err
	}
	msgs, err := h.store.MailFor(ctx, id)
	if err != nil {
		return nil, err
	}
	users, err := h.store.Users(ctx)
	if err != nil {
		return nil, err
	}
	findings, err := h.store.FindingsFor(ctx, id)
	if err != nil {
		return nil, err
	}
	v := enquiryView{Disclaimer: compliance.Disclaimer, Screen: h.screenByDestination(e, findings), Page: h.page(c, e.Reference+" · "+e.Company), E: e, Mail: msgs, Users: users,
		Statuses: catalog.Statuses, Notice: notices[c.QueryParam("done")], Error: problem,
		StatusName: catalog.Label(catalog.Statuses, e.Status), Fields: h.fields(e), Note: note,
		LineStates: catalog.LineStates, Currencies: h.cat.Currencies}
	lines, err := h.store.Lines(ctx, e)
	if err != nil {
		return nil, err
	}
	v.Lines = h.lineRows(e, lines, findings, store.NamesByID(users))
	v.Promise, v.Overdue = promise(*e, h.now())
	if e.AwaitingReplySince != nil {
		v.WaitingSince = e.AwaitingReplySince.UTC().Format("2 Jan 2006 15:04")
	}
	v.Reply.Subject = replySubject(e)
	templates, err := h.store.ReplyTemplates(ctx)
	if err != nil {
		return nil, err
	}
	v.Templates = templateGroups(templates, lang.ByCode(e.Language))
	if v.Duplicates, err = h.store.DuplicatesOf(ctx, id); err != nil {
		return nil, err
	}
	files, err := h.store.Attachments(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		v.Files = append(v.Files, fileRow{URL: web.AttachmentPath(f.EnquiryID, f.ID), Name: f.Name, Kind: web.FileKind(f.MediaType),
			Size: web.FileSize(f.Size), SHA256: f.SHA256, Digest: f.SHA256[:min(12, len(f.SHA256))]})
	}
	for i, d := range v.Duplicates {
		if d.State == store.DuplicateConfirmed && d.Later {
			v.DuplicateOf = &v.Duplicates[i]
		}
	}
	v.Fields = append(v.Fields, h.responseFields(e, store.NamesByID(users))...)
	v.Staff.Section = "enquiries"
	list := h.listQuery(c)
	v.List, v.FromList = list.Values().Encode(), c.QueryParams().Has("list")
	v.ListURL = "/staff/enquiries"
	if v.List != "" {
		v.ListURL += "?" + v.List
	}
	if v.FromList {
		if v.Prev, v.Next, v.NextID, err = h.neighbours(c, list, id); err != nil {
			return nil, err
		}
	}
	v.Held = e.ComplianceState == store.ComplianceHold || e.ComplianceState == store.ComplianceBlock
	v.CanRelease = v.Held && web.CurrentUser(c).Can(store.RoleManager)
	v.CanReleaseLines = web.CurrentUser(c).Can(store.RoleManager)
	if e.AssigneeID != nil {
		v.Assignee = store.NamesByID(users)[*e.AssigneeID]
	}
	for _, ev := range events {
		v.Events = append(v.Events, eventRow{When: ev.CreatedAt.UTC().Format("2 Jan 2006 15:04"),
			Who: ev.Actor, Kind: ev.Kind, Detail: ev.Detail})
	}
	return &v, nil
}

// screenByDestination orders the findings by the enquiry's destinations;
// nil for an enquiry received before the pre-screen.
func (h *Handlers) screenByDestination(e *store.Enquiry, findings []store.Finding) []destinationScreen {
	if e.ComplianceState == "" {
		return nil
	}
	out := make([]destinationScreen, 0, len(e.Destinations))
	for _, code := range e.Destinations {
		d := destinationScreen{Country: code, Name: h.cat.CountryName(code)}
		for _, f := range findings {
			if f.Country == code {
				d.Findings = append(d.Findings, f)
			}
		}
		out = append(out, d)
	}
	return out
}

func (h *Handlers) fields(e *store.Enquiry) []fieldRow {
	countries := make([]string, 0, len(e.Destinations))
	for _, code := range e.Destinations {
		countries = append(countries, h.cat.CountryName(code)+" ("+code+")")
	}
	or := func(s string) string {
		if s == "" {
			return "—"
		}
		return s
	}
	mailto, tel := contactLinks(e.Email, e.Phone)
	return []fieldRow{
		{Label: "Name", Value: e.FullName}, {Label: "Company", Value: e.Company},
		{Label: "Email", Value: e.Email, Link: mailto}, {Label: "Phone", Value: or(phone.Display(e.Phone)), Link: tel},
		{Label: "Writes in", Value: lang.ByCode(e.Language).InEnglish()},
		{Label: "Service", Value: catalog.Label(catalog.Services, e.Service)},
		{Label: "Shipping from", Value: h.cat.CountryName(e.OriginCountry)},
		{Label: "Destinations", Value: strings.Join(countries, ", ")},
		{Label: "Category", Value: catalog.Label(catalog.ProductCategories, e.ProductCategory)},
		{Label: "Condition", Value: catalog.Label(catalog.Conditions, e.Condition)},
		{Label: "Value", Value: money.Format(e.ShipmentValueCents, e.Currency)},
		{Label: "Needed by", Value: or(e.TargetDate)}, {Label: "HS code", Value: or(e.HSCode)},
		{Label: "End user headquarters", Value: or(h.cat.CountryName(e.EndUserHQCountry))},
		{Label: "Encryption", Value: catalog.Label(catalog.YesNoUnknown, e.ContainsEncryption)},
		{Label: "Radio", Value: catalog.Label(catalog.YesNoUnknown, e.WirelessRadio)},
		{Label: "Lithium batteries", Value: catalog.Label(catalog.LithiumOptions, e.LithiumBatteries)},
		{Label: "Description", Value: e.ProductDescription}, {Label: "Message", Value: or(e.Message)},
		{Label: "Received", Value: e.CreatedAt.UTC().Format("2 Jan 2006 15:04 UTC")},
		{Label: "Consent", Value: e.ConsentAt.UTC().Format("2 Jan 2006 15:04 UTC") + ", privacy notice " + e.PrivacyNoticeVersion},
		{Label: "Source", Value: or(strings.Trim(e.UTMSource+" / "+e.UTMMedium+" / "+e.UTMCampaign, " /"))},
		{Label: "Referrer", Value: or(e.Referrer)},
	}
}

// enquiryOfPath is the enquiry the URL names (a 404 when there is none).
func (h *Handlers) enquiryOfPath(c echo.Context) (*store.Enquiry, error) {
	id, err := pathID(c, "enquiry")
	if err != nil {
		return nil, err
	}
	e, err := h.store.EnquiryByID(c.Request().Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound("enquiry")
	}
	return e, err
}

// enquiryAndVersion are the enquiry of the URL and the version its form
// showed.
func enquiryAndVersion(c echo.Context) (id, version int64, err error) {
	if id, err = pathID(c, "enquiry"); err != nil {
		return 0, 0, err
	}
	version, _ = strconv.ParseInt(c.FormValue("version"), 10, 64)
	if version <= 0 {
		return 0, 0, echo.NewHTTPError(http.StatusBadRequest, "The form is missing the enquiry's version; reload the page.")
	}
	return id, version, nil
}

// responseFields are the rows about the enquiry's desk and first response.
func (h *Handlers) responseFields(e *store.Enquiry, names map[int64]string) []fieldRow {
	desk := e.Desk
	if desk == "" {
		desk = "The default desk"
	}
	rows := []fieldRow{{Label: "Desk", Value: desk}}
	if e.RespondBy != nil {
		rows = append(rows, fieldRow{Label: "Respond by", Value: e.RespondBy.In(h.loc).Format("Mon 2 Jan 2006 15:04 MST")})
	}
	if e.FirstResponseAt != nil {
		text := e.FirstResponseAt.In(h.loc).Format("Mon 2 Jan 2006 15:04 MST")
		if e.FirstResponseBy != nil {
			text += " by " + names[*e.FirstResponseBy]
		}
		if e.RespondBy != nil {
			if e.FirstResponseAt.After(*e.RespondBy) {
				text += " (after the promise)"
			} else {
				text += " (within the promise)"
			}
		}
		rows = append(rows, fieldRow{Label: "First response", Value: text})
	}
	return rows
}

// act runs one action on the enquiry of the URL and answers the usual way:
// back to the enquiry with a notice, 409 with the fresh page when someone
// else changed it first.
func (h *Handlers) act(c echo.Context, done string, do func(id, version int64) error) error {
	id, version, err := enquiryAndVersion(c)
	if err != nil {
		return err
	}
	err = do(id, version)
	switch {
	case errors.Is(err, store.ErrConflict):
		return h.showEnquiry(c, http.StatusConflict,
			"Someone else changed this enquiry while you were looking at it. Here it is as it is now; please check and try again.")
	case errors.Is(err, store.ErrNotFound):
		return echo.NewHTTPError(http.StatusNotFound, "No such enquiry.")
	case err != nil:
		return err
	}
	return c.Redirect(http.StatusSeeOther, h.afterAction(c, id, done))
}

// SetStatus serves POST /staff/enquiries/{id}/status. Quoting or winning
// an enquiry the compliance pre-screen holds or blocks takes a manager and
// a written reason (release), which goes on the timeline and in the audit
// log.
func (h *Handlers) SetStatus(c echo.Context) error {
	status := c.FormValue("status")
	if !catalog.HasChoice(catalog.Statuses, status) {
		return echo.NewHTTPError(http.StatusBadRequest, "Choose a status.")
	}
	release := strings.TrimSpace(c.FormValue("release"))
	u := web.CurrentUser(c)
	if release != "" && !u.Can(store.RoleManager) {
		return echo.NewHTTPError(http.StatusForbidden, "Only a manager can release a compliance hold.")
	}
	if len([]rune(release)) > maxNote {
		return echo.NewHTTPError(http.StatusBadRequest, "The reason is too long.")
	}
	err := h.act(c, "status", func(id, version int64) error {
		err := h.store.ChangeStatus(c.Request().Context(), id, version, status, actor(c), release)
		if err == nil && release != "" {
			h.audit(c, u, store.AuditComplianceRelease, fmt.Sprintf("enquiry %d to %s: %s", id, status, release))
		}
		return err
	})
	if errors.Is(err, store.ErrComplianceHold) {
		problem := "The compliance pre-screen holds this enquiry: a manager must give a reason to move it to " + status + "."
		return h.showEnquiry(c, http.StatusUnprocessableEntity, problem)
	}
	return err
}

// Update serves POST /staff/enquiries/{id}/update: the page's one form
// (status, assignee, next action, note) saved in one write. When it cannot
// be saved the page comes back with the reason and the note kept.
func (h *Handlers) Update(c echo.Context) error {
	id, version, err := enquiryAndVersion(c)
	if err != nil {
		return err
	}
	u := web.CurrentUser(c)
	up := store.Update{Status: c.FormValue("status"), Release: strings.TrimSpace(c.FormValue("release")),
		FollowUpOn: strings.TrimSpace(c.FormValue("follow_up_on")), Note: strings.TrimSpace(c.FormValue("note"))}
	if up.Assignee, err = h.assignee(c, c.FormValue("assignee")); err != nil {
		return err
	}
	invalid := func(problem string) error {
		return h.showEnquiryWith(c, http.StatusUnprocessableEntity, problem, up.Note)
	}
	switch {
	case !catalog.HasChoice(catalog.Statuses, up.Status):
		return invalid("Choose a status.")
	case !validText(up.Note, 0) || !validText(up.Release, 0):
		return invalid("A note or reason is at most 5000 characters of text.")
	case up.Release != "" && !u.Can(store.RoleManager):
		return echo.NewHTTPError(http.StatusForbidden, "Only a manager can release a compliance hold.")
	case up.FollowUpOn != "" && !plausibleDay(up.FollowUpOn, h.now()):
		return invalid("Give the next action's date as a day within the next five years, or leave it empty.")
	}
	saved, err := h.store.UpdateEnquiry(c.Request().Context(), id, version, up, actor(c))
	switch {
	case errors.Is(err, store.ErrConflict):
		return h.showEnquiryWith(c, http.StatusConflict,
			"Someone else changed this enquiry while you were looking at it. Here it is as it is now; your note is kept below. Please check and save again.", up.Note)
	case errors.Is(err, store.ErrComplianceHold):
		return invalid("The compliance pre-screen holds this enquiry: a manager must give a reason to move it to " + up.Status + ". Nothing was saved.")
	case errors.Is(err, store.ErrNotFound):
		return notFound("enquiry")
	case err != nil:
		return err
	}
	if up.Release != "" && saved {
		h.audit(c, u, store.AuditComplianceRelease, fmt.Sprintf("enquiry %d to %s: %s", id, up.Status, up.Release))
	}
	done := "saved"
	if !saved {
		done = "unchanged"
	}
	return c.Redirect(http.StatusSeeOther, h.afterAction(c, id, done))
}

// validText reports whether s is text a note may hold: valid UTF-8, no NUL,
// at least min and at most maxNote characters.
func validText(s string, min int) bool {
	n := utf8.RuneCountInString(s)
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0) && n >= min && n <= maxNote
}

// plausibleDay reports whether day (YYYY-MM-DD) is a date from a year ago
// to five years after now: a next action outside that is a typing slip.
func plausibleDay(day string, now time.Time) bool {
	t, err := time.Parse(time.DateOnly, day)
	return err == nil && t.After(now.AddDate(-1, 0, 0)) && t.Before(now.AddDate(5, 0, 0))
}

// DecideDuplicate serves POST /staff/enquiries/{id}/duplicates/{other}:
// decision "confirm" (the later of the two is a duplicate of the earlier)
// or "dismiss" (not a duplicate, never shown again).
func (h *Handlers) DecideDuplicate(c echo.Context) error {
	id, err := pathID(c, "enquiry")
	if err != nil {
		return err
	}
	other, err := strconv.ParseInt(c.Param("other"), 10, 64)
	if err != nil || other <= 0 {
		return notFound("pair")
	}
	decision := c.FormValue("decision")
	if decision != "confirm" && decision != "dismiss" {
		return echo.NewHTTPError(http.StatusBadRequest, "Confirm or dismiss.")
	}
	err = h.store.DecideDuplicate(c.Request().Context(), id, other, decision == "confirm", actor(c))
	switch {
	case errors.Is(err, store.ErrNotFound):
		return notFound("enquiry")
	case errors.Is(err, store.ErrConflict):
		return h.showEnquiry(c, http.StatusConflict, "Someone decided on that pair already; here is the enquiry as it is now.")
	case err != nil:
		return err
	}
	return c.Redirect(http.StatusSeeOther, h.afterAction(c, id, "duplicate-"+decision))
}

// Rescreen serves POST /staff/enquiries/{id}/rescreen: the enquiry is
// screened again with the rules in force; what changed goes on its
// timeline.
func (h *Handlers) Rescreen(c echo.Context) error {
	id, err := pathID(c, "enquiry")
	if err != nil {
		return err
	}
	r, err := h.store.Rescreen(c.Request().Context(), id, actor(c), h.rules.Rules().ScreenEnquiry)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return notFound("enquiry")
	case errors.Is(err, store.ErrConflict):
		return h.showEnquiry(c, http.StatusConflict, "Someone else changed this enquiry meanwhile; here it is as it is now.")
	case err != nil:
		return err
	}
	done := "rescreen-same"
	if r.Changed {
		done = "rescreen"
	}
	return c.Redirect(http.StatusSeeOther, h.afterAction(c, id, done))
}

// MarkSpam serves POST /staff/enquiries/{id}/spam.
func (h *Handlers) MarkSpam(c echo.Context) error {
	return h.act(c, "spam", func(id, version int64) error {
		return h.store.ChangeStatus(c.Request().Context(), id, version, store.StatusSpam, actor(c), "")
	})
}

// SetAssignee serves POST /staff/enquiries/{id}/assign.
func (h *Handlers) SetAssignee(c echo.Context) error {
	assignee, err := h.assignee(c, c.FormValue("assignee"))
	if err != nil {
		return err
	}
	return h.act(c, "assign", func(id, version int64) error {
		return h.store.Assign(c.Request().Context(), id, version, assignee, actor(c))
	})
}

// AddNote serves POST /staff/enquiries/{id}/notes.
func (h *Handlers) AddNote(c echo.Context) error {
	text := strings.TrimSpace(c.FormValue("note"))
	if !validText(text, 1) {
		return echo.NewHTTPError(http.StatusBadRequest, "Write a note of 1 to 5000 characters.")
	}
	return h.act(c, "note", func(id, _ int64) error {
		return h.store.AddNote(c.Request().Context(), id, text, actor(c))
	})
}
