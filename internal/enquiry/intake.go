package enquiry

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"iordesk/internal/lang"
	"iordesk/internal/sla"
	"iordesk/internal/store"
)

// Banner is the message shown above a form that failed validation.
const Banner = "Please correct the errors and try again."

// outcome is what one submission came to: a reference when stored, else
// the errors and the id of the fresh challenge to show.
type outcome struct {
	Reference    string
	Errors       Errors
	NewCaptchaID string
	// FilesDropped: the prospect attached files and none was kept.
	FilesDropped bool
}

// origin is what the request tells us about the sender besides the form.
type origin struct {
	ClientIP  string
	UserAgent string
}

// referenceAttempts bounds the redraws after a reference collision, which at
// 31^8 codes is already a one-in-a-million event at a million enquiries.
const referenceAttempts = 4

// intake checks the CAPTCHA and the fields and, when both pass, stores the
// enquiry; all in one group-committed write, so the challenge is used up and
// the enquiry stored together or not at all. reload only swaps the
// challenge for a new one.
//
// The files of up (nil: none) become the stored enquiry's; a post refused,
// or a new code asked for, keeps none of them, and the prospect is told to
// attach them again.
func (h *Handlers) intake(ctx context.Context, l *lang.Language, f *Form, errs Errors, from origin, reload bool, up *upload) (outcome, error) {
	now := h.now()
	if up != nil && len(up.refused) > 0 {
		errs.Add(AttachmentsField, strings.Join(up.refused, " "))
	}
	clean := f.Validate(h.cat, now, errs, l)
	out := outcome{Errors: errs}
	// Screened in memory before the write, so the writer waits for no
	// screening.
	var findings []store.Finding
	var e *store.Enquiry
	if len(errs) == 0 && !reload {
		e = clean.enquiry(now, h.noticeVersion, from)
		e.Language = l.Code
		e.Destinations = clean.Destinations
		findings, e.ComplianceState = h.rules.Rules().ScreenEnquiry(e)
		// The desk's promise starts at arrival; a failure to read the
		// desks costs the enquiry its due time, never the enquiry.
		var hours sla.Schedule
		var err error
		if e.Desk, hours, err = h.desks.For(ctx, e.Destinations); err != nil {
			h.log.Error("desk hours", "err", err)
		}
		due := hours.Due(now)
		e.RespondBy = &due
	}
	err := h.store.Write(ctx, func(tx *store.Tx) error {
		refusal, err := h.captcha.check(tx, f.CaptchaID, f.CaptchaSolution)
		if err != nil {
			return err
		}
		if reload {
			clear(errs)
		} else if refusal != "" {
			errs.Add("captcha_solution", l.T(refusal.id()))
		}
		if !reload && len(errs) == 0 {
			ref, err := insertWithFreshReference(tx, e, clean.Destinations)
			if err != nil {
				return err
			}
			if err := tx.InsertFindings(e.ID, findings); err != nil {
				return err
			}
			if up.sent() {
				if err := tx.ClaimAttachments(up.key, e.ID); err != nil {
					return err
				}
			}
			out.Reference = ref
			// The mail is queued in the same transaction: once the prospect
			// has a reference, the desk will hear of it. The address typed
			// may not be the sender's own, so it gets at most one
			// acknowledgement an hour.
			kinds := []string{store.MailDeskNotification}
			acknowledge, err := tx.MayAcknowledge(e.Email)
			if err != nil {
				return err
			}
			if acknowledge {
				kinds = append(kinds, store.MailAcknowledgement)
			}
			return tx.EnqueueMail(e.ID, kinds...)
		}
		if up.sent() {
			if err := tx.DropAttachments(up.key); err != nil {
				return err
			}
		}
		out.NewCaptchaID, err = h.captcha.issue(tx)
		return err
	})
	if err != nil {
		h.dropUpload(ctx, up)
		return outcome{}, fmt.Errorf("intake: %w", err)
	}
	if out.Reference == "" && up.sent() {
		out.FilesDropped = true
		msg := l.T("upload.again")
		if prev, ok := errs[AttachmentsField]; ok {
			msg = prev + " " + msg
		}
		errs[AttachmentsField] = msg
	}
	if out.Reference != "" {
		h.notifyMail()
	}
	return out, nil
}

func insertWithFreshReference(tx *store.Tx, e *store.Enquiry, destinations []string) (string, error) {
	for attempt := 1; ; attempt++ {
		e.Reference = NewReference()
		err := tx.InsertEnquiry(e, destinations)
		if err == nil {
			return e.Reference, nil
		}
		if !errors.Is(err, store.ErrConflict) || attempt == referenceAttempts {
			return "", err
		}
	}
}

// enquiry turns the cleaned form into the row to store.
func (c *Clean) enquiry(now time.Time, noticeVersion string, from origin) *store.Enquiry {
	return &store.Enquiry{
		FullName: c.FullName, Company: c.Company, Email: c.Email, Phone: c.Phone,
		Service: c.Service, OriginCountry: c.OriginCountry,
		ProductCategory: c.ProductCategory, ProductDescription: c.ProductDescription,
		Condition: c.Condition, HSCode: c.HSCode, EndUserHQCountry: c.EndUserHQCountry,
		ContainsEncryption: c.ContainsEncryption, WirelessRadio: c.WirelessRadio,
		LithiumBatteries: c.LithiumBatteries, ShipmentValueCents: c.ShipmentValueCents,
		Currency: c.Currency, TargetDate: c.TargetDate, Message: c.Message,
		ConsentAt: now, PrivacyNoticeVersion: noticeVersion,
		UTMSource: c.UTMSource, UTMMedium: c.UTMMedium, UTMCampaign: c.UTMCampaign,
		Referrer: c.Referrer, ClientIP: from.ClientIP, UserAgent: from.UserAgent,
	}
}

// printable keeps a header value (User-Agent, Referer) storable: valid
// UTF-8, no control characters, at most max runes.
func printable(s string, max int) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	if utf8.RuneCountInString(s) > max {
		s = string([]rune(s)[:max])
	}
	return s
}
