// Package catalog is iordesk's reference data: countries and regions,
// currencies, and the closed lists of the enquiry form (services, product
// categories, conditions, compliance answers), with the labels people read.
package catalog

import (
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/biter777/countries"
)

// Choice is one option of a select or radio group: the stored code and the
// label people read.
type Choice struct {
	Code  string
	Label string
}

// Services, product categories, statuses and the other closed lists are
// the public contract (docs/DESIGN.md, "Routes, fields and statuses"): the
// codes never change, the labels may.
var (
	Services = []Choice{
		{"ior", "Importer of Record (IOR)"},
		{"eor", "Exporter of Record (EOR)"},
		{"ior_eor", "Both IOR and EOR"},
		{"temporary_import", "Temporary import (demo, repair, event)"},
		{"customs_brokerage", "Customs brokerage only"},
		{"not_sure", "Not sure yet: advise me"},
	}
	ProductCategories = []Choice{
		{"it_networking", "IT and networking equipment"},
		{"servers_datacentre", "Servers and data-centre hardware"},
		{"telecom_radio", "Telecom and radio devices"},
		{"gpu_ai", "GPUs and AI accelerators"},
		{"medical_lab", "Medical and laboratory equipment"},
		{"batteries_power", "Batteries and power systems"},
		{"other", "Other"},
	}
	Conditions = []Choice{
		{"new", "New"},
		{"refurbished", "Refurbished"},
		{"used", "Used"},
	}
	YesNoUnknown = []Choice{
		{"unknown", "Not sure"},
		{"yes", "Yes"},
		{"no", "No"},
	}
	// Statuses of the enquiry lifecycle, in order, with the spam exit last
	// (the codes are store's Status constants).
	Statuses = []Choice{
		{"new", "New"}, {"triaged", "Triaged"}, {"contacted", "Contacted"}, {"quoted", "Quoted"},
		{"won", "Won"}, {"lost", "Lost"}, {"spam", "Spam"},
	}
	// LineStates of a destination line, in the order of its life (the codes
	// are store's Line constants).
	LineStates = []Choice{
		{"open", "Open"}, {"feasible", "Feasible"}, {"needs_certification", "Needs certification"},
		{"not_serviceable", "Not serviceable"}, {"quoted", "Quoted"}, {"won", "Won"}, {"lost", "Lost"},
	}
	LithiumOptions = []Choice{
		{"none", "No batteries"},
		{"in_equipment", "Contained in the equipment"},
		{"packed_with", "Packed with the equipment"},
		{"standalone", "Batteries shipped on their own"},
	}
)

// Country is an ISO 3166-1 country with the name shown to people.
type Country struct {
	Code   string
	Name   string
	Region string
	// Aliases are other names people type for it ("UAE", "Holland"),
	// which the destination picker matches too.
	Aliases []string
}

// CountryRegion groups countries for the destination picker.
type CountryRegion struct {
	Name      string
	Countries []Country
}

// Catalogue is the reference data the form offers and the validation
// accepts, built once at start from maintained ISO tables.
type Catalogue struct {
	Countries []Country // sorted by name
	// CountryChoices are Countries as select options.
	CountryChoices []Choice
	// Regions group the destinations a shipment can go to: Countries but
	// the uninhabited and military-only territories.
	Regions []CountryRegion
	// DestinationCount is how many countries and territories Regions hold.
	DestinationCount int
	Currencies       []Choice // the common ones first, then the rest by code
	countryIdx       map[string]Country
	currency         map[string]bool
	// inLanguage holds the Names of each language asked for (see In).
	inLanguage sync.Map
}

// withdrawn codes the country library still lists but ISO 3166-1 no longer
// assigns; offering them would only confuse.
var withdrawn = map[string]bool{"AN": true, "YU": true}

// displayNames replaces the library's formal names where people use a
// shorter or newer one.
var displayNames = map[string]string{
	"BN": "Brunei", "CI": "Côte d'Ivoire", "CV": "Cabo Verde", "CW": "Curaçao",
	"FM": "Micronesia", "HK": "Hong Kong", "IR": "Iran", "KP": "North Korea",
	"KR": "South Korea", "LA": "Laos", "LY": "Libya", "MD": "Moldova",
	"MK": "North Macedonia", "MO": "Macao", "PS": "Palestine", "RU": "Russia",
	"SY": "Syria", "SZ": "Eswatini", "TL": "Timor-Leste", "TR": "Türkiye",
	"TW": "Taiwan", "TZ": "Tanzania", "VA": "Vatican City", "VE": "Venezuela",
	"VG": "British Virgin Islands", "VI": "U.S. Virgin Islands", "IM": "Isle of Man",
	"RE": "Réunion", "AX": "Åland Islands", "BL": "Saint Barthélemy",
	"SX": "Sint Maarten", "MF": "Saint Martin", "FK": "Falkland Islands",
	"BQ": "Caribbean Netherlands",
}

// noImporter are the territories no shipment can be imported into: no
// population, no customs, or a military base only. They stay known (an
// old enquiry may name one) but are not offered or accepted as
// destinations.
var noImporter = map[string]bool{
	"AQ": true, // Antarctica
	"BV": true, // Bouvet Island
	"HM": true, // Heard Island and McDonald Islands
	"GS": true, // South Georgia and the South Sandwich Islands
	"TF": true, // French Southern Territories
	"UM": true, // United States Minor Outlying Islands
	"IO": true, // British Indian Ocean Territory
}

