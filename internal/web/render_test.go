package web

import (
	"strings"
	"testing"

	"iordesk/templates"
)

// TestEveryTemplateParses parses every page with the layout and partials,
// and renders the error page, as the server does at start.
func TestEveryTemplateParses(t *testing.T) {
	r, err := NewRenderer(templates.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, page := range []string{"home", "enquiry", "thanks", "privacy", "error", "staff_login", "staff_overview",
		"staff_list", "staff_enquiry", "staff_users", "staff_routing", "staff_reports", "staff_audit", "staff_privacy"} {
		if _, ok := r.pages[page]; !ok {
			t.Errorf("page %s missing", page)
		}
	}
	if len(r.pages) != 14 {
		t.Errorf("%d pages parsed, want 14 (a new page needs a test that renders it)", len(r.pages))
	}
	body, err := r.Execute("error", ErrorPage{Page: Page{Title: "Not Found"}, Status: 404, Message: "<b>gone</b>"})
	if err != nil || !strings.Contains(string(body), "&lt;b&gt;gone&lt;/b&gt;") {
		t.Fatalf("error page: %v", err)
	}
}
