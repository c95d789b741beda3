package search

import (
	"encoding/binary"
	"reflect"
	"strings"
	"testing"
)

func TestTokens(t *testing.T) {
	for text, want := range map[string]string{
		"Müller-Lüdenscheidt GmbH":     "muller ludenscheidt gmbh",
		"Straße Øresund Łódź":          "strasse oresund lodz",
		"anna.b+iot@acme-corp.de":      "anna b iot acme corp de",
		"张伟 (Zhang Wei)":               "张 伟 zhang wei",
		"東京テレコム株式会社":                   "東 京 テ レ コ ム 株 式 会 社",
		"Ἀθῆναι São Paulo ÇAĞRI":       "αθηναι sao paulo cagri",
		"e\u0301cole":                  "ecole",
		"  --  ":                       "",
		"Model X-200, 5G/LTE; 48V":     "model x 200 5g lte 48v",
		"서울 통신":                        "서울 통신",
		strings.Repeat("a", 70) + " b": strings.Repeat("a", maxTokenRunes) + " b",
	} {
		if got := strings.Join(Tokens(text), " "); got != want {
			t.Errorf("Tokens(%q) = %q, want %q", text, got, want)
		}
	}
	if got := strings.Join(phoneTokens("+49 (30) 123-4567"), " "); got != "49301234567 301234567 49 30 123 4567" {
		t.Errorf("phone tokens: %q", got)
	}
	if got := strings.Join(phoneTokens("+4930123"), " "); got != "4930123" {
		t.Errorf("phone of one group: %q", got)
	}
	if got := strings.Join(phoneTokens("03-1234-5678 ext 9"), " "); got != "03 1234 5678 ext 9" {
		t.Errorf("phone with words: %q", got)
	}
}

func TestParse(t *testing.T) {
	for text, want := range map[string]string{
		`acme`:                         `"acme"`,
		`Acme  Corp`:                   `"acme" "corp"`,
		`"acme corp"`:                  `"acme corp"`,
		`"acme co*"`:                   `"acme co*"`,
		`acm*`:                         `"acm*"`,
		`company:acme`:                 `company:acme`,
		`Company:"Acme Corp"`:          `"acme corp" company:acme company:corp`,
		`company:"acme co*" name:anna`: `"acme co*" company:acme company:co* name:anna`,
		`email:@acme.de`:               `"acme de" email:acme email:de`,
		`anna.b@acme.de`:               `"anna b acme de"`,
		`http://x.org`:                 `"http x org"`,
		`ref:enq-7k2m9q4t acme`:        `"acme"`,
		`AND OR NOT near`:              `"and" "or" "not" "near"`,
		`"unterminated phrase`:         `"unterminated phrase"`,
		`name:`:                        ``,
	} {
		if got := Parse(text).Match(); got != want {
			t.Errorf("Parse(%q).Match() = %s, want %s", text, got, want)
		}
	}
	q := Parse("ref:enq-7k2m9q4t ENQ-AAAABBBB acme")
	if !reflect.DeepEqual(q.References, []string{"ENQ-7K2M9Q4T", "ENQ-AAAABBBB"}) || !q.Searches() || q.Empty {
		t.Errorf("references: %+v", q)
	}
	if q := Parse(" !!! -- "); !q.Empty || q.Searches() {
		t.Errorf("punctuation only: %+v", q)
	}
	if q := Parse("   "); q.Empty || q.Searches() {
		t.Errorf("blank: %+v", q)
	}
}

