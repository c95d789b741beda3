package lang

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// catalogue reads one language's file as it is on disk.
func catalogue(t *testing.T, code string) map[string]string {
	t.Helper()
	b, err := files.ReadFile("messages/" + code + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s.json: %v", code, err)
	}
	return m
}

// The parts of a message a translation must keep as they are: template
// placeholders, the browser script's {name} slots, and markup.
var (
	placeholder = regexp.MustCompile(`\{\{\s*\.\w+\s*\}\}|\{\w+\}`)
	markup      = regexp.MustCompile(`</?[a-z]+[^>]*>`)
)

func sorted(all []string) []string {
	slices.Sort(all)
	return all
}

// TestEveryMessageInEveryLanguage: each catalogue has exactly English's
// ids, none empty, each with English's placeholders and markup, and each
// renders without a missing value.
func TestEveryMessageInEveryLanguage(t *testing.T) {
	english := catalogue(t, "en")
	if len(english) < 200 {
		t.Fatalf("English has %d messages", len(english))
	}
	for _, l := range All {
		got := catalogue(t, l.Code)
		for id := range english {
			if _, ok := got[id]; !ok {
				t.Errorf("%s lacks %s", l.Code, id)
			}
		}
		for id, text := range got {
			en, ok := english[id]
			if !ok {
				t.Errorf("%s has %s, which English has not", l.Code, id)
				continue
			}
			if strings.TrimSpace(text) == "" {
				t.Errorf("%s %s is empty", l.Code, id)
			}
			if a, b := sorted(placeholder.FindAllString(text, -1)), sorted(placeholder.FindAllString(en, -1)); !slices.Equal(a, b) {
				t.Errorf("%s %s has placeholders %v, English %v", l.Code, id, a, b)
			}
			if a, b := sorted(markup.FindAllString(text, -1)), sorted(markup.FindAllString(en, -1)); !slices.Equal(a, b) {
				t.Errorf("%s %s has markup %v, English %v", l.Code, id, a, b)
			}
			data := []any{}
			for _, p := range placeholder.FindAllString(en, -1) {
				if name := strings.Trim(p, "{}. "); strings.HasPrefix(p, "{{") {
					data = append(data, name, "«"+name+"»")
				}
			}
			out := l.T(id, data...)
			if strings.Contains(out, "<no value>") || strings.Contains(out, "{{") || out == id {
				t.Errorf("%s %s renders as %q", l.Code, id, out)
			}
		}
	}
	if missing := Missing(); len(missing) > 0 {
		t.Errorf("messages reported missing: %v", missing)
	}
}

// TestTranslationsAreNotEnglish catches a catalogue copied from English
// and left: outside the few messages that read the same in a language
// (names, codes, "Radio"), a translation differs from English.
func TestTranslationsAreNotEnglish(t *testing.T) {
	english := catalogue(t, "en")
	for _, l := range All[1:] {
		same := 0
		for id, text := range catalogue(t, l.Code) {
			if text == english[id] {
				same++
			}
		}
		if same > len(english)/20 {
			t.Errorf("%s: %d of %d messages are the English text", l.Code, same, len(english))
		}
	}
}

// TestBannerStaysExactInEnglish: the product contract's banner.
func TestBannerStaysExactInEnglish(t *testing.T) {
	if got := English.T("form.banner"); got != "Please correct the errors and try again." {
		t.Fatalf("banner %q", got)
	}
}

func TestNegotiation(t *testing.T) {
	for _, c := range []struct{ param, accept, want string }{
		{"", "", "en"},
		{"es", "", "es"},
		{"ES", "de", "es"},       // ?lang= wins over the browser
		{"pt", "", "pt-BR"},      // the Portuguese iordesk has
		{"pt-br", "", "pt-BR"},   // codes are not case-sensitive
		{"zh-CN", "", "zh-Hans"}, // Simplified Chinese by its region
		{"zh", "", "zh-Hans"},    //
		{"ja", "fr", "fr"},       // a language not offered: the browser's
		{"xx-garbage", "", "en"}, // not a language at all
		{"", "de-CH,de;q=0.9,en;q=0.8", "de"},
		{"", "fr-CA", "fr"},
		{"", "es-419", "es"},
		{"", "ar-EG", "ar"},
		{"", "pt-PT", "pt-BR"},    // the closest Portuguese
		{"", "ja,en;q=0.5", "en"}, // first offered one down the list
		{"", "nl,fr;q=0.3", "fr"},
		{"", "ja", "en"}, // nothing offered: English
		{"", "*", "en"},
		{"", "garbage;;;", "en"},
		{"", "zh-TW", "en"}, // Traditional Chinese readers are not given Simplified unasked
		{strings.Repeat("x", 100), "de", "de"},
	} {
		if got := Negotiate(c.param, c.accept); got.Code != c.want {
			t.Errorf("Negotiate(%q, %q) = %s, want %s", c.param, c.accept, got.Code, c.want)
		}
	}
}

func TestStoredCodes(t *testing.T) {
	for _, l := range All {
		if ByCode(l.Code) != l {
			t.Errorf("ByCode(%s)", l.Code)
		}
	}
	if ByCode("") != English || ByCode("klingon") != English {
		t.Error("an unknown stored code is not English")
	}
	if !ByCode("ar").RTL || ByCode("ar").Dir() != "rtl" || English.Dir() != "ltr" {
		t.Error("direction")
	}
}

// TestCaptchaVoices: the library speaks en, pt, ru, zh and ja; each
// language uses its own voice where there is one.
func TestCaptchaVoices(t *testing.T) {
	want := map[string]string{"en": "en", "es": "en", "fr": "en", "de": "en", "pt-BR": "pt", "zh-Hans": "zh", "ar": "en"}
	for _, l := range All {
		if l.Voice != want[l.Code] {
			t.Errorf("%s speaks %s, want %s", l.Code, l.Voice, want[l.Code])
		}
	}
}

func TestNamesForTheDesk(t *testing.T) {
	for code, want := range map[string]string{"en": "English", "pt-BR": "Brazilian Portuguese", "zh-Hans": "Simplified Chinese", "ar": "Arabic"} {
		if got := ByCode(code).InEnglish(); got != want {
			t.Errorf("%s: %q, want %q", code, got, want)
		}
	}
}
