package search

import (
	"encoding/binary"
	"strings"
)

// ftsColumns are the FTS4 table's columns, in Field order.
var ftsColumns = [fieldCount]string{"name", "company", "email", "other"}

// Match is the query as an FTS4 MATCH expression: each atom a quoted
// phrase, or column:word for a word in a field. Tokens hold only letters
// and digits in lower case, so none is taken for an operator (FTS4's are
// upper case) and a quote cannot end a phrase early.
func (q Query) Match() string {
	var parts []string
	for _, a := range q.atoms() {
		text := strings.Join(a.tokens, " ")
		if a.prefix {
			text += "*"
		}
		if a.field == anyField {
			parts = append(parts, `"`+text+`"`)
		} else {
			parts = append(parts, ftsColumns[a.field]+":"+text)
		}
	}
	return strings.Join(parts, " ")
}

// RankMatchInfo is the relevance of one FTS4 row from its
// matchinfo(table, 'pcb') blob — the number of atoms, of columns, then for
// each atom a bit per column it matches in: for every atom, the weight of
// each field it matches in. The same sum as the PostgreSQL form
// (RankTerms), so the engines order alike. A blob of the wrong shape
// ranks 0.
func RankMatchInfo(info []byte) int64 {
	if len(info) < 8 || len(info)%4 != 0 {
		return 0
	}
	word := func(i int) uint32 { return binary.NativeEndian.Uint32(info[4*i:]) }
	phrases, columns := int(word(0)), int(word(1))
	if columns != int(fieldCount) || len(info) != 4*(2+phrases) {
		return 0
	}
	var rank int64
	for p := 0; p < phrases; p++ {
		bits := word(2 + p)
		for c := 0; c < columns; c++ {
			if bits&(1<<c) != 0 {
				rank += int64(weights[c])
			}
		}
	}
	return rank
}

// TSQuery is the query as a PostgreSQL tsquery literal: the atoms joined
// by &, a phrase's words by <->, a field's atom labelled with its weight.
func (q Query) TSQuery() string {
	var parts []string
	for _, a := range q.atoms() {
		parts = append(parts, a.tsquery(a.field))
	}
	return strings.Join(parts, " & ")
}

// RankTerm is one part of the PostgreSQL relevance: the document earns
// Weight if it matches TSQuery.
type RankTerm struct {
	TSQuery string
	Weight  int
}

// RankTerms are the parts of the PostgreSQL relevance: every atom in every
// field it may match in, as RankMatchInfo counts them.
func (q Query) RankTerms() []RankTerm {
	var terms []RankTerm
	for _, a := range q.atoms() {
		for f := Field(0); f < fieldCount; f++ {
			if a.field == anyField || a.field == f {
				terms = append(terms, RankTerm{TSQuery: a.tsquery(f), Weight: weights[f]})
			}
		}
	}
	return terms
}

// tsquery is the atom in tsquery syntax, its words limited to field
// (anyField: no label).
func (a atom) tsquery(field Field) string {
	label := ""
	if field != anyField {
		label = labels[field]
	}
	words := make([]string, len(a.tokens))
	for i, t := range a.tokens {
		mark := label
		if a.prefix && i == len(a.tokens)-1 {
			mark = "*" + label
		}
		words[i] = quoteLexeme(t)
		if mark != "" {
			words[i] += ":" + mark
		}
	}
	if len(words) == 1 {
		return words[0]
	}
	return "(" + strings.Join(words, " <-> ") + ")"
}