func TestTSQueryAndRankTermsMirrorMatch(t *testing.T) {
	q := Parse(`"acme co*" company:"big box" 张伟`)
	want := `('acme' <-> 'co':*) & ('big' <-> 'box') & 'big':B & 'box':B & ('张' <-> '伟')`
	if got := q.TSQuery(); got != want {
		t.Errorf("TSQuery = %s\nwant      %s", got, want)
	}
	terms := q.RankTerms()
	// 3 atoms anywhere × 4 fields, 2 atoms in the company × 1.
	if len(terms) != 14 {
		t.Fatalf("%d rank terms: %+v", len(terms), terms)
	}
	if terms[1] != (RankTerm{TSQuery: `('acme':B <-> 'co':*B)`, Weight: 4}) || terms[8] != (RankTerm{TSQuery: `'big':B`, Weight: 4}) {
		t.Errorf("rank terms: %+v", terms)
	}
}

func TestRankMatchInfo(t *testing.T) {
	// Two phrases, four columns: the first hits the name and the message,
	// the second the email.
	words := []uint32{2, 4, 0b1001, 0b0100}
	info := make([]byte, 4*len(words))
	for i, w := range words {
		binary.NativeEndian.PutUint32(info[4*i:], w)
	}
	if got := RankMatchInfo(info); got != 4+1+2 {
		t.Errorf("rank %d, want 7", got)
	}
	if got := RankMatchInfo(info[:len(info)-4]); got != 0 {
		t.Errorf("short blob ranks %d", got)
	}
}

func TestDocument(t *testing.T) {
	d := NewDocument(Fields{Name: "Zoë O'Brien", Company: "Acme", Email: "zoe@acme.ie", Phone: "+353 1 555",
		Description: "routers", Message: "acme again", Notes: []string{"call Zoë"}})
	if got := d.Columns(); got != [fieldCount]string{"zoe o brien", "acme", "zoe acme ie", "3531555 1555 353 1 555 routers acme again call zoe"} {
		t.Errorf("columns %q", got)
	}
	want := `'zoe':1A,7C,20D 'o':2A 'brien':3A 'acme':5B,8C,17D 'ie':9C '3531555':11D '1555':12D '353':13D '1':14D '555':15D 'routers':16D 'again':18D 'call':19D`
	if got := d.TSVector(); got != want {
		t.Errorf("tsvector\n got %s\nwant %s", got, want)
	}
	long := NewDocument(Fields{Name: "a b", Message: strings.Repeat("word ", maxDocumentTokens)})
	if n := len(long[FieldName]) + len(long[FieldOther]); n != maxDocumentTokens {
		t.Errorf("%d tokens kept", n)
	}
}

func TestHighlight(t *testing.T) {
	q := Parse(`müller "acme co*"`)
	if got := bracketed(q.Highlight("Anna Müller, ACME Corporation & Acme")); got != "Anna [Müller], [ACME] [Corporation] & [Acme]" {
		t.Errorf("highlight %q", got)
	}
	if got := q.Highlight("nothing here"); len(got) != 1 || got[0].Hit || got[0].Text != "nothing here" {
		t.Errorf("no hit: %+v", got)
	}
	if got := q.Highlight(""); len(got) != 1 || got[0].Text != "" {
		t.Errorf("empty: %+v", got)
	}
}

func TestSnippet(t *testing.T) {
	q := Parse("quartz")
	text := "We ship routers and switches to Brazil every month, and now the quartz oscillators for our radio units, forty boxes in all, by air freight."
	if got := bracketed(q.Snippet(text, 8)); got != "…now the [quartz] oscillators for our radio units…" {
		t.Errorf("snippet %q", got)
	}
	if q.Snippet("nothing to see", 8) != nil || Parse("").Snippet(text, 8) != nil {
		t.Error("a snippet without a hit")
	}
	if got := q.Snippet("quartz", 8); len(got) != 1 || !got[0].Hit {
		t.Errorf("whole text: %+v", got)
	}
}

// bracketed is segments as text, the hits in brackets.
func bracketed(segments []Segment) string {
	var b strings.Builder
	for _, s := range segments {
		if s.Hit {
			b.WriteString("[" + s.Text + "]")
		} else {
			b.WriteString(s.Text)
		}
	}
	return b.String()
}
