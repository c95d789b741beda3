package money

import (
	"testing"

	"golang.org/x/text/language"
)

func TestFormat(t *testing.T) {
	for cents, want := range map[int64]string{0: "0.00 USD", 5: "0.05 USD", 99: "0.99 USD", 100000: "1,000.00 USD",
		12345678: "123,456.78 USD", 100000000000: "1,000,000,000.00 USD"} {
		if got := Format(cents, "USD"); got != want {
			t.Errorf("Format(%d) = %q, want %q", cents, got, want)
		}
	}
}

func TestDecimal(t *testing.T) {
	for cents, want := range map[int64]string{0: "0.00", 5: "0.05", 125000050: "1250000.50", 100000000000: "1000000000.00"} {
		if got := Decimal(cents); got != want {
			t.Errorf("Decimal(%d) = %q, want %q", cents, got, want)
		}
	}
}

// TestParseIn: each notation reads its own amounts, a decimal-comma
// reader may also write the point notation, and what neither reads is
// refused (ambiguity cannot arise: see ParseIn).
func TestParseIn(t *testing.T) {
	const max = 100_000_000_000
	for _, c := range []struct {
		text  string
		comma bool
		want  int64 // -1: refused
	}{
		{"25000", false, 2500000}, {"25,000.50", false, 2500050}, {"25.5", false, 2550},
		{"25.000", false, -1}, {"25.000,50", false, -1}, {"10.123", false, -1},
		{"25000", true, 2500000}, {"25.000,50", true, 2500050}, {"25 000,50", true, 2500050},
		{"25\u00a0000,5", true, 2500050}, {"1\u202f250\u202f000", true, 125000000}, {"250.000", true, 25000000},
		{"10.123", true, 1012300}, {"2,5", true, 250}, {"0,01", true, 1},
		// The point notation still works for them.
		{"25,000.50", true, 2500050}, {"25.50", true, 2550}, {"25,000", true, 2500000},
		{"1.000.000.000,00", true, 100000000000}, {"1.000.000.000,01", true, -1},
		// Mixed or malformed grouping, three decimals.
		{"25.000 000,00", true, -1}, {"2.50,5", true, -1}, {"25,123", false, 2512300}, {"25,1234", true, -1},
		{"-5", true, -1}, {"", true, -1}, {"1.234,567", true, -1},
	} {
		got, err := ParseIn(c.text, max, c.comma)
		if c.want < 0 {
			if err == nil {
				t.Errorf("ParseIn(%q, comma %v) = %d, want refused", c.text, c.comma, got)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("ParseIn(%q, comma %v) = %d, %v; want %d", c.text, c.comma, got, err, c.want)
		}
	}
}

func TestFormatIn(t *testing.T) {
	for tag, want := range map[string]string{"en": "1,250,000.50 EUR", "de": "1.250.000,50 EUR", "fr": "1\u00a0250\u00a0000,50 EUR",
		"zh-Hans": "1,250,000.50 EUR", "ar": "١٬٢٥٠٬٠٠٠٫٥٠ EUR"} {
		if got := FormatIn(125000050, "EUR", language.MustParse(tag)); got != want {
			t.Errorf("%s: %q, want %q", tag, got, want)
		}
	}
	if got := FormatIn(7, "USD", language.English); got != "0.07 USD" {
		t.Errorf("7 cents: %q", got)
	}
}
