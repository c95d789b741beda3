package server_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"iordesk/internal/store"
)

func TestErasureKeepsCountsAndForgetsThePerson(t *testing.T) {
	onBothEngines(t, testErasureKeepsCountsAndForgetsThePerson)
}

func testErasureKeepsCountsAndForgetsThePerson(t *testing.T, a *app) {
	ctx := context.Background()
	var theirs []*store.Enquiry
	for i, email := range []string{"Jane.Doe@Example.com", "jane.doe@example.com"} {
		e := a.enquiryFrom(email, "Jane Doe", []string{"DE", "BR"}[i])
		a.st.Write(ctx, func(tx *store.Tx) error { return tx.EnqueueMail(e.ID, store.MailAcknowledgement) })
		a.st.AddNote(ctx, e.ID, "Jane's mobile is +44 7700 900123", store.Actor{ID: a.users[store.RoleAgent].ID, Name: "Agent"})
		reply := store.Reply{Subject: "Re: your enquiry, Jane Doe", Body: "Dear Jane Doe,\nwe write to " + email + ".", Cc: []string{email}}
		if _, err := a.st.QueueReply(ctx, e.ID, reply, store.Actor{ID: a.users[store.RoleAgent].ID, Name: "Agent"}); err != nil {
			t.Fatal(err)
		}
		if err := a.st.ChangeStatus(ctx, e.ID, 0, store.StatusContacted, store.Actor{ID: 1, Name: "x"}, ""); err != nil {
			t.Fatal(err)
		}
		theirs = append(theirs, e)
	}
	other := a.enquiry("Somebody Else", "DE")
	before, _ := a.st.Overview(ctx, time.Time{}, time.Time{})

	admin := a.session(store.RoleAdmin)
	rec := a.request("POST", "/staff/privacy/erase", url.Values{"email": {"JANE.DOE@example.com"}, "confirm": {"yes"}}, admin)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "erased from 2 enquiries") {
		t.Fatalf("erase: %d", rec.Code)
	}
	for _, e := range theirs {
		got, _ := a.st.EnquiryByID(ctx, e.ID)
		if got.FullName != store.Erased || got.Company != store.Erased || strings.Contains(got.Email, "jane") ||
			got.ClientIP != "" || got.Status != store.StatusContacted || len(got.Destinations) != 1 {
			t.Fatalf("after erasure: %+v", got)
		}
		evs, _ := a.st.Events(ctx, e.ID)
		for _, ev := range evs {
			if strings.Contains(ev.Detail, "7700") {
				t.Fatalf("a note kept personal data: %q", ev.Detail)
			}
		}
		if evs[len(evs)-1].Kind != store.EventErased {
			t.Fatalf("no erasure event: %+v", evs[len(evs)-1])
		}
		msgs, _ := a.st.MailFor(ctx, e.ID)
		for _, m := range msgs {
			if m.Status == store.MailPending {
				t.Fatal("mail to an erased person is still pending")
			}
		}
	}
	if got, _ := a.st.EnquiryByID(ctx, other.ID); got.FullName != "Somebody Else" {
		t.Fatal("another person's data was erased")
	}
	after, _ := a.st.Overview(ctx, time.Time{}, time.Time{})
	if after.Total != before.Total || len(after.ByCountry) != len(before.ByCountry) {
		t.Fatalf("counts changed: %+v → %+v", before.ByCountry, after.ByCountry)
	}
	log, _ := a.st.AuditLog(ctx, 5)
	if log[0].Action != store.AuditErasure || strings.Contains(strings.ToLower(log[0].Detail), "jane") {
		t.Fatalf("audit %+v", log[0])
	}
	// Without the confirmation nothing happens.
	rec = a.request("POST", "/staff/privacy/erase", url.Values{"email": {"p@example.com"}}, admin)
	if rec.Code != 422 {
		t.Fatalf("unconfirmed erase: %d", rec.Code)
	}
	if got, _ := a.st.EnquiryByID(ctx, other.ID); got.FullName == store.Erased {
		t.Fatal("erased without confirmation")
	}
}

func TestRetention(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	oldSpam := a.enquiry("Old Spam", "US")
	a.st.ChangeStatus(ctx, oldSpam.ID, 0, store.StatusSpam, store.Actor{ID: 1, Name: "x"}, "")
	oldWon := a.enquiry("Old Winner", "DE")
	a.st.ChangeStatus(ctx, oldWon.ID, 0, store.StatusWon, store.Actor{ID: 1, Name: "x"}, "")
	oldOpen := a.enquiry("Old Open", "DE")
	a.advance(400 * 24 * time.Hour)
	newSpam := a.enquiry("New Spam", "US")
	a.st.ChangeStatus(ctx, newSpam.ID, 0, store.StatusSpam, store.Actor{ID: 1, Name: "x"}, "")
	deleted, anonymised, err := a.st.ApplyRetention(ctx, 90*24*time.Hour, 365*24*time.Hour)
	if err != nil || deleted != 1 || anonymised != 1 {
		t.Fatalf("retention: %d deleted, %d anonymised, %v", deleted, anonymised, err)
	}
	if _, err := a.st.EnquiryByID(ctx, oldSpam.ID); err == nil {
		t.Fatal("old spam kept")
	}
	if rows, _, _ := a.st.ListEnquiries(ctx, store.Filter{Country: "US", Status: store.StatusSpam}); len(rows) != 1 || rows[0].ID != newSpam.ID {
		t.Fatalf("spam to the US after retention: %+v", rows)
	}
	for id, want := range map[int64]string{oldWon.ID: store.Erased, oldOpen.ID: "Old Open", newSpam.ID: "New Spam"} {
		if got, _ := a.st.EnquiryByID(ctx, id); got.FullName != want {
			t.Errorf("enquiry %d: %q, want %q", id, got.FullName, want)
		}
	}
	if d, n, _ := a.st.ApplyRetention(ctx, 90*24*time.Hour, 365*24*time.Hour); d+n != 0 {
		t.Fatal("retention is not idempotent")
	}
}
