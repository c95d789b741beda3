package search

import "strings"

// Segment is a piece of a text shown in the list; Hit marks the words the
// search matched, which the template wraps in <mark> (escaped like any
// other text).
type Segment struct {
	Text string
	Hit  bool
}

// Highlight cuts text into segments, marking each word the query's
// clauses hold (or begin, for a prefix). A text without hits is one
// segment.
func (q Query) Highlight(text string) []Segment {
	if !q.Searches() {
		return []Segment{{Text: text}}
	}
	var out []Segment
	done := 0
	scan(text, func(token string, start, end int) {
		if !q.hits(token) {
			return
		}
		if start > done {
			out = append(out, Segment{Text: text[done:start]})
		}
		out = append(out, Segment{Text: text[start:end], Hit: true})
		done = end
	})
	if done < len(text) || len(out) == 0 {
		out = append(out, Segment{Text: text[done:]})
	}
	return out
}

// hits reports whether a token is one of the query's words, or begins
// with one of its prefixes.
func (q Query) hits(token string) bool {
	for _, c := range q.Clauses {
		for i, t := range c.Tokens {
			if token == t || c.Prefix && i == len(c.Tokens)-1 && strings.HasPrefix(token, t) {
				return true
			}
		}
	}
	return false
}

// Snippet is the part of text around the first word the query matched,
// about words words long, marked as Highlight marks it, with "…" where
// it was cut; nil when the query matched nothing in text.
func (q Query) Snippet(text string, words int) []Segment {
	if !q.Searches() {
		return nil
	}
	type span struct{ start, end int }
	var spans []span
	first := -1
	scan(text, func(token string, start, end int) {
		spans = append(spans, span{start, end})
		if first < 0 && q.hits(token) {
			first = len(spans) - 1
		}
	})
	if first < 0 {
		return nil
	}
	from := max(0, first-words/3)
	to := min(len(spans), from+words) - 1
	start, end := spans[from].start, spans[to].end
	if from == 0 {
		start = 0
	}
	if to == len(spans)-1 {
		end = len(text)
	}
	out := q.Highlight(text[start:end])
	if start > 0 {
		out = append([]Segment{{Text: "…"}}, out...)
	}
	if end < len(text) {
		out = append(out, Segment{Text: "…"})
	}
	return out
}
