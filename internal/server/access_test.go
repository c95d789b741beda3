package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"iordesk/internal/store"
)

// TestEveryStaffRouteChecksTheRole drives every staff route as anonymous,
// agent, manager and admin, and asserts the status and what the page says.
func TestEveryStaffRouteChecksTheRole(t *testing.T) {
	a := newApp(t)
	e := a.enquiry("Matrix Prospect")
	sessions := map[string]string{}
	for _, role := range []string{store.RoleAgent, store.RoleManager, store.RoleAdmin} {
		sessions[role] = a.session(role)
	}
	id := fmt.Sprint(e.ID)
	agentID := fmt.Sprint(a.users[store.RoleAgent].ID)
	type route struct {
		method, path string
		form         url.Values
		min          string // least role allowed
		ok           int    // status when allowed
		marker       string // text the allowed answer shows
	}
	routes := []route{
		{"GET", "/staff", nil, "agent", 200, "By destination country"},
		{"GET", "/staff/enquiries", nil, "agent", 200, e.Reference},
		{"GET", "/staff/enquiries/" + id, nil, "agent", 200, "Matrix Prospect"},
		{"POST", "/staff/enquiries/" + id + "/notes", url.Values{"note": {"hello"}, "version": {"1"}}, "agent", 303, ""},
		{"POST", "/staff/enquiries/" + id + "/assign", url.Values{"assignee": {agentID}, "version": {"1"}}, "agent", 303, ""},
		{"POST", "/staff/enquiries/bulk", url.Values{"ids": {id}, "action": {"status"}, "value": {"triaged"}}, "agent", 303, ""},
		{"GET", "/staff/export.csv?country=DE", nil, "manager", 200, `"Reference","Received (UTC)"`},
		{"GET", "/staff/export.xlsx", nil, "manager", 200, "PK"},
		{"GET", "/staff/reports", nil, "manager", 200, "Destination lines by state"},
		{"GET", "/staff/reports.xlsx", nil, "manager", 200, "PK"},
		{"GET", "/staff/audit", nil, "admin", 200, "Audit log"},
		{"GET", "/staff/privacy", nil, "admin", 200, "Privacy requests"},
		{"POST", "/staff/privacy/erase", url.Values{"email": {"nobody@example.com"}, "confirm": {"yes"}}, "admin", 200, "erased from 0 enquiries"},
		{"POST", "/staff/enquiries/" + id + "/rescreen", url.Values{}, "agent", 303, ""},
		{"GET", "/staff/rules", nil, "manager", 200, "Compliance rules"},
		{"POST", "/staff/rules/NO-SUCH-RULE/retire", url.Values{}, "manager", 404, ""},
		{"GET", "/staff/routing", nil, "manager", 200, "Desk routing"},
		{"POST", "/staff/routing", url.Values{"match": {"EU"}, "email": {"eu@ior.example"}}, "manager", 200, "Rule added"},
		{"GET", "/staff/users", nil, "admin", 200, "Staff accounts"},
		{"POST", "/staff/users", url.Values{"email": {"new@ior.example"}, "name": {"New"}, "role": {"agent"}}, "admin", 200, "Account created"},
	}
	rank := map[string]int{"": 0, "agent": 1, "manager": 2, "admin": 3}
	for _, r := range routes {
		for _, role := range []string{"", "agent", "manager", "admin"} {
			name := role
			if name == "" {
				name = "anonymous"
			}
			t.Run(r.method+" "+r.path+" as "+name, func(t *testing.T) {
				// Posts that create things must not collide between roles.
				form := url.Values{}
				for k, v := range r.form {
					form[k] = append([]string(nil), v...)
				}
				if form.Get("email") != "" && form.Get("confirm") == "" {
					form.Set("email", role+"-"+form.Get("email"))
				}
				if form.Get("version") != "" {
					// Each allowed change moves the version on: send the current one.
					cur, _ := a.st.EnquiryByID(t.Context(), e.ID)
					form.Set("version", fmt.Sprint(cur.Version))
				}
				if r.form == nil {
					form = nil
				}
				rec := a.request(r.method, r.path, form, sessions[role])
				body := rec.Body.String()
				switch {
				case role == "" && r.method == "GET":
					if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/staff/login?next=") {
						t.Fatalf("anonymous GET: %d → %q", rec.Code, rec.Header().Get("Location"))
					}
				case role == "":
					if rec.Code != http.StatusUnauthorized || !strings.Contains(body, "log in again") {
						t.Fatalf("anonymous %s: %d %q", r.method, rec.Code, body)
					}
				case rank[role] < rank[r.min]:
					if rec.Code != http.StatusForbidden || !strings.Contains(body, "does not allow") {
						t.Fatalf("%s: %d, want 403", role, rec.Code)
					}
				default:
					if rec.Code != r.ok {
						t.Fatalf("%s: %d, want %d: %s", role, rec.Code, r.ok, body)
					}
					if r.marker != "" && !strings.Contains(body, r.marker) {
						t.Fatalf("%s: page lacks %q", role, r.marker)
					}
				}
			})
		}
	}
}

func TestOtherObjectsIDs(t *testing.T) {
	a := newApp(t)
	agent := a.session(store.RoleAgent)
	admin := a.session(store.RoleAdmin)
	for _, tc := range []struct {
		method, path, session string
		form                  url.Values
		status                int
	}{
		{"GET", "/staff/enquiries/999999", agent, nil, 404},
		{"GET", "/staff/enquiries/abc", agent, nil, 404},
		{"POST", "/staff/enquiries/999999/status", agent, url.Values{"status": {"won"}, "version": {"1"}}, 404},
		{"POST", "/staff/users/999999", admin, url.Values{"name": {"X"}, "role": {"agent"}}, 404},
		{"POST", "/staff/routing/999999/delete", a.session(store.RoleManager), url.Values{}, 404},
		// An agent cannot reach another account through the admin routes.
		{"POST", fmt.Sprintf("/staff/users/%d", a.users[store.RoleAdmin].ID), agent, url.Values{"name": {"Pwned"}, "role": {"agent"}}, 403},
	} {
		if rec := a.request(tc.method, tc.path, tc.form, tc.session); rec.Code != tc.status {
			t.Errorf("%s %s: %d, want %d", tc.method, tc.path, rec.Code, tc.status)
		}
	}
	if u, _ := a.st.UserByID(t.Context(), a.users[store.RoleAdmin].ID); u.Name == "Pwned" || u.Role != store.RoleAdmin {
		t.Fatal("an agent changed the admin account")
	}
}
