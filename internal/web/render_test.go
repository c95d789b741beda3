package web

import (
	"strings"
	"testing"

	"iordesk/internal/catalog"
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
		"staff_list", "staff_enquiry", "staff_users", "staff_routing", "staff_reports", "staff_audit", "staff_privacy", "staff_rules", "staff_account", "staff_desks", "staff_templates"} {
		if _, ok := r.pages[page]; !ok {
			t.Errorf("page %s missing", page)
		}
	}
	if len(r.pages) != 20 {
		t.Errorf("%d pages parsed, want 20 (a new page needs a test that renders it)", len(r.pages))
	}
	body, err := r.Execute("error", ErrorPage{Page: Page{Title: "Not Found"}, Status: 404, Message: "<b>gone</b>"})
	if err != nil || !strings.Contains(string(body), "&lt;b&gt;gone&lt;/b&gt;") {
		t.Fatalf("error page: %v", err)
	}
}

// A fragment served from memory is what the template draws for its key.
func TestFragmentIsTheTemplatesOwnRendering(t *testing.T) {
	r, err := NewRenderer(templates.FS)
	if err != nil {
		t.Fatal(err)
	}
	choices := []catalog.Choice{{Code: "DE", Label: "Germany"}, {Code: "FR", Label: `France <"&">`}}
	for _, sel := range []string{"DE", "FR", "", "DE"} {
		got, err := r.Fragment("options", "test:"+sel, OptionList{Choices: choices, Selected: sel})
		if err != nil {
			t.Fatal(err)
		}
		var fresh strings.Builder
		if err := r.shared.ExecuteTemplate(&fresh, "options", OptionList{Choices: choices, Selected: sel}); err != nil {
			t.Fatal(err)
		}
		if string(got) != fresh.String() {
			t.Fatalf("selected %q: cached %q, fresh %q", sel, got, fresh.String())
		}
		if sel != "" && !strings.Contains(string(got), `value="`+sel+`" selected`) {
			t.Fatalf("selected %q not marked: %s", sel, got)
		}
	}
	if got, _ := r.Fragment("options", "test:FR", nil); !strings.Contains(string(got), "France &lt;&#34;&amp;&#34;&gt;") {
		t.Fatalf("label not escaped: %s", got)
	}
}
