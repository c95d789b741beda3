// Package compliance is the IOR desk's first pass over an enquiry: for each
// destination, what certificates, licences and holds its goods will meet,
// each finding with its authority and source. It is indicative only — not
// legal advice — and says so wherever it is shown.
//
// Rules come from rules.csv (the researched seed: every row keeps its
// source and whether a source confirmed it) and are held in memory, indexed
// by destination, so screening an enquiry runs no query.
package compliance

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Disclaimer goes with every display of findings.
const Disclaimer = "Indicative only — not legal advice; confirm with compliance."

// Severity orders findings: info < action < hold < block.
type Severity int

// Severities, from the mildest.
const (
	Info Severity = iota + 1
	Action
	Hold
	Block
)

var severityNames = map[Severity]string{Info: "info", Action: "action", Hold: "hold", Block: "block"}

func (s Severity) String() string { return severityNames[s] }

// ParseSeverity reads a severity's name.
func ParseSeverity(name string) (Severity, error) {
	for s, n := range severityNames {
		if n == name {
			return s, nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q (info, action, hold, block)", name)
}

// Rule is one requirement that may apply to an enquiry's destination.
type Rule struct {
	ID string
	// Version counts the rule's changes; findings keep the version they
	// were made with. The seed's rules are version 1.
	Version int
	// Destination is a country code, a group (EU, GCC, EAEU, D5) or "*",
	// several joined by "|".
	Destination string
	// Categories limits the rule to these product categories (empty: all).
	Categories []string
	// When lists conditions that must all hold: radio, encryption,
	// lithium, used, gpu, end_user:GROUPS.
	When        []string
	Scheme      string
	Authority   string
	Summary     string
	Severity    Severity
	LocalEntity bool // the certificate or licence must be held by a local entity
	LeadTime    string
	Source      string // the source's key
	SourceURL   string
	Verified    bool // a source confirmed the rule
	Reviewed    time.Time
}

// Facts are what an enquiry tells the rules about one destination.
type Facts struct {
	Destination        string // ISO alpha-2
	Category           string // product category code
	Description        string
	ContainsEncryption string // yes, no, unknown
	WirelessRadio      string // yes, no, unknown
	LithiumBatteries   string // none, in_equipment, packed_with, standalone
	Condition          string // new, refurbished, used
	EndUserHQ          string // ISO alpha-2, or empty when not given
}

// Finding is a rule that applies.
type Finding struct{ Rule }

// Rules is a set of rules indexed by destination.
type Rules struct {
	all           []*Rule
	byDestination map[string][]*Rule // by country code or group name; "*" for every destination
}

// gpuWords find advanced-computing goods in a description.
var gpuWords = regexp.MustCompile(`(?i)\b(gpus?|h100|h200|h800|h20|a100|a800|b200|gb200|mi300x?|ai accelerators?)\b`)

// Screen lists the findings for one destination, the most severe first.
func (r *Rules) Screen(f Facts) []Finding {
	var out []Finding
	consider := func(rules []*Rule) {
		for _, rule := range rules {
			if rule.matches(f) {
				out = append(out, Finding{*rule})
			}
		}
	}
	consider(r.byDestination["*"])
	consider(r.byDestination[f.Destination])
	for name := range groups {
		if inGroup(f.Destination, name) {
			consider(r.byDestination[name])
		}
	}
	slices.SortFunc(out, func(a, b Finding) int {
		if a.Severity != b.Severity {
			return int(b.Severity - a.Severity)
		}
		return strings.Compare(a.ID, b.ID)
	})
	return slices.CompactFunc(out, func(a, b Finding) bool { return a.ID == b.ID })
}

// State is the enquiry-level summary of findings: the most severe one, or
// 0 when there are none (info findings alone leave an enquiry clear; see
// StateName).
func State(findings []Finding) Severity {
	var s Severity
	for _, f := range findings {
		s = max(s, f.Severity)
	}
	return s
}

// StateName is an enquiry's compliance state: clear (nothing above info),
// action, hold or block.
func StateName(s Severity) string {
	if s <= Info {
		return "clear"
	}
	return s.String()
}

func (rule *Rule) matches(f Facts) bool {
	if len(rule.Categories) > 0 && !slices.Contains(rule.Categories, f.Category) {
		return false
	}
	for _, cond := range rule.When {
		if !holds(cond, f) {
			return false
		}
	}
	return true
}

func holds(cond string, f Facts) bool {
	switch cond {
	case "radio":
		return f.WirelessRadio == "yes"
	case "encryption":
		return f.ContainsEncryption == "yes"
	case "lithium":
		return f.LithiumBatteries != "" && f.LithiumBatteries != "none"
	case "used":
		return f.Condition == "used" || f.Condition == "refurbished"
	case "gpu":
		return f.Category == "gpu_ai" || gpuWords.MatchString(f.Description)
	}
	if names, ok := strings.CutPrefix(cond, "end_user:"); ok {
		if f.EndUserHQ == "" {
			return false
		}
		for _, name := range strings.Split(names, "|") {
			if inGroup(f.EndUserHQ, name) {
				return true
			}
		}
	}
	return false
}

//go:embed rules.csv
var seedRules string

//go:embed sources.csv
var seedSources string

// Seed loads the rules the product ships with.
func Seed() (*Rules, error) {
	sources, err := readCSV(seedSources, []string{"key", "url"})
	if err != nil {
		return nil, fmt.Errorf("sources.csv: %w", err)
	}
	urls := map[string]string{}
	for _, row := range sources {
		urls[row[0]] = row[1]
	}
	rows, err := readCSV(seedRules, columns)
	if err != nil {
		return nil, fmt.Errorf("rules.csv: %w", err)
	}
	rules := make([]*Rule, 0, len(rows))
	for i, row := range rows {
		rule, err := parseRule(row, urls)
		if err != nil {
			return nil, fmt.Errorf("rules.csv row %d: %w", i+2, err)
		}
		rules = append(rules, rule)
	}
	return New(rules)
}

// New indexes rules; two rules with one id are an error.
func New(rules []*Rule) (*Rules, error) {
	r := &Rules{all: rules, byDestination: map[string][]*Rule{}}
	seen := map[string]bool{}
	for _, rule := range rules {
		if seen[rule.ID] {
			return nil, fmt.Errorf("rule %s is defined twice", rule.ID)
		}
		seen[rule.ID] = true
		for _, d := range strings.Split(rule.Destination, "|") {
			r.byDestination[d] = append(r.byDestination[d], rule)
		}
	}
	return r, nil
}

// Schemes lists the rules' schemes, each once, sorted.
func (r *Rules) Schemes() []string {
	var out []string
	for _, rule := range r.all {
		out = append(out, rule.Scheme)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// All lists the rules in the order they were given.
func (r *Rules) All() []*Rule { return r.all }

// columns are the rules file's header.
var columns = []string{"id", "destination", "categories", "when", "scheme", "authority", "summary", "severity",
	"local_entity", "lead_time", "source", "verified", "reviewed"}

// readCSV reads a CSV with the given header, skipping lines that start
// with '#'.
func readCSV(text string, header []string) ([][]string, error) {
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		if !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	rd := csv.NewReader(strings.NewReader(strings.Join(lines, "\n")))
	rd.FieldsPerRecord = len(header)
	rows, err := rd.ReadAll()
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 || !slices.Equal(rows[0], header) {
		return nil, fmt.Errorf("want the header %s", strings.Join(header, ","))
	}
	return rows[1:], nil
}

// parseRule checks and reads one row of the rules file.
func parseRule(row []string, urls map[string]string) (*Rule, error) {
	field := func(name string) string { return strings.TrimSpace(row[slices.Index(columns, name)]) }
	rule := &Rule{ID: field("id"), Version: 1, Destination: field("destination"), Scheme: field("scheme"),
		Authority: field("authority"), Summary: field("summary"), LeadTime: field("lead_time"), Source: field("source")}
	var err error
	if rule.Severity, err = ParseSeverity(field("severity")); err != nil {
		return nil, err
	}
	for _, c := range splitNonEmpty(field("categories"), "|") {
		if alias, ok := productGroups[c]; ok {
			rule.Categories = append(rule.Categories, alias...)
		} else {
			rule.Categories = append(rule.Categories, c)
		}
	}
	rule.When = splitNonEmpty(field("when"), "+")
	for _, cond := range rule.When {
		if !knownCondition(cond) {
			return nil, fmt.Errorf("%s: unknown condition %q", rule.ID, cond)
		}
	}
	if rule.ID == "" || rule.Destination == "" || rule.Scheme == "" || rule.Summary == "" {
		return nil, fmt.Errorf("a rule needs an id, a destination, a scheme and a summary")
	}
	if rule.SourceURL = urls[rule.Source]; rule.SourceURL == "" {
		return nil, fmt.Errorf("%s: source %q has no URL in sources.csv", rule.ID, rule.Source)
	}
	if rule.LocalEntity, err = yesNo(field("local_entity")); err != nil {
		return nil, fmt.Errorf("%s: local_entity: %w", rule.ID, err)
	}
	if rule.Verified, err = yesNo(field("verified")); err != nil {
		return nil, fmt.Errorf("%s: verified: %w", rule.ID, err)
	}
	if rule.Reviewed, err = time.Parse(time.DateOnly, field("reviewed")); err != nil {
		return nil, fmt.Errorf("%s: reviewed: %w", rule.ID, err)
	}
	return rule, nil
}

func yesNo(s string) (bool, error) {
	switch s {
	case "yes":
		return true, nil
	case "no":
		return false, nil
	}
	return false, fmt.Errorf("want yes or no, not %q", s)
}

func splitNonEmpty(s, sep string) []string {
	var out []string
	for _, p := range strings.Split(s, sep) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Check says what is wrong with a rule a person entered, or nil: a
// destination of known codes or groups, known product categories and
// conditions, a scheme and a summary, a source address and a review date
// not in the future.
func Check(r *Rule, isCountry func(code string) bool, isCategory func(code string) bool, now time.Time) error {
	switch {
	case !ruleID.MatchString(r.ID):
		return fmt.Errorf("the id may hold capital letters, digits and hyphens (up to 40)")
	case strings.TrimSpace(r.Scheme) == "" || strings.TrimSpace(r.Summary) == "":
		return fmt.Errorf("a rule needs a scheme and a one-sentence summary")
	case r.Severity < Info || r.Severity > Block:
		return fmt.Errorf("choose a severity")
	case !strings.HasPrefix(r.SourceURL, "https://") && !strings.HasPrefix(r.SourceURL, "http://"):
		return fmt.Errorf("give the source's web address")
	case r.Reviewed.IsZero() || r.Reviewed.After(now):
		return fmt.Errorf("give the date the rule was last checked against its source (not in the future)")
	}
	for _, d := range strings.Split(r.Destination, "|") {
		if _, group := groups[d]; !group && d != "*" && !isCountry(d) {
			return fmt.Errorf("destination %q is not a country code, a group (EU, GCC, EAEU, D5) or *", d)
		}
	}
	for _, c := range r.Categories {
		if !isCategory(c) {
			return fmt.Errorf("unknown product category %q", c)
		}
	}
	for _, cond := range r.When {
		if !knownCondition(cond) {
			return fmt.Errorf("unknown condition %q (radio, encryption, lithium, used, gpu, end_user:GROUPS)", cond)
		}
	}
	return nil
}

var ruleID = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{0,39}$`)

func knownCondition(cond string) bool {
	switch cond {
	case "radio", "encryption", "lithium", "used", "gpu":
		return true
	}
	return strings.HasPrefix(cond, "end_user:") && len(cond) > len("end_user:")
}

// ReviewDue reports whether a rule was last checked against its source
// more than ReviewAfter ago.
func (r *Rule) ReviewDue(now time.Time) bool { return now.Sub(r.Reviewed) > ReviewAfter }

// ReviewAfter is how long a rule may go unchecked before it is flagged.
const ReviewAfter = 180 * 24 * time.Hour

// Describe is the rule in one line, for the audit log.
func (r *Rule) Describe() string {
	return fmt.Sprintf("dest=%s cat=%s when=%s scheme=%q authority=%q severity=%s local=%v lead=%q source=%s verified=%v reviewed=%s summary=%q",
		r.Destination, strings.Join(r.Categories, "|"), strings.Join(r.When, "+"), r.Scheme, r.Authority, r.Severity,
		r.LocalEntity, r.LeadTime, r.SourceURL, r.Verified, r.Reviewed.Format(time.DateOnly), r.Summary)
}
