package catalog

import (
	"slices"
	"sort"
	"strings"
)

// tradeRegions are the groupings a desk routes by, beyond continents.
var tradeRegions = map[string][]string{
	"EU": {"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
		"IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"},
	"GCC": {"BH", "KW", "OM", "QA", "SA", "AE"},
	"MENA": {"DZ", "BH", "EG", "IR", "IQ", "IL", "JO", "KW", "LB", "LY", "MA", "OM", "PS", "QA",
		"SA", "SY", "TN", "AE", "YE"},
	"APAC": {"AU", "BD", "BN", "KH", "CN", "FJ", "HK", "IN", "ID", "JP", "KR", "LA", "MO", "MY",
		"MV", "MN", "MM", "NP", "NZ", "PK", "PG", "PH", "SG", "LK", "TW", "TH", "TL", "VN"},
	"LATAM": {"AR", "BO", "BR", "CL", "CO", "CR", "CU", "DO", "EC", "SV", "GT", "HN", "MX", "NI",
		"PA", "PY", "PE", "PR", "UY", "VE"},
}

// continentCodes name the library's continents as routing region codes.
var continentCodes = map[string]string{
	"AFRICA": "Africa", "ASIA": "Asia", "EUROPE": "Europe", "NORTH_AMERICA": "North America",
	"SOUTH_AMERICA": "South America", "OCEANIA": "Oceania",
}

// RegionCodes lists the region codes a routing rule may name.
func RegionCodes() []string {
	var out []string
	for code := range tradeRegions {
		out = append(out, code)
	}
	for code := range continentCodes {
		out = append(out, code)
	}
	sort.Strings(out)
	return out
}

// IsRegion reports whether code names a region.
func IsRegion(code string) bool {
	code = strings.ToUpper(code)
	_, trade := tradeRegions[code]
	_, continent := continentCodes[code]
	return trade || continent
}

// Matches reports whether a routing rule's match (a country code or a
// region code) covers a country.
func (c *Catalogue) Matches(match, country string) bool {
	return strings.EqualFold(match, country) || c.InRegion(country, match)
}

// InRegion reports whether a country belongs to a region code.
func (c *Catalogue) InRegion(country, region string) bool {
	region = strings.ToUpper(region)
	if members, ok := tradeRegions[region]; ok {
		return slices.Contains(members, country)
	}
	if continent, ok := continentCodes[region]; ok {
		k, ok := c.countryIdx[country]
		return ok && k.Region == continent
	}
	return false
}
