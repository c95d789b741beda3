package mail

import "testing"

func TestFormatMoney(t *testing.T) {
	for cents, want := range map[int64]string{0: "0.00 USD", 5: "0.05 USD", 99: "0.99 USD", 100000: "1,000.00 USD",
		12345678: "123,456.78 USD", 100000000000: "1,000,000,000.00 USD"} {
		if got := FormatMoney(cents, "USD"); got != want {
			t.Errorf("FormatMoney(%d) = %q, want %q", cents, got, want)
		}
	}
}
