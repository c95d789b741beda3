package money

import (
	"os"
	"strings"
	"testing"
)

func TestParseECBAndConvert(t *testing.T) {
	f, err := os.Open("testdata/eurofxref-daily.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	day, rates, err := ParseECB(f)
	if err != nil || day != "2026-11-30" || len(rates) != 5 || rates["USD"] != 1.05 || rates["JPY"] != 160.25 {
		t.Fatalf("%s %v %v", day, rates, err)
	}
	for _, c := range []struct {
		cents    int64
		from, to string
		want     int64
		ok       bool
	}{
		{105000, "USD", "EUR", 100000, true},
		{100000, "EUR", "GBP", 84000, true},
		{105000, "USD", "GBP", 84000, true},
		{100, "EUR", "EUR", 100, true},
		{100, "BRL", "EUR", 0, false},
		{100, "EUR", "BRL", 0, false},
	} {
		if got, ok := rates.Convert(c.cents, c.from, c.to); got != c.want || ok != c.ok {
			t.Errorf("%d %s → %s: %d %v, want %d %v", c.cents, c.from, c.to, got, ok, c.want, c.ok)
		}
	}
	for name, bad := range map[string]string{
		"not XML":       "rates,USD,1.05",
		"no rates":      `<Envelope><Cube><Cube time="2026-11-30"></Cube></Cube></Envelope>`,
		"negative rate": `<Envelope><Cube><Cube time="2026-11-30"><Cube currency="USD" rate="-1"/></Cube></Cube></Envelope>`,
		"bad code":      `<Envelope><Cube><Cube time="2026-11-30"><Cube currency="usd1" rate="1.1"/></Cube></Cube></Envelope>`,
		"bad day":       `<Envelope><Cube><Cube time="yesterday"><Cube currency="USD" rate="1.1"/></Cube></Cube></Envelope>`,
	} {
		if _, _, err := ParseECB(strings.NewReader(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// The 90-day history: the newest day is taken.
	history := `<Envelope><Cube><Cube time="2026-11-27"><Cube currency="USD" rate="1.01"/></Cube>` +
		`<Cube time="2026-11-30"><Cube currency="USD" rate="1.05"/></Cube></Cube></Envelope>`
	if day, rates, err := ParseECB(strings.NewReader(history)); err != nil || day != "2026-11-30" || rates["USD"] != 1.05 {
		t.Errorf("history: %s %v %v", day, rates, err)
	}
}
