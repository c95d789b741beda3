package money

import "testing"

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
