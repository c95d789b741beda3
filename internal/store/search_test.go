package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"iordesk/internal/search"
	"iordesk/internal/testclock"
)

// searchCorpus is a desk's worth of names, companies, addresses and texts
// in several scripts, with accents, and phone numbers written every way.
var searchCorpus = []search.Fields{
	{Name: "José Müller", Company: "Müller Logistik GmbH", Email: "jose.muller@muller-logistik.de", Phone: "+49 30 1234567", Description: "Cisco routers and switches", Message: "Please quote Germany and France"},
	{Name: "Jose Muller", Company: "Acme Corp", Email: "jm@acme.com", Phone: "+1 (415) 555-0100", Description: "Routers, refurbished", Message: "Acme needs an IOR for Brazil"},
	{Name: "Zoë O'Brien", Company: "Acme Corporation Ltd", Email: "zoe.obrien@acmecorp.ie", Phone: "+353 1 555 0199", Description: "GPU servers for an AI lab"},
	{Name: "张伟", Company: "北京数据科技有限公司", Email: "zhang.wei@bjdata.cn", Phone: "+86 10 8888 9999", Description: "服务器 and storage arrays", Message: "请报价 — quote for Japan"},
	{Name: "田中太郎", Company: "東京テレコム株式会社", Email: "tanaka@tokyo-telecom.jp", Phone: "03-1234-5678", Description: "5G radio units, lithium batteries"},
	{Name: "Søren Ærø", Company: "Ærø Shipping ApS", Email: "soren@aero-shipping.dk", Phone: "+45 33 12 34 56", Description: "Medical ultrasound scanners"},
	{Name: "Anna Straße", Company: "Strasse & Söhne", Email: "anna@strasse.at", Phone: "+43 1 234567", Description: "Lab centrifuges", Message: "Acme recommended you"},
	{Name: "Ahmed Al-Farsi", Company: "Gulf Routers LLC", Email: "ahmed@gulf-routers.ae", Phone: "+971 4 123 4567", Description: "Switches and firewalls for Dubai"},
	{Name: "Łukasz Wójcik", Company: "Acme Polska", Email: "lukasz@acme.pl", Phone: "+48 22 123 45 67", Description: "Routers"},
	{Name: "María José Núñez", Company: "Núñez Médica SA", Email: "mjnunez@nunezmedica.mx", Phone: "+52 55 1234 5678", Description: "Equipo médico: monitores"},
	{Name: "서지훈", Company: "서울 통신", Email: "jihoon@seoul-telecom.kr", Phone: "+82 2 1234 5678", Description: "Telecom base stations"},
	{Name: "Pat Smith", Company: "Smith Corp", Email: "pat@smithcorp.com", Phone: "555 0100", Description: "acme corp spare parts, acme corporation licences", Notes: []string{"Called Pat: wants DDP Brazil", "Müller introduced them"}},
}

// searchQueries are searches a desk types, with what the corpus's numbers
// (indexes) each must find at least, whatever the order; the test then
// checks the exact results and order against a reference matcher.
var searchQueries = map[string][]int{
	"muller":                {0, 1, 11},
	"MÜLLER":                {0, 1, 11},
	"jose":                  {0, 1, 9},
	"José Müller":           {0, 1},
	`"jose muller"`:         {0, 1},
	"张伟":                    {3},
	"伟":                     {3},
	"田中":                    {4},
	"テレコム":                  {4},
	"aero":                  {5},
	"Ærø":                   {5},
	"strasse":               {6},
	"straße":                {6},
	"søren":                 {5},
	"lukasz":                {8},
	"nunez":                 {9},
	"서울":                    {10},
	`"acme corp"`:           {1, 11},
	"acm*":                  {1, 2, 6, 8, 11},
	"acme":                  {1, 2, 6, 8, 11},
	"company:acme":          {1, 2, 8},
	`company:"acme corp"`:   {1},
	"company:acme*":         {1, 2, 8},
	"email:@acme.com":       {1},
	"jm@acme.com":           {1},
	"email:acme":            {1, 8},
	"name:muller":           {0, 1},
	"1234567":               {0},
	"301234567":             {0},
	"0312345678":            {4},
	"49301234567":           {0},
	"4155550100":            {1},
	"router*":               {0, 1, 7, 8},
	"routers brazil":        {1},
	"ddp":                   {11},
	`"introduced them"`:     {11},
	"nothing-of-the-kind":   nil,
	"!!!":                   nil,
	"quote japan":           {3},
	"服务器":                   {3},
	`"switches and" firew*`: {7},
	"ref:ENQ-SRCH0001 acme": {1},
	"ENQ-SRCH0005":          {5},
	"name:":                 nil,
	"company:acme name:zoe": {2},
	"company:acme name:pat": nil,
}