// aliases are the names people type for a country beside the one shown:
// abbreviations, former and informal names.
var aliases = map[string][]string{
	"AE": {"UAE", "Emirates", "Dubai", "Abu Dhabi"}, "GB": {"UK", "Britain", "Great Britain", "England", "Scotland", "Wales", "Northern Ireland"},
	"US": {"USA", "America", "United States of America"}, "KR": {"Korea"}, "NL": {"Holland"}, "CZ": {"Czech Republic"},
	"CI": {"Ivory Coast"}, "RU": {"Russian Federation"}, "VN": {"Vietnam"}, "TR": {"Turkey"}, "SZ": {"Swaziland"},
	"MK": {"Macedonia"}, "CD": {"DR Congo", "DRC", "Congo-Kinshasa"}, "CG": {"Congo-Brazzaville"}, "MM": {"Burma"},
	"TL": {"East Timor"}, "CV": {"Cape Verde"}, "VA": {"Holy See"}, "SA": {"KSA"}, "CN": {"PRC"}, "TW": {"ROC"},
	"BA": {"Bosnia"}, "LA": {"Lao"}, "SY": {"Syrian Arab Republic"}, "IR": {"Persia"}, "DE": {"Deutschland"},
	"ES": {"España"}, "CH": {"Schweiz", "Suisse"}, "NZ": {"Aotearoa"},
}

// commonCurrencies come first in the currency select.
var commonCurrencies = []string{"USD", "EUR", "GBP", "CHF", "JPY", "CNY", "SGD", "AUD", "CAD", "AED", "INR"}

// withdrawnCurrencies are listed by the library but no longer in use.
var withdrawnCurrencies = map[string]bool{"HRK": true, "VEF": true, "YUD": true, "USN": true, "XSU": true, "XUA": true}

// New builds the reference data.
func New() *Catalogue {
	c := &Catalogue{countryIdx: map[string]Country{}, currency: map[string]bool{}}
	byRegion := map[string][]Country{}
	for _, cc := range countries.All() {
		code := cc.Alpha2()
		if len(code) != 2 || withdrawn[code] {
			continue
		}
		name := displayNames[code]
		if name == "" {
			name = cc.String()
		}
		country := Country{Code: code, Name: name, Region: cc.Region().String(), Aliases: aliases[code]}
		if name != cc.String() && !slices.Contains(country.Aliases, cc.String()) {
			// The formal name is how some people look for it ("Korea, Republic of").
			country.Aliases = append(country.Aliases, cc.String())
		}
		c.Countries = append(c.Countries, country)
		c.countryIdx[code] = country
	}
	sort.Slice(c.Countries, func(i, j int) bool { return c.Countries[i].Name < c.Countries[j].Name })
	for _, country := range c.Countries {
		if !noImporter[country.Code] {
			byRegion[country.Region] = append(byRegion[country.Region], country)
			c.DestinationCount++
		}
		c.CountryChoices = append(c.CountryChoices, Choice{Code: country.Code, Label: country.Name})
	}
	for _, r := range []string{"Africa", "Asia", "Europe", "North America", "South America", "Oceania"} {
		if len(byRegion[r]) > 0 {
			c.Regions = append(c.Regions, CountryRegion{Name: r, Countries: byRegion[r]})
		}
	}
	var rest []Choice
	for _, cur := range countries.AllCurrencies() {
		code := cur.Alpha()
		if len(code) != 3 || withdrawnCurrencies[code] {
			continue
		}
		c.currency[code] = true
		rest = append(rest, Choice{Code: code, Label: code + " — " + cur.String()})
	}
	sort.Slice(rest, func(i, j int) bool { return rest[i].Code < rest[j].Code })
	for _, code := range commonCurrencies {
		for _, ch := range rest {
			if ch.Code == code {
				c.Currencies = append(c.Currencies, ch)
			}
		}
	}
	for _, ch := range rest {
		if !slices.Contains(commonCurrencies, ch.Code) {
			c.Currencies = append(c.Currencies, ch)
		}
	}
	return c
}

// Country finds a country by its alpha-2 code (upper case).
func (c *Catalogue) Country(code string) (Country, bool) {
	country, ok := c.countryIdx[code]
	return country, ok
}

// IsDestination reports whether a shipment can be imported into the
// country of code: one the destination picker offers.
func (c *Catalogue) IsDestination(code string) bool {
	_, ok := c.countryIdx[code]
	return ok && !noImporter[code]
}

// CountryName is the display name of a code, or the code itself.
func (c *Catalogue) CountryName(code string) string {
	if country, ok := c.countryIdx[strings.ToUpper(code)]; ok {
		return country.Name
	}
	return code
}

// IsCurrency reports whether code is an ISO 4217 code in use.
func (c *Catalogue) IsCurrency(code string) bool { return c.currency[code] }

// Label finds the label of code in choices, or returns the code.
func Label(choices []Choice, code string) string {
	for _, ch := range choices {
		if ch.Code == code {
			return ch.Label
		}
	}
	return code
}

// HasChoice reports whether code is one of choices.
func HasChoice(choices []Choice, code string) bool {
	return slices.ContainsFunc(choices, func(ch Choice) bool { return ch.Code == code })
}
