// Package demo makes realistic fake enquiries, for trying the dashboard and
// for benchmarks (`iordesk demo-data --count N`).
package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"iordesk/internal/catalog"
	"iordesk/internal/store"
)

var (
	firstNames = []string{"Aisha", "Carlos", "Chen", "Daniel", "Elena", "Fatima", "Hiroshi", "Ines", "James", "Kwame",
		"Laura", "Mehmet", "Nadia", "Olga", "Priya", "Rafael", "Sara", "Tomás", "Yuki", "Zanele", "Lukas", "Amara"}
	lastNames = []string{"Okafor", "García", "Wang", "Müller", "Rossi", "Haddad", "Tanaka", "Silva", "Smith", "Mensah",
		"Dubois", "Yılmaz", "Kowalski", "Ivanova", "Sharma", "Costa", "Lindqvist", "Novak", "Sato", "Dlamini"}
	companyWords = []string{"Apex", "Borealis", "Cobalt", "Delta", "Everest", "Fulcrum", "Granite", "Helix", "Iris",
		"Juniper", "Keystone", "Lumen", "Meridian", "Nimbus", "Orion", "Pinnacle", "Quantum", "Summit", "Vertex"}
	companyKinds = []string{"Networks", "Data Systems", "Medical", "Telecom", "Computing", "Labs", "Energy", "Cloud", "Devices"}
	suffixes     = []string{"Ltd", "GmbH", "Inc.", "S.A.", "Pte Ltd", "B.V.", "LLC", "SAS", "K.K."}
	goods        = map[string][]string{
		"it_networking":      {"48 x Cisco Catalyst 9300 switches", "Juniper MX204 routers, 6 units", "Fortinet FortiGate 600F firewalls"},
		"servers_datacentre": {"40 x Dell PowerEdge R760 servers", "HPE ProLiant DL380 Gen11, 24 units", "Two racks of storage arrays (NetApp AFF A400)"},
		"telecom_radio":      {"5G small cells, 120 units", "Microwave backhaul radios (Ericsson MINI-LINK)", "Satellite terminals for field offices"},
		"gpu_ai":             {"8 x NVIDIA HGX H200 systems", "GPU servers with 64 accelerators", "AI inference appliances, 16 units"},
		"medical_lab":        {"Ultrasound scanners (GE Vivid), 4 units", "PCR lab analysers and reagents", "Patient monitors for a new ward"},
		"batteries_power":    {"UPS systems with lithium-ion modules", "Battery energy storage cabinets", "Spare lithium battery packs for rugged tablets"},
		"other":              {"Trade-show demo equipment", "Broadcast cameras for an event", "Test and measurement instruments"},
	}
	// destinations by rough demand: the common IOR destinations first.
	destinations = []string{"US", "DE", "IN", "BR", "AE", "SG", "JP", "GB", "MX", "SA", "ZA", "CN", "KR", "AU", "NG",
		"EG", "TR", "ID", "VN", "AR", "CL", "CO", "KE", "MA", "PH", "TH", "MY", "PL", "FR", "IT", "ES", "NL", "QA", "KW",
		"PK", "BD", "PE", "GH", "IL", "CA"}
	origins  = []string{"US", "DE", "NL", "GB", "CN", "SG", "JP", "TW", "IE", "FR"}
	statuses = []string{"new", "new", "triaged", "contacted", "contacted", "quoted", "quoted", "won", "lost", "lost", "spam"}
	notes    = []string{
		"Asked for the commercial invoice and the product list.",
		"Called the prospect: the goods go to a data centre, end user is the buyer.",
		"Needs type approval in the destination; told them about the lead time.",
		"Waiting for the HS codes from their forwarder.",
		"Sent our fee and the duty and tax estimate.",
		"Used equipment: checked whether the destination allows it.",
	}
)

// Generate inserts n enquiries created over the last two years before now,
// in transactions of 1,000, and reports progress through progress (may be
// nil). Enquiries past "new" get a plausible triage history by the staff
// accounts (first action after a few working hours, then a status step
// every day or two, notes, next actions planned for the open ones); with
// no staff account yet they have their statuses without a history.
func Generate(ctx context.Context, st *store.Store, n int, now time.Time, seed uint64, progress func(done int)) error {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	cat := catalog.New()
	users, err := st.Users(ctx)
	if err != nil {
		return err
	}
	offset, err := st.CountEnquiries(ctx)
	if err != nil {
		return err
	}
	span := 2 * 365 * 24 * time.Hour
	const chunk = 1000
	for done := 0; done < n; done += chunk {
		batch := make([]store.DemoEnquiry, 0, chunk)
		for i := done; i < min(done+chunk, n); i++ {
			// Evenly spread in time, oldest first, so ids follow created_at.
			created := now.Add(-span + time.Duration(float64(span)*float64(i)/float64(n))).UTC()
			// 0 and 1 never occur in real references, so these cannot collide.
			ref := fmt.Sprintf("ENQ-%08d", offset+int64(i)+10_000_000)
			e := fake(rng, cat, created, now.Add(-recentSpam), ref)
			events := triage(rng, &e, users, now)
			batch = append(batch, store.DemoEnquiry{Enquiry: e, Events: events})
		}
		if err := st.InsertDemo(ctx, batch); err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
		if progress != nil {
			progress(min(done+chunk, n))
		}
	}
	return nil
}

func pick[T any](rng *rand.Rand, list []T) T { return list[rng.IntN(len(list))] }

