package catalog

import (
	"slices"
	"testing"
)

func TestCatalogue(t *testing.T) {
	cat := New()
	if n := len(cat.Countries); n < 245 {
		t.Fatalf("%d countries", n)
	}
	for code, name := range map[string]string{"KR": "South Korea", "DE": "Germany", "TW": "Taiwan", "XK": "Kosovo"} {
		if got := cat.CountryName(code); got != name {
			t.Errorf("%s = %q, want %q", code, got, name)
		}
	}
	if _, ok := cat.Country("AN"); ok {
		t.Error("withdrawn AN offered")
	}
	if cat.Currencies[0].Code != "USD" || !cat.IsCurrency("EUR") || cat.IsCurrency("HRK") {
		t.Errorf("currencies: first %v", cat.Currencies[0])
	}
}

func TestRegions(t *testing.T) {
	cat := New()
	for _, tc := range []struct {
		country, region string
		in              bool
	}{{"DE", "EU", true}, {"CH", "EU", false}, {"AE", "MENA", true}, {"AE", "gcc", true}, {"JP", "APAC", true},
		{"BR", "SOUTH_AMERICA", true}, {"BR", "EUROPE", false}, {"KE", "AFRICA", true}, {"DE", "XX", false}} {
		if got := cat.InRegion(tc.country, tc.region); got != tc.in {
			t.Errorf("InRegion(%s, %s) = %v", tc.country, tc.region, got)
		}
	}
	for _, members := range tradeRegions {
		for _, code := range members {
			if _, ok := cat.Country(code); !ok {
				t.Errorf("region member %s is not a country", code)
			}
		}
	}
	if !IsRegion("eu") || IsRegion("DE") {
		t.Error("IsRegion")
	}
}

// The picker offers where a shipment can be imported, and the explainer's
// count is that list's.
func TestDestinationsAreWhereGoodsCanBeImported(t *testing.T) {
	cat := New()
	n := 0
	for _, r := range cat.Regions {
		for _, c := range r.Countries {
			n++
			if !cat.IsDestination(c.Code) {
				t.Errorf("%s offered but refused", c.Code)
			}
		}
	}
	if n != cat.DestinationCount || n < 230 {
		t.Fatalf("%d destinations offered, count says %d", n, cat.DestinationCount)
	}
	for _, code := range []string{"AQ", "BV", "HM", "GS", "TF", "UM", "IO"} {
		if cat.IsDestination(code) {
			t.Errorf("%s accepted as a destination", code)
		}
		if _, ok := cat.Country(code); !ok {
			t.Errorf("%s no longer known: old enquiries naming it lose its name", code)
		}
	}
	if ae, _ := cat.Country("AE"); !slices.Contains(ae.Aliases, "UAE") {
		t.Errorf("AE aliases %v", ae.Aliases)
	}
}