// TestSearchFindsTheSameOnBothEngines indexes the corpus on each engine and
// checks every search against a reference matcher written from the
// syntax's definition: the same enquiries, most relevant first, newest
// among equals; and by date when asked.
func TestSearchFindsTheSameOnBothEngines(t *testing.T) {
	backendsWithAgent(t, func(t *testing.T, s *Store, clock *testclock.Clock, desk Actor) {
		ctx := context.Background()
		ids := make([]int64, len(searchCorpus))
		for i, f := range searchCorpus {
			e := sampleEnquiry(fmt.Sprintf("ENQ-SRCH%04d", i))
			e.FullName, e.Company, e.Email, e.Phone, e.ProductDescription, e.Message = f.Name, f.Company, f.Email, f.Phone, f.Description, f.Message
			if err := s.Write(ctx, func(tx *Tx) error { return tx.InsertEnquiry(e, []string{"DE"}) }); err != nil {
				t.Fatal(err)
			}
			for _, n := range f.Notes {
				if err := s.AddNote(ctx, e.ID, n, desk); err != nil {
					t.Fatal(err)
				}
			}
			ids[i] = e.ID
			clock.Advance(time.Minute)
		}
		for text, must := range searchQueries {
			q := search.Parse(text)
			want := referenceSearch(q, text)
			for _, i := range must {
				if !slices.Contains(want, i) {
					t.Errorf("%q: the reference misses %d (%s)", text, i, searchCorpus[i].Name)
				}
			}
			if len(must) == 0 && len(want) > 0 {
				t.Errorf("%q: the reference finds %v", text, want)
			}
			got := searchIndexes(t, s, ids, Filter{Query: text, Limit: 100})
			if !slices.Equal(got, want) {
				t.Errorf("%q: found %v, want %v", text, got, want)
			}
			byDate := slices.Clone(want)
			slices.Sort(byDate)
			slices.Reverse(byDate)
			if got := searchIndexes(t, s, ids, Filter{Query: text, Newest: true, Limit: 100}); !slices.Equal(got, byDate) {
				t.Errorf("%q newest first: found %v, want %v", text, got, byDate)
			}
			if n, err := s.CountEnquiriesUpTo(ctx, Filter{Query: text}, 1000); err != nil || n != int64(len(want)) {
				t.Errorf("%q: counted %d, %v", text, n, err)
			}
		}
		// A search combines with the list's other filters.
		if got := searchIndexes(t, s, ids, Filter{Query: "acme", Status: StatusTriaged}); len(got) != 0 {
			t.Errorf("acme and triaged: %v", got)
		}
		if got := searchIndexes(t, s, ids, Filter{Query: "acme", Country: "DE", Oldest: true}); !slices.Equal(got, []int{1, 2, 6, 8, 11}) {
			t.Errorf("acme in DE, oldest first: %v", got)
		}
	})
}

// backendsWithAgent runs fn on each engine from the same start, with an
// agent to act as.
func backendsWithAgent(t *testing.T, fn func(t *testing.T, s *Store, clock *testclock.Clock, desk Actor)) {
	start := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	clock := testclock.New(start)
	backends(t, clock.Now, func(t *testing.T, s *Store) {
		clock.Set(start)
		u := &User{Email: "desk@example.com", Name: "Desk", Role: RoleAgent, PasswordHash: "x"}
		if err := s.CreateUser(context.Background(), u); err != nil {
			t.Fatal(err)
		}
		fn(t, s, clock, Actor{ID: u.ID, Name: u.Name})
	})
}

// searchIndexes lists the filter's enquiries as indexes of the corpus.
func searchIndexes(t *testing.T, s *Store, ids []int64, f Filter) []int {
	t.Helper()
	rows, _, err := s.ListEnquiries(context.Background(), f)
	if err != nil {
		t.Fatalf("%+v: %v", f, err)
	}
	out := []int{}
	for _, r := range rows {
		out = append(out, slices.Index(ids, r.ID))
	}
	return out
}

