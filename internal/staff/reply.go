package staff

import (
	"fmt"
	"net/http"
	"net/mail"
	"strings"

	"github.com/labstack/echo/v4"

	imail "iordesk/internal/mail"
	"iordesk/internal/store"
)

// Bounds of a reply.
const (
	maxSubject   = 200
	maxReplyBody = 20000
	maxCc        = 10
)

// replySubject is the subject a reply starts with: the reference in
// brackets, which the prospect's answer keeps, and what is shipped.
func replySubject(e *store.Enquiry) string {
	goods := []rune(strings.Join(strings.Fields(e.ProductDescription), " "))
	if len(goods) > 60 {
		goods = append(goods[:59], '…')
	}
	return "Re: [" + e.Reference + "] " + string(goods)
}

// Reply serves POST /staff/enquiries/{id}/reply: a reply to the prospect,
// sent through the outbox from the desk's address in the agent's name.
// The prospect is always the recipient; copies may go only to the
// enquiry's own address and to the company's domains, so the desk's
// mailer cannot be used to write to anyone else.
func (h *Handlers) Reply(c echo.Context) error {
	e, err := h.enquiryOfPath(c)
	if err != nil {
		return err
	}
	id, ctx := e.ID, c.Request().Context()
	r := store.Reply{Subject: strings.TrimSpace(c.FormValue("subject")), Body: strings.TrimRight(c.FormValue("body"), " \t\r\n")}
	problem := ""
	switch {
	case r.Subject == "" || len([]rune(r.Subject)) > maxSubject || strings.ContainsAny(r.Subject, "\r\n\x00") || !validText(r.Subject, 1):
		problem = fmt.Sprintf("Give the reply a subject of one line, at most %d characters.", maxSubject)
	case strings.TrimSpace(r.Body) == "" || len([]rune(r.Body)) > maxReplyBody || !validReplyBody(r.Body):
		problem = fmt.Sprintf("Write the reply: 1 to %d characters of text.", maxReplyBody)
	}
	if problem == "" {
		r.Cc, problem = h.copies(c, e, c.FormValue("cc"))
	}
	preview := c.FormValue("preview") != ""
	if problem != "" || preview {
		// The draft comes back as written, with what is wrong or with the
		// paragraphs of its HTML version.
		v, err := h.enquiryPage(c, problem, "")
		if err != nil {
			return err
		}
		v.Reply = replyDraft{Subject: c.FormValue("subject"), Body: c.FormValue("body"), Cc: c.FormValue("cc")}
		status := http.StatusUnprocessableEntity
		if problem == "" {
			v.ReplyPreview, status = imail.Paragraphs(r.Body), http.StatusOK
		}
		return h.render.Render(c, status, "staff_enquiry", v)
	}
	if _, err := h.store.QueueReply(ctx, id, r, actor(c)); err != nil {
		return err
	}
	h.notifyMail()
	return c.Redirect(http.StatusSeeOther, h.afterAction(c, id, "reply"))
}

// validReplyBody is text a reply may hold: valid UTF-8, no control
// characters but line breaks and tabs.
func validReplyBody(s string) bool {
	for _, r := range s {
		if r == 0xFFFD || (r < 0x20 && r != '\n' && r != '\r' && r != '\t') || r == 0x7f {
			return false
		}
	}
	return true
}

// copies reads the Cc field: plain addresses, each the enquiry's own or at
// one of the company's domains (the sender's and desk's, the routing
// addresses' and the staff accounts').
func (h *Handlers) copies(c echo.Context, e *store.Enquiry, field string) ([]string, string) {
	var out []string
	domains, err := h.ownDomains(c)
	if err != nil {
		return nil, "The company's domains could not be read; try again."
	}
	for _, part := range strings.Split(field, ",") {
		addr := strings.TrimSpace(part)
		if addr == "" {
			continue
		}
		if !PlainAddress(addr) {
			return nil, fmt.Sprintf("Copy to %q: write plain addresses separated by commas.", addr)
		}
		_, domain, _ := strings.Cut(strings.ToLower(addr), "@")
		if !strings.EqualFold(addr, e.Email) && !domains[domain] {
			return nil, fmt.Sprintf("Copy to %s: copies go only to the prospect's address and to the company's own domains.", addr)
		}
		out = append(out, addr)
	}
	if len(out) > maxCc {
		return nil, fmt.Sprintf("At most %d copies.", maxCc)
	}
	return out, ""
}

// ownDomains are the company's mail domains.
func (h *Handlers) ownDomains(c echo.Context) (map[string]bool, error) {
	ctx := c.Request().Context()
	domains := map[string]bool{}
	add := func(addr string) {
		if a, err := mail.ParseAddress(addr); err == nil {
			addr = a.Address
		}
		if _, d, ok := strings.Cut(strings.ToLower(addr), "@"); ok && d != "" {
			domains[d] = true
		}
	}
	for _, a := range h.mailAddresses {
		add(a)
	}
	users, err := h.store.Users(ctx)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		add(u.Email)
	}
	names, err := h.desks.Names(ctx)
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		add(n)
	}
	return domains, nil
}
