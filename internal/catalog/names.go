package catalog

import (
	"slices"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"iordesk/internal/lang"
)

// Names is the reference data in one language: what the public form
// offers a prospect who reads it, and what the acknowledgement mail names.
// English keeps the catalogue's own country names (shorter and newer than
// CLDR's in places: "Türkiye", "Eswatini"); the other languages take
// CLDR's through golang.org/x/text/language/display. Countries are sorted
// by the language's collation; choice labels come from its catalogue
// (choice.LIST.CODE).
type Names struct {
	// CountryChoices are every country as select options, in collation order.
	CountryChoices []Choice
	// Regions group the destinations, as Catalogue.Regions does.
	Regions []CountryRegion
	// Currencies: English shows "USD — US Dollar"; the names come from a
	// library that knows them only in English, so the other languages show
	// the code alone, which every importer reads.
	Currencies []Choice

	Services, ProductCategories, Conditions, YesNoUnknown, LithiumOptions []Choice

	countryName map[string]string
}

// regionNumbers are the UN M.49 codes of the continents the picker groups
// destinations by, whose names CLDR has in every language.
var regionNumbers = map[string]string{
	"Africa": "002", "Asia": "142", "Europe": "150", "North America": "003", "South America": "005", "Oceania": "009",
}

// In is the reference data in l, built once per language.
func (c *Catalogue) In(l *lang.Language) *Names {
	if n, ok := c.inLanguage.Load(l.Code); ok {
		return n.(*Names)
	}
	n, _ := c.inLanguage.LoadOrStore(l.Code, c.names(l))
	return n.(*Names)
}

func (c *Catalogue) names(l *lang.Language) *Names {
	n := &Names{countryName: make(map[string]string, len(c.Countries))}
	regionNames := display.Regions(l.Tag)
	countries := make([]Country, len(c.Countries))
	for i, country := range c.Countries {
		if l != lang.English {
			// A prospect may still type the English name or an alias.
			country.Aliases = append(slices.Clone(country.Aliases), country.Name)
			if name := regionNames.Name(language.MustParseRegion(country.Code)); name != "" {
				country.Name = name
			}
		}
		countries[i] = country
		n.countryName[country.Code] = country.Name
	}
	order := collate.New(l.Tag)
	slices.SortStableFunc(countries, func(a, b Country) int { return order.CompareString(a.Name, b.Name) })
	byRegion := map[string][]Country{}
	for _, country := range countries {
		if !noImporter[country.Code] {
			byRegion[country.Region] = append(byRegion[country.Region], country)
		}
		n.CountryChoices = append(n.CountryChoices, Choice{Code: country.Code, Label: country.Name})
	}
	for _, r := range c.Regions {
		name := r.Name
		if l != lang.English {
			name = regionNames.Name(language.MustParseRegion(regionNumbers[r.Name]))
		}
		n.Regions = append(n.Regions, CountryRegion{Name: name, Countries: byRegion[r.Name]})
	}
	n.Currencies = c.Currencies
	if l != lang.English {
		n.Currencies = make([]Choice, len(c.Currencies))
		for i, cur := range c.Currencies {
			n.Currencies[i] = Choice{Code: cur.Code, Label: cur.Code}
		}
	}
	n.Services = translated(l, "service")
	n.ProductCategories = translated(l, "category")
	n.Conditions = translated(l, "condition")
	n.YesNoUnknown = translated(l, "yesno")
	n.LithiumOptions = translated(l, "lithium")
	return n
}

// translated is the choices of a list with their labels from l's catalogue.
func translated(l *lang.Language, list string) []Choice {
	choices := ChoiceLists[list]
	out := make([]Choice, len(choices))
	for i, ch := range choices {
		out[i] = Choice{Code: ch.Code, Label: l.T("choice." + list + "." + ch.Code)}
	}
	return out
}

// ChoiceLists are the closed lists whose labels the catalogues translate,
// by the name their message ids use (choice.NAME.CODE).
var ChoiceLists = map[string][]Choice{
	"service": Services, "category": ProductCategories, "condition": Conditions,
	"yesno": YesNoUnknown, "lithium": LithiumOptions,
}

// CountryName is the name of a country in the language, or the code.
func (n *Names) CountryName(code string) string {
	if name, ok := n.countryName[code]; ok {
		return name
	}
	return code
}
