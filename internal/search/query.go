package search

import (
	"regexp"
	"strings"
)

// Query is a parsed search: every clause must match (there is no OR), and
// every reference must be the enquiry's.
//
// The syntax, for the search box's help:
//
//	acme                  the word, in any field
//	"acme corp"           the words next to each other, in one field
//	acm*                  a word starting so (also at a phrase's end)
//	company:acme          the word in the company (name:, company:, email:)
//	email:@acme.de        the address's words acme de, in the address
//	ref:ENQ-7K2M9Q4T      that enquiry (a bare reference works too)
//
// Anything else is words: "anna.b@acme.de" is the phrase anna b acme de,
// a prefix of an unknown word like "http:" is a word like any other.
type Query struct {
	Clauses    []Clause
	References []string // upper case
	// Empty says the text held nothing searchable (only punctuation): it
	// matches no enquiry rather than every one.
	Empty bool
}

// Clause is one term or phrase of a query.
type Clause struct {
	Tokens []string
	Prefix bool  // the last token is a prefix
	Field  Field // anyField: wherever
}

var referencePattern = regexp.MustCompile(`^(?i)ENQ-[0-9A-Z]{8}$`)

// isReference reports whether text is an enquiry reference.
func isReference(text string) bool { return referencePattern.MatchString(text) }

var fieldNames = map[string]Field{"name": FieldName, "company": FieldCompany, "email": FieldEmail}

// Parse reads a search box's text.
func Parse(text string) Query {
	var q Query
	for _, item := range split(text) {
		field, value := anyField, item.text
		if name, rest, ok := strings.Cut(value, ":"); ok && !item.quoted {
			if f, known := fieldNames[strings.ToLower(name)]; known {
				field, value = f, rest
			} else if strings.EqualFold(name, "ref") {
				value = strings.TrimSpace(rest)
				if isReference(value) {
					q.References = append(q.References, strings.ToUpper(value))
					continue
				}
			}
		}
		if field == anyField && !item.quoted && isReference(value) {
			q.References = append(q.References, strings.ToUpper(value))
			continue
		}
		// "company:" followed by a quoted phrase arrives as two items: the
		// field alone, then the phrase.
		if value == "" && field != anyField && item.next != nil {
			value = item.next.text
		}
		prefix := strings.HasSuffix(value, "*")
		tokens := Tokens(value)
		if len(tokens) == 0 {
			continue
		}
		q.Clauses = append(q.Clauses, Clause{Tokens: tokens, Prefix: prefix, Field: field})
	}
	q.Empty = len(q.Clauses) == 0 && len(q.References) == 0 && strings.TrimSpace(text) != ""
	return q
}

// item is a word or a quoted phrase of the search box. A field name
// directly before a quote ("company:" then "acme corp") keeps the phrase as
// next, and the phrase is not an item of its own.
type item struct {
	text   string
	quoted bool
	next   *item
}

func split(text string) []item {
	var items []item
	for text = strings.TrimSpace(text); text != ""; text = strings.TrimSpace(text) {
		if text[0] == '"' {
			phrase, rest, _ := strings.Cut(text[1:], `"`)
			items = append(items, item{text: phrase, quoted: true})
			text = rest
			continue
		}
		end := strings.IndexAny(text, " \t\r\n\"")
		if end < 0 {
			end = len(text)
		}
		word := item{text: text[:end]}
		text = text[end:]
		if strings.HasSuffix(word.text, ":") && strings.HasPrefix(text, `"`) {
			phrase, rest, _ := strings.Cut(text[1:], `"`)
			word.next = &item{text: phrase, quoted: true}
			text = rest
		}
		items = append(items, word)
	}
	return items
}

// Searches reports whether the query needs the full-text index.
func (q Query) Searches() bool { return len(q.Clauses) > 0 }

// atom is what both engines match: a word or phrase anywhere, or one word
// in a field. A phrase limited to a field becomes the phrase anywhere plus
// each of its words in the field, because FTS4 cannot limit a phrase to a
// column; PostgreSQL is given the same atoms, so the engines agree.
type atom struct {
	tokens []string
	prefix bool
	field  Field
}

func (q Query) atoms() []atom {
	var out []atom
	for _, c := range q.Clauses {
		if c.Field == anyField || len(c.Tokens) == 1 {
			out = append(out, atom{tokens: c.Tokens, prefix: c.Prefix, field: c.Field})
			continue
		}
		out = append(out, atom{tokens: c.Tokens, prefix: c.Prefix, field: anyField})
		for i, t := range c.Tokens {
			out = append(out, atom{tokens: []string{t}, prefix: c.Prefix && i == len(c.Tokens)-1, field: c.Field})
		}
	}
	return out
}
