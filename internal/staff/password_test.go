package staff

import (
	"strings"
	"testing"
)

func TestWeakPasswordsRefusedWithAReason(t *testing.T) {
	for pw, why := range map[string]string{
		"aaaaaaaaaaaa":                 "repeats",
		"            ":                 "repeats",
		"123456789012":                 "",
		"password1234":                 "common password",
		strings.Repeat("\x00", 12):     "control characters",
		"correct horse\tbattery":       "control characters",
		"short":                        "at least 12",
		"agent@ior.example1":           "",
		strings.Repeat("x", 129) + "!": "at most 128",
	} {
		err := CheckPasswordRules(pw, "agent@ior.example", "Agent Person")
		if err == nil {
			t.Errorf("%q accepted", pw)
			continue
		}
		if !strings.Contains(err.Error(), why) {
			t.Errorf("%q: %q does not say %q", pw, err, why)
		}
	}
	for _, pw := range []string{"correct horse battery staple", GeneratePassword(), "Mañana llueve sobre Zürich 7"} {
		if err := CheckPasswordRules(pw); err != nil {
			t.Errorf("%q refused: %v", pw, err)
		}
	}
}

func TestStaffNamesMustBeVisibleText(t *testing.T) {
	for _, name := range []string{"", "\u200b\u200b\u200b", "Eve\u202eliceA", "Tab\tName", "Bell\x07", strings.Repeat("n", 101)} {
		if nameProblem(name) == "" {
			t.Errorf("name %q accepted", name)
		}
	}
	for _, name := range []string{"Ada Lovelace", "李雷", "O'Neil-Smith"} {
		if p := nameProblem(name); p != "" {
			t.Errorf("name %q refused: %s", name, p)
		}
	}
}
