package staff

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"iordesk/internal/store"
)

// unmatchedPage is how many unmatched messages the page lists.
const unmatchedPage = 50

type mailView struct {
	Page
	Messages []inboundRow
	// Discarded shows the messages set aside instead of those waiting.
	Discarded bool
	Notice    string
	Error     string
	// Reference is what was typed into a failed attach, kept.
	Reference string
	FailedID  int64
}

// inboundRow is one recorded message as the page shows it: text only,
// never rendered as HTML (it is untrusted).
type inboundRow struct {
	store.InboundMail
	Received, Sent string
}

// UnmatchedMail serves GET /staff/mail (manager): the messages from the
// desk mailbox that named no enquiry, to attach to one or discard;
// ?state=discarded shows those set aside.
func (h *Handlers) UnmatchedMail(c echo.Context) error {
	return h.showMail(c, http.StatusOK, notices[c.QueryParam("done")], "", "", 0)
}

func (h *Handlers) showMail(c echo.Context, status int, notice, problem, reference string, failedID int64) error {
	ctx := c.Request().Context()
	state := store.InboundUnmatched
	if c.QueryParam("state") == store.InboundDiscarded {
		state = store.InboundDiscarded
	}
	list, err := h.store.UnmatchedMail(ctx, state, unmatchedPage, 0)
	if err != nil {
		return err
	}
	v := mailView{Page: h.page(c, "Unmatched mail"), Discarded: state == store.InboundDiscarded, Notice: notice, Error: problem,
		Reference: reference, FailedID: failedID}
	v.Staff.Section = "mail"
	for _, m := range list {
		full, err := h.store.InboundByID(ctx, m.ID)
		if err != nil {
			return err
		}
		row := inboundRow{InboundMail: *full, Received: full.ReceivedAt.UTC().Format("2 Jan 2006 15:04")}
		if full.SentAt != nil {
			row.Sent = full.SentAt.UTC().Format("2 Jan 2006 15:04")
		}
		v.Messages = append(v.Messages, row)
	}
	return h.render.Render(c, status, "staff_mail", v)
}

// AttachMail serves POST /staff/mail/{id}/attach (manager): an unmatched
// message filed under the enquiry whose reference is given, as if it had
// matched.
func (h *Handlers) AttachMail(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return notFound("message")
	}
	reference := c.FormValue("reference")
	enquiryID, err := h.store.AttachInbound(c.Request().Context(), id, reference, actor(c))
	switch {
	case errors.Is(err, store.ErrConflict):
		return h.showMail(c, http.StatusConflict, "", "That message was attached or discarded meanwhile.", "", 0)
	case errors.Is(err, store.ErrNotFound) && enquiryID == 0 && reference != "":
		return h.showMail(c, http.StatusUnprocessableEntity, "", "No enquiry has the reference "+reference+": check it (ENQ- and eight letters or digits).", reference, id)
	case errors.Is(err, store.ErrNotFound):
		return h.showMail(c, http.StatusUnprocessableEntity, "", "Give the reference of the enquiry to attach the message to.", reference, id)
	case err != nil:
		return err
	}
	h.notifyMail()
	return c.Redirect(http.StatusSeeOther, "/staff/enquiries/"+strconv.FormatInt(enquiryID, 10)+"?done=mail-attached")
}

// DiscardMail serves POST /staff/mail/{id}/discard (manager).
func (h *Handlers) DiscardMail(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return notFound("message")
	}
	err = h.store.DiscardInbound(c.Request().Context(), id, actor(c))
	switch {
	case errors.Is(err, store.ErrConflict):
		return h.showMail(c, http.StatusConflict, "", "That message was attached or discarded meanwhile.", "", 0)
	case errors.Is(err, store.ErrNotFound):
		return notFound("message")
	case err != nil:
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/staff/mail?done=mail-discarded")
}

// MarkAnswered serves POST /staff/enquiries/{id}/answered: the prospect's
// mail was answered another way (by telephone, say), so the enquiry no
// longer waits for the desk.
func (h *Handlers) MarkAnswered(c echo.Context) error {
	e, err := h.enquiryOfPath(c)
	if err != nil {
		return err
	}
	done := "answered"
	if err := h.store.MarkAnswered(c.Request().Context(), e.ID, actor(c)); errors.Is(err, store.ErrConflict) {
		done = "answered-already"
	} else if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, h.afterAction(c, e.ID, done))
}
