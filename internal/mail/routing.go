package mail

import (
	"slices"

	"iordesk/internal/catalog"
	"iordesk/internal/store"
)

// DeskRecipients resolves where a new enquiry's desk notification goes: the
// union of the addresses of every rule that matches any destination (by
// country code or by region), each once, in rule order; the default desk
// when nothing matches.
func DeskRecipients(cat *catalog.Catalogue, rules []store.RoutingRule, destinations []string, fallback string) []string {
	var out []string
	for _, r := range rules {
		if slices.Contains(out, r.Email) {
			continue
		}
		for _, d := range destinations {
			if cat.Matches(r.Match, d) {
				out = append(out, r.Email)
				break
			}
		}
	}
	if len(out) == 0 {
		return []string{fallback}
	}
	return out
}
