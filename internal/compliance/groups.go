package compliance

// groups are the country groups a rule may name instead of a country.
var groups = map[string][]string{
	// The European Union's 27 members.
	"EU": {"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT",
		"LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"},
	// The Gulf Cooperation Council.
	"GCC": {"AE", "BH", "KW", "OM", "QA", "SA"},
	// The Eurasian Economic Union.
	"EAEU": {"AM", "BY", "KG", "KZ", "RU"},
	// US Country Group D:5 (EAR Supplement No. 1 to part 740), as
	// remembered when the seed was made and not confirmed against the
	// current EAR: refresh before relying on it.
	"D5": {"AF", "BY", "MM", "KH", "CF", "CN", "CD", "CU", "CY", "ER", "HT", "IR", "IQ", "KP", "LB", "LY", "NI",
		"RU", "SO", "SS", "SD", "SY", "VE", "ZW"},
}

// inGroup reports whether a country code is the name itself or a member of
// the group of that name.
func inGroup(country, name string) bool {
	if country == name {
		return true
	}
	for _, c := range groups[name] {
		if c == country {
			return true
		}
	}
	return false
}

// productGroups are the category aliases the seed uses.
var productGroups = map[string][]string{
	"it": {"it_networking", "servers_datacentre", "gpu_ai"},
}
