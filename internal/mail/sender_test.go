package mail

import "testing"

func TestSenderWithName(t *testing.T) {
	for in, want := range map[string]string{
		"iordesk@ior.example":             `"IOR Desk" <iordesk@ior.example>`,
		"Acme IOR <ior@acme.example>":     "Acme IOR <ior@acme.example>",
		`"Acme, Inc." <ior@acme.example>`: `"Acme, Inc." <ior@acme.example>`,
		"not an address":                  "not an address", // refused later by go-mail, with the configured text in the error
	} {
		if got := senderWithName(in); got != want {
			t.Errorf("senderWithName(%q) = %q, want %q", in, got, want)
		}
	}
}