// referenceSearch is the search over the corpus as its definition says
// (search.Query): every clause matches — a phrase of consecutive words in
// one field, the last a prefix if starred; a clause limited to a field has
// each of its words there (and, for several, the phrase somewhere) — and
// every reference is the enquiry's. Relevance adds, for each term (a word
// or phrase anywhere, or one word of a limited clause), the weight of each
// field it is in: name 4, company 4, email 2, the rest 1.
func referenceSearch(q search.Query, text string) []int {
	type term struct {
		tokens []string
		prefix bool
		fields []search.Field
	}
	all := []search.Field{search.FieldName, search.FieldCompany, search.FieldEmail, search.FieldOther}
	var terms []term
	for _, c := range q.Clauses {
		if c.Field < 0 || len(c.Tokens) == 1 {
			fields := all
			if c.Field >= 0 {
				fields = []search.Field{c.Field}
			}
			terms = append(terms, term{c.Tokens, c.Prefix, fields})
			continue
		}
		terms = append(terms, term{c.Tokens, c.Prefix, all})
		for i, tok := range c.Tokens {
			terms = append(terms, term{[]string{tok}, c.Prefix && i == len(c.Tokens)-1, []search.Field{c.Field}})
		}
	}
	in := func(words []string, tm term) bool {
		for at := 0; at+len(tm.tokens) <= len(words); at++ {
			ok := true
			for k, tok := range tm.tokens {
				w := words[at+k]
				if !(w == tok || tm.prefix && k == len(tm.tokens)-1 && strings.HasPrefix(w, tok)) {
					ok = false
					break
				}
			}
			if ok {
				return true
			}
		}
		return false
	}
	weight := map[search.Field]int{search.FieldName: 4, search.FieldCompany: 4, search.FieldEmail: 2, search.FieldOther: 1}
	type hit struct{ index, rank int }
	var hits []hit
	for i, f := range searchCorpus {
		if q.Empty || len(terms) == 0 && len(q.References) == 0 {
			break
		}
		ref := fmt.Sprintf("ENQ-SRCH%04d", i)
		if slices.ContainsFunc(q.References, func(r string) bool { return r != ref }) {
			continue
		}
		doc := search.NewDocument(f)
		rank, all := 0, true
		for _, tm := range terms {
			found := false
			for _, field := range tm.fields {
				if in(doc[field], tm) {
					found = true
					rank += weight[field]
				}
			}
			all = all && found
		}
		if all {
			hits = append(hits, hit{i, rank})
		}
	}
	if strings.TrimSpace(text) == "" {
		return nil
	}
	// Most relevant first, then newest (the corpus is in order of arrival).
	slices.SortFunc(hits, func(a, b hit) int {
		if a.rank != b.rank {
			return b.rank - a.rank
		}
		return b.index - a.index
	})
	out := []int{}
	for _, h := range hits {
		out = append(out, h.index)
	}
	return out
}

