// Package personname holds the rules every name a person typed must meet
// before iordesk stores it and shows it to someone else: a prospect's name
// and company on the form and the API, a staff member's name.
package personname

import (
	"regexp"
	"unicode"
)

// The problems Problem reports, in English; pages in other languages
// translate them by these values.
const (
	ControlCharacters   = "This contains characters we cannot accept. Please retype it."
	DirectionMarks      = "This contains invisible direction marks. Please retype it."
	InvisibleCharacters = "This contains invisible characters. Please retype it."
	NoLetters           = "Use letters: this has none we can show."
)

// Problem says what is wrong with a name, or "" when nothing is. A name
// must be visible text: no control characters, no bidirectional overrides
// or isolates (they make text display in another order than it was
// typed), no invisible formatting characters but the joiners some scripts
// need, and at least one letter or digit.
func Problem(s string) string {
	visible := false
	for _, r := range s {
		switch {
		case unicode.IsControl(r):
			return ControlCharacters
		case isBidiControl(r):
			return DirectionMarks
		case r == '\u200c' || r == '\u200d':
			// Zero-width (non-)joiners belong to Persian, Indic and other scripts.
		case unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029':
			return InvisibleCharacters
		case unicode.IsLetter(r) || unicode.IsNumber(r):
			visible = true
		}
	}
	if !visible && s != "" {
		return NoLetters
	}
	return ""
}

func isBidiControl(r rune) bool {
	return r == '\u061c' || r == '\u200e' || r == '\u200f' || (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069')
}

// webAddress finds a web address: a scheme, "www.", or a bare domain such
// as evil.example (labels of letters, digits and hyphens ending in a
// top-level label of two or more letters).
var webAddress = regexp.MustCompile(`(?i)([a-z][a-z0-9+.-]*://|www\.|(^|[^\pL\pN.])([\pL\pN-]+\.)+\pL{2,}($|[^\pL\pN]))`)

// HasWebAddress reports whether s holds a web address or a bare domain: a
// person's name never does, and a name that does is how spam rides on the
// acknowledgement mail.
func HasWebAddress(s string) bool { return webAddress.MatchString(s) }
