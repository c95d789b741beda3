package compliance

import (
	"slices"
	"strings"
	"testing"
)

func seed(t *testing.T) *Rules {
	t.Helper()
	r, err := Seed()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func schemes(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Scheme)
	}
	return out
}

// The seed loads, every rule has a source URL, and the rows no source
// confirmed keep their mark.
func TestSeedLoadsWithSources(t *testing.T) {
	r := seed(t)
	if n := len(r.All()); n < 80 {
		t.Fatalf("%d rules", n)
	}
	unverified := 0
	for _, rule := range r.All() {
		if !strings.HasPrefix(rule.SourceURL, "http") {
			t.Errorf("%s: source %q", rule.ID, rule.SourceURL)
		}
		if !rule.Verified {
			unverified++
		}
		if rule.Reviewed.IsZero() {
			t.Errorf("%s: no review date", rule.ID)
		}
	}
	if unverified == 0 {
		t.Fatal("no rule is marked unverified, but the research left several unconfirmed")
	}
}

// Findings add up: a Wi-Fi laptop with a lithium battery to India meets
// BIS CRS, WPC ETA and the battery registration, all at once.
func TestFindingsAddUp(t *testing.T) {
	got := schemes(seed(t).Screen(Facts{Destination: "IN", Category: "it_networking", WirelessRadio: "yes",
		LithiumBatteries: "in_equipment", Condition: "new"}))
	for _, want := range []string{"BIS CRS", "WPC ETA", "BIS CRS IS 16046"} {
		if !slices.Contains(got, want) {
			t.Errorf("India, wireless laptop with a battery: %v lacks %s", got, want)
		}
	}
	// Without the radio and the battery, those two go.
	got = schemes(seed(t).Screen(Facts{Destination: "IN", Category: "it_networking", WirelessRadio: "no",
		LithiumBatteries: "none", Condition: "new"}))
	if slices.Contains(got, "WPC ETA") || slices.Contains(got, "BIS CRS IS 16046") || !slices.Contains(got, "BIS CRS") {
		t.Errorf("India, wired laptop without a battery: %v", got)
	}
}

// The most severe finding comes first and sets the state.
func TestSeveritiesOrderAndState(t *testing.T) {
	fs := seed(t).Screen(Facts{Destination: "VN", Category: "servers_datacentre", Condition: "refurbished",
		WirelessRadio: "no", LithiumBatteries: "none"})
	if len(fs) == 0 || fs[0].ID != "VN-USED" || State(fs) != Block {
		t.Fatalf("refurbished servers to Vietnam: %v, state %v", schemes(fs), State(fs))
	}
	for i := 1; i < len(fs); i++ {
		if fs[i].Severity > fs[i-1].Severity {
			t.Fatalf("not ordered by severity: %v", fs)
		}
	}
	if s := State(seed(t).Screen(Facts{Destination: "DE", Category: "it_networking", Condition: "new"})); s != 0 {
		t.Errorf("new wired IT gear to Germany: state %v, want clear", s)
	}
}

// GPUs for an end user headquartered in China, Macau or D:5 are held
// wherever they ship; the same goods for a German end user are not.
func TestEndUserRuleFiresWhateverTheDestination(t *testing.T) {
	r := seed(t)
	for _, f := range []Facts{
		{Destination: "DE", Category: "gpu_ai", EndUserHQ: "CN", Condition: "new"},
		{Destination: "SG", Category: "servers_datacentre", Description: "Eight servers with 8x H100 each", EndUserHQ: "MO", Condition: "new"},
		{Destination: "AE", Category: "gpu_ai", EndUserHQ: "RU", Condition: "new"},
	} {
		fs := r.Screen(f)
		if State(fs) < Hold || !slices.Contains(schemes(fs), "US export licence (EAR 3A090/4A090)") {
			t.Errorf("%+v: %v", f, schemes(fs))
		}
	}
	if fs := r.Screen(Facts{Destination: "SG", Category: "gpu_ai", EndUserHQ: "DE", Condition: "new"}); State(fs) >= Hold {
		t.Errorf("GPUs to Singapore for a German end user: %v", schemes(fs))
	}
}

// Embargoed destinations block; Russia, Belarus and Syria hold.
func TestEmbargoesBlockAndSanctionsHold(t *testing.T) {
	r := seed(t)
	for dest, want := range map[string]Severity{"CU": Block, "IR": Block, "KP": Block, "RU": Hold, "BY": Hold, "SY": Hold} {
		if got := State(r.Screen(Facts{Destination: dest, Category: "other", Condition: "new"})); got != want {
			t.Errorf("%s: state %v, want %v", dest, got, want)
		}
	}
}

// A group rule reaches its members: encryption into Kazakhstan (EAEU).
func TestGroupRulesReachTheirMembers(t *testing.T) {
	got := schemes(seed(t).Screen(Facts{Destination: "KZ", Category: "it_networking", ContainsEncryption: "yes", Condition: "new"}))
	if !slices.Contains(got, "Encryption notification or licence") {
		t.Fatalf("Kazakhstan with encryption: %v", got)
	}
}

func TestBadRulesAreRefused(t *testing.T) {
	urls := map[string]string{"X": "https://example.com"}
	good := []string{"R1", "DE", "", "", "S", "A", "Summary.", "action", "no", "", "X", "yes", "2026-12-01"}
	for i, bad := range map[int]string{7: "severe", 8: "maybe", 10: "NOPE", 12: "yesterday", 3: "radio+moonphase"} {
		row := slices.Clone(good)
		row[i] = bad
		if _, err := parseRule(row, urls); err == nil {
			t.Errorf("column %s = %q accepted", columns[i], bad)
		}
	}
	if _, err := New([]*Rule{{ID: "A", Destination: "DE"}, {ID: "A", Destination: "FR"}}); err == nil {
		t.Error("two rules with one id accepted")
	}
}
