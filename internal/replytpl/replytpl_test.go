package replytpl

import (
	"strings"
	"testing"
)

func TestCheckRefusesWithThePlace(t *testing.T) {
	for text, want := range map[string]string{
		"Dear {{.Name}},\nsee {{printf \"%v\" .Name}}": "line 2, column 7",
		"Hello\n\n{{range .Name}}x{{end}}":             "line 3, column 9",
		"{{template \"x\"}}":                           "line 1, column 12",
		"Hello {{call .Name}}":                         "line 1, column 9",
		"Hello\n{{.Name":                               "line 2",
		"{{define \"x\"}}y{{end}}":                     "define",
	} {
		err := Check(text)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Check(%q) = %v, want %q", text, err, want)
		}
	}
	for _, ok := range []string{"Dear {{.Name}}, about {{.Reference}} to {{.Destinations}}.", "{{if .Company}}at {{.Company | upper}}{{else}}—{{end}}", "{{with .Agent}}{{.}}{{end}}"} {
		if err := Check(ok); err != nil {
			t.Errorf("Check(%q) = %v", ok, err)
		}
	}
}

func TestRender(t *testing.T) {
	got, err := Render("Dear {{.Name}}, re {{.Reference}} ({{.Destinations | lower}}) — {{.Agent}}", Data{Name: "Grace <b>", Reference: "ENQ-1", Destinations: "Brazil", Agent: "Ana"})
	if err != nil || got != "Dear Grace <b>, re ENQ-1 (brazil) — Ana" {
		t.Fatalf("%q %v", got, err)
	}
	if _, err := Render("{{.Nope}}", Data{}); err == nil {
		t.Fatal("an unknown field rendered")
	}
}
