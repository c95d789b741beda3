package search

import (
	"strconv"
	"strings"
)

// Field is a part of the document a query term may be limited to. Its
// order is the FTS4 table's column order and PostgreSQL's weight labels
// (A to D).
type Field int

// The document's fields.
const (
	FieldName    Field = iota // the prospect's name
	FieldCompany              // the company
	FieldEmail                // the address, in words: "anna.b@acme.de" is anna b acme de
	FieldOther                // phone, product description, message, staff notes
	fieldCount

	anyField Field = -1
)

// weights rank an enquiry by where it matches: a word in the name or the
// company says more than the same word in a long message.
var weights = [fieldCount]int{FieldName: 4, FieldCompany: 4, FieldEmail: 2, FieldOther: 1}

// labels are the fields' PostgreSQL weight labels.
var labels = [fieldCount]string{"A", "B", "C", "D"}

// maxDocumentTokens bounds a document. PostgreSQL keeps positions up to
// 16,383 and 256 of them per word; under this bound both engines see the
// same document. The fields come in order, staff notes last, so a
// document over the bound loses the end of its latest notes.
const maxDocumentTokens = 4000

// Fields are an enquiry's searchable texts.
type Fields struct {
	Name, Company, Email, Phone string
	Description, Message        string
	Notes                       []string
}

// Document is an enquiry's words by field, as both engines index them.
type Document [fieldCount][]string

// NewDocument tokenizes an enquiry's texts.
func NewDocument(f Fields) Document {
	var d Document
	left := maxDocumentTokens
	add := func(field Field, tokens []string) {
		tokens = tokens[:min(len(tokens), left)]
		d[field] = append(d[field], tokens...)
		left -= len(tokens)
	}
	add(FieldName, Tokens(f.Name))
	add(FieldCompany, Tokens(f.Company))
	add(FieldEmail, Tokens(f.Email))
	add(FieldOther, phoneTokens(f.Phone))
	add(FieldOther, Tokens(f.Description))
	add(FieldOther, Tokens(f.Message))
	for _, n := range f.Notes {
		add(FieldOther, Tokens(n))
	}
	return d
}

// Columns are the document's fields as the FTS4 table's columns (name,
// company, email, other): words separated by spaces, which its "simple"
// tokenizer splits again without changing them (they hold no ASCII
// punctuation and are already in lower case).
func (d Document) Columns() [fieldCount]string {
	var c [fieldCount]string
	for f, tokens := range d {
		c[f] = strings.Join(tokens, " ")
	}
	return c
}

// TSVector is the document as a PostgreSQL tsvector literal: each word
// with its positions and its field's weight label, built here rather than
// by to_tsvector, whose parser and dictionaries would tokenize otherwise
// than SQLite. Fields are a position apart, so a phrase never runs from
// one into the next (as in separate FTS4 columns).
func (d Document) TSVector() string {
	positions := map[string][]string{}
	var order []string
	pos := 1
	for f, tokens := range d {
		for _, t := range tokens {
			if positions[t] == nil {
				order = append(order, t)
			}
			positions[t] = append(positions[t], strconv.Itoa(pos)+labels[f])
			pos++
		}
		pos++
	}
	var b strings.Builder
	for i, word := range order {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(quoteLexeme(word))
		b.WriteByte(':')
		b.WriteString(strings.Join(positions[word], ","))
	}
	return b.String()
}

// quoteLexeme quotes a word for a tsvector or tsquery literal. Tokens hold
// no quotes or backslashes; escaping them anyway keeps a literal whole
// whatever a future tokenizer lets through.
func quoteLexeme(word string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `''`).Replace(word) + "'"
}
