package catalog

import (
	"slices"
	"testing"

	"golang.org/x/text/collate"

	"iordesk/internal/lang"
)

// TestEnglishLabelsAreTheCatalogues: the public pages take every label
// from the catalogues, the staff pages from this package; in English they
// must read the same.
func TestEnglishLabelsAreTheCatalogues(t *testing.T) {
	for list, choices := range ChoiceLists {
		for _, ch := range choices {
			if got := lang.English.T("choice." + list + "." + ch.Code); got != ch.Label {
				t.Errorf("choice.%s.%s is %q in en.json, %q here", list, ch.Code, got, ch.Label)
			}
		}
	}
}

func TestNamesInEveryLanguage(t *testing.T) {
	cat := New()
	want := map[string]map[string]string{ // a few names as CLDR has them
		"en":      {"DE": "Germany", "TR": "Türkiye", "CI": "Côte d'Ivoire"},
		"es":      {"DE": "Alemania", "JP": "Japón"},
		"fr":      {"DE": "Allemagne", "US": "États-Unis"},
		"de":      {"DE": "Deutschland", "ES": "Spanien"},
		"pt-BR":   {"DE": "Alemanha", "CI": "Costa do Marfim"},
		"zh-Hans": {"DE": "德国", "BR": "巴西"},
		"ar":      {"DE": "ألمانيا", "AE": "الإمارات العربية المتحدة"},
	}
	europe := map[string]string{"en": "Europe", "es": "Europa", "fr": "Europe", "de": "Europa", "pt-BR": "Europa", "zh-Hans": "欧洲", "ar": "أوروبا"}
	for _, l := range lang.All {
		n := cat.In(l)
		if len(n.CountryChoices) != len(cat.Countries) {
			t.Fatalf("%s: %d countries of %d", l.Code, len(n.CountryChoices), len(cat.Countries))
		}
		for code, name := range want[l.Code] {
			if got := n.CountryName(code); got != name {
				t.Errorf("%s: %s = %q, want %q", l.Code, code, got, name)
			}
		}
		// Sorted as the language sorts, not by bytes: "Österreich" among
		// the O's in German, not after "Z".
		order := collate.New(l.Tag)
		if !slices.IsSortedFunc(n.CountryChoices, func(a, b Choice) int { return order.CompareString(a.Label, b.Label) }) {
			t.Errorf("%s: countries not in collation order", l.Code)
		}
		destinations := 0
		for _, r := range n.Regions {
			destinations += len(r.Countries)
			if r.Name == "" {
				t.Errorf("%s: a region without a name", l.Code)
			}
		}
		if destinations != cat.DestinationCount || n.Regions[2].Name != europe[l.Code] {
			t.Errorf("%s: %d destinations in regions (want %d), third region %q", l.Code, destinations, cat.DestinationCount, n.Regions[2].Name)
		}
		if len(n.Services) != len(Services) || n.Services[0].Code != "ior" || n.Services[0].Label == "" {
			t.Errorf("%s: services %v", l.Code, n.Services)
		}
	}
	de := cat.In(lang.ByCode("de")).CountryChoices
	at := slices.IndexFunc(de, func(c Choice) bool { return c.Code == "AT" })
	om := slices.IndexFunc(de, func(c Choice) bool { return c.Code == "OM" })
	za := slices.IndexFunc(de, func(c Choice) bool { return c.Code == "ZA" }) // Südafrika
	if !(om < at && at < za) {
		t.Errorf("German order: Oman %d, Österreich %d, Südafrika %d", om, at, za)
	}
	// The English names stay findable in another language.
	for _, r := range cat.In(lang.ByCode("zh-Hans")).Regions {
		for _, c := range r.Countries {
			if c.Code == "DE" && !slices.Contains(c.Aliases, "Germany") {
				t.Errorf("German aliases in Chinese: %v", c.Aliases)
			}
		}
	}
}