// skewed picks early entries more often (a rough power law).
func skewed[T any](rng *rand.Rand, list []T) T {
	f := rng.Float64()
	return list[int(f*f*float64(len(list)))]
}

// recentSpam is how far back demo data has spam. A desk deletes spam after
// the retention's spam_days (90 by default), so older spam would be
// deleted at the first start and make the demo book shrink.
const recentSpam = 80 * 24 * time.Hour

func fake(rng *rand.Rand, cat *catalog.Catalogue, created, spamSince time.Time, ref string) store.Enquiry {
	first, last := pick(rng, firstNames), pick(rng, lastNames)
	company := pick(rng, companyWords) + " " + pick(rng, companyKinds) + " " + pick(rng, suffixes)
	category := pick(rng, catalog.ProductCategories).Code
	nDest := 1 + int(rng.ExpFloat64()*0.8)
	var dests []string
	for len(dests) < min(nDest, 6) {
		d := skewed(rng, destinations)
		if !strings.Contains(strings.Join(dests, ","), d) {
			dests = append(dests, d)
		}
	}
	e := store.Enquiry{
		Reference: ref, FullName: first + " " + last, Company: company, Destinations: dests,
		Email:   strings.ToLower(first+"."+last) + "@" + strings.ToLower(strings.Fields(company)[0]) + ".example",
		Service: skewed(rng, catalog.Services).Code, OriginCountry: pick(rng, origins),
		ProductCategory: category, ProductDescription: pick(rng, goods[category]),
		Condition: skewed(rng, catalog.Conditions).Code, ContainsEncryption: pick(rng, catalog.YesNoUnknown).Code,
		WirelessRadio: pick(rng, catalog.YesNoUnknown).Code, LithiumBatteries: pick(rng, catalog.LithiumOptions).Code,
		ShipmentValueCents: int64(1000+rng.ExpFloat64()*150000) * 100, Currency: skewed(rng, []string{"USD", "EUR", "GBP", "SGD"}),
		ConsentAt: created, PrivacyNoticeVersion: "demo", Status: pick(rng, statuses),
		UTMSource: pick(rng, []string{"", "", "google", "linkedin", "newsletter"}), CreatedAt: created, UpdatedAt: created,
	}
	for e.Status == "spam" && created.Before(spamSince) {
		e.Status = pick(rng, statuses)
	}
	if _, ok := cat.Country(e.OriginCountry); !ok {
		e.OriginCountry = "US"
	}
	return e
}

// lifecycle are the steps an enquiry goes through before it is won or lost.
var lifecycle = []string{store.StatusTriaged, store.StatusContacted, store.StatusQuoted}

// triage makes up the timeline that brought e to its status: the first
// action a few working hours after arrival (assignment and first status
// change), then a step every day or two, now and then a note. Steps that
// would fall after now are not taken, so recent enquiries are still new
// or early in their life; open ones may have a next action planned. It
// sets e's status, assignee, version and next action to match.
func triage(rng *rand.Rand, e *store.Enquiry, users []store.User, now time.Time) []store.Event {
	if len(users) == 0 {
		return nil
	}
	target := e.Status
	e.Status = store.StatusNew
	// Median three hours, a long tail to days.
	at := e.CreatedAt.Add(time.Duration(math.Exp(rng.NormFloat64()+math.Log(3)) * float64(time.Hour)))
	if target == store.StatusNew || at.After(now) {
		return nil
	}
	by := pick(rng, users)
	actor := func(kind, detail string, when time.Time) store.Event {
		return store.Event{Kind: kind, Actor: by.Name, ActorID: &by.ID, Detail: detail, CreatedAt: when.UTC()}
	}
	var events []store.Event
	if target != store.StatusSpam && rng.IntN(3) > 0 {
		e.AssigneeID = &by.ID
		events = append(events, actor(store.EventAssigned, "Assigned to "+by.Name, at))
	}
	var steps []string
	switch target {
	case store.StatusSpam:
		steps = []string{store.StatusSpam}
	case store.StatusWon:
		steps = append(slices.Clone(lifecycle), store.StatusWon)
	case store.StatusLost:
		steps = append(slices.Clone(lifecycle[:1+rng.IntN(len(lifecycle))]), store.StatusLost)
	default:
		steps = lifecycle[:slices.Index(lifecycle, target)+1]
	}
	for i, step := range steps {
		if i > 0 {
			at = at.Add(time.Duration(rng.ExpFloat64() * 36 * float64(time.Hour)))
			if at.After(now) {
				break
			}
			if rng.IntN(3) == 0 {
				events = append(events, actor(store.EventNote, pick(rng, notes), at.Add(-time.Minute)))
			}
		}
		events = append(events, actor(store.EventStatusChanged, e.Status+" → "+step, at))
		e.Status = step
	}
	e.Version = 1
	for _, ev := range events {
		if ev.Kind != store.EventNote {
			e.Version++ // notes leave the version as it is
		}
	}
	e.UpdatedAt = events[len(events)-1].CreatedAt
	// Work moved in the last two months has its next action planned, now and then.
	if slices.Contains(store.OpenStatuses, e.Status) && e.UpdatedAt.After(now.AddDate(0, 0, -60)) && rng.IntN(2) == 0 {
		e.FollowUpOn = now.AddDate(0, 0, rng.IntN(15)-4).UTC().Format(time.DateOnly)
	}
	return events
}
