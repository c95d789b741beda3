package personname

import "testing"

func TestProblem(t *testing.T) {
	for _, tc := range []struct {
		name string
		bad  bool
	}{
		{"Jane Doe", false},
		{"李雷", false},
		{"محمد علی", false},
		{"می\u200cخواهم", false}, // Persian with a zero-width non-joiner
		{"José-María O'Neil", false},
		{"J. R. R. Tolkien", false},
		{"\u200b\u200b\u200b", true},
		{"Jane\u202eeoD", true},
		{"\u2066Jane\u2069", true},
		{"Jane\u200bDoe", true},
		{"Jane\x00Doe", true},
		{"Jane\x1bDoe", true},
		{"Jane\u2028Doe", true},
		{"---", true},
		{"   ", true},
	} {
		if got := Problem(tc.name) != ""; got != tc.bad {
			t.Errorf("Problem(%q) = %q, want bad=%v", tc.name, Problem(tc.name), tc.bad)
		}
	}
}

func TestHasWebAddress(t *testing.T) {
	for _, tc := range []struct {
		name string
		want bool
	}{
		{"Claim your refund at evil.example now", true},
		{"evil.example", true},
		{"see https://x.y", true},
		{"www.something", true},
		{"sub.domain.co.uk team", true},
		{"Jane Doe", false},
		{"J. R. R. Tolkien", false},
		{"Dr. Smith", false},
		{"Acme Inc.", false},
		{"O'Neil-Smith", false},
	} {
		if got := HasWebAddress(tc.name); got != tc.want {
			t.Errorf("HasWebAddress(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
}