// TestSearchFollowsEveryWrite checks that the index follows the writes
// that change an enquiry's words: a note, an erasure, a spam deletion.
func TestSearchFollowsEveryWrite(t *testing.T) {
	backendsWithAgent(t, func(t *testing.T, s *Store, clock *testclock.Clock, desk Actor) {
		ctx := context.Background()
		found := func(text string) int {
			t.Helper()
			rows, _, err := s.ListEnquiries(ctx, Filter{Query: text})
			if err != nil {
				t.Fatal(err)
			}
			return len(rows)
		}
		e := sampleEnquiry("ENQ-FOLLOW01")
		e.FullName, e.Email = "Ingrid Østergaard", "ingrid@fjord.no"
		spam := sampleEnquiry("ENQ-FOLLOW02")
		spam.FullName = "Cheap Pills"
		for _, x := range []*Enquiry{e, spam} {
			if err := s.Write(ctx, func(tx *Tx) error { return tx.InsertEnquiry(x, []string{"NO"}) }); err != nil {
				t.Fatal(err)
			}
		}
		// The intake owes the documents; a search writes them first.
		var owed int64
		if err := s.read.Table("search_backlog").Count(&owed).Error; err != nil || owed != 2 {
			t.Fatalf("%d documents owed after two intakes, %v", owed, err)
		}
		if found("ostergaard") != 1 || found("quokka") != 0 {
			t.Fatal("not found after intake")
		}
		if err := s.read.Table("search_backlog").Count(&owed).Error; err != nil || owed != 0 {
			t.Fatalf("%d documents owed after a search, %v", owed, err)
		}
		// Demo batches owe theirs too; the indexer writes them.
		demo := sampleEnquiry("ENQ-FOLLOW03")
		demo.FullName, demo.Destinations, demo.Status, demo.CreatedAt = "Dagny Demoson", CountryCodes{"SE"}, StatusNew, clock.Now()
		if err := s.InsertDemo(ctx, []DemoEnquiry{{Enquiry: *demo}}); err != nil {
			t.Fatal(err)
		}
		if n, err := s.IndexOwed(ctx); err != nil || n != 1 {
			t.Fatalf("indexer wrote %d, %v", n, err)
		}
		if found("demoson") != 1 {
			t.Error("a demo enquiry is not found")
		}
		if err := s.AddNote(ctx, e.ID, "Prefers the quokka shipping lane", desk); err != nil {
			t.Fatal(err)
		}
		if found("quokka") != 1 {
			t.Error("a note is not searchable")
		}
		if _, err := s.UpdateEnquiry(ctx, e.ID, 1, Update{Status: StatusTriaged, Note: "wombat too"}, desk); err != nil {
			t.Fatal(err)
		}
		if found("wombat") != 1 || found("quokka") != 1 {
			t.Error("a note with a status change is not searchable")
		}
		if n, err := s.ErasePerson(ctx, "ingrid@fjord.no", Actor{Name: "admin"}); err != nil || n != 1 {
			t.Fatalf("erase: %d %v", n, err)
		}
		for _, word := range []string{"ingrid", "ostergaard", "fjord", "quokka", "wombat"} {
			if found(word) != 0 {
				t.Errorf("%s still found after erasure", word)
			}
		}
		if err := s.ChangeStatus(ctx, spam.ID, 1, StatusSpam, desk, ""); err != nil {
			t.Fatal(err)
		}
		clock.Advance(100 * 24 * time.Hour)
		if deleted, _, err := s.ApplyRetention(ctx, 30*24*time.Hour, 0); err != nil || deleted != 1 {
			t.Fatalf("retention: %d %v", deleted, err)
		}
		var left int64
		if err := s.read.Table("enquiry_search").Count(&left).Error; err != nil || left != 2 {
			t.Errorf("%d search documents left, want the erased enquiry's and the demo's: %v", left, err)
		}
	})
}

// TestRebuildSearchWritesEveryDocument rebuilds the index of a book of 250
// enquiries (the migration's way: a hundred documents a statement, the
// rest one by one) and finds each of them.
func TestRebuildSearchWritesEveryDocument(t *testing.T) {
	backendsWithAgent(t, func(t *testing.T, s *Store, clock *testclock.Clock, desk Actor) {
		ctx := context.Background()
		batch := make([]DemoEnquiry, 250)
		for i := range batch {
			e := sampleEnquiry(fmt.Sprintf("ENQ-RBLD%04d", i))
			e.FullName, e.Destinations, e.Status, e.CreatedAt = fmt.Sprintf("Rebuilt Person%d", i), CountryCodes{"DE"}, StatusNew, clock.Now()
			batch[i] = DemoEnquiry{Enquiry: *e}
		}
		if err := s.InsertDemo(ctx, batch); err != nil {
			t.Fatal(err)
		}
		if err := s.write.Transaction(func(tx *gorm.DB) error { return rebuildSearch(tx, s.queries) }); err != nil {
			t.Fatal(err)
		}
		var docs int64
		if err := s.read.Table("enquiry_search").Count(&docs).Error; err != nil || docs != 250 {
			t.Fatalf("%d documents, %v", docs, err)
		}
		// Nothing owed may be written by the searches below: they read
		// what the rebuild wrote.
		if err := s.write.Exec("DELETE FROM search_backlog").Error; err != nil {
			t.Fatal(err)
		}
		if n, err := s.CountEnquiriesUpTo(ctx, Filter{Query: "rebuilt"}, 1000); err != nil || n != 250 {
			t.Fatalf("found %d, %v", n, err)
		}
		for _, i := range []int{0, 99, 100, 199, 200, 249} {
			if n, err := s.CountEnquiriesUpTo(ctx, Filter{Query: fmt.Sprintf("person%d", i)}, 10); err != nil || n != 1 {
				t.Errorf("person%d found %d times, %v", i, n, err)
			}
		}
	})
}
