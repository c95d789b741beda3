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
	whole, prefixes := map[string]bool{}, []string(nil)
	for _, c := range q.Clauses {
		for i, t := range c.Tokens {
			if c.Prefix && i == len(c.Tokens)-1 {
				prefixes = append(prefixes, t)
			} else {
				whole[t] = true
			}
		}
	}
	var out []Segment
	done := 0
	scan(text, func(token string, start, end int) {
		hit := whole[token]
		for _, p := range prefixes {
			hit = hit || strings.HasPrefix(token, p)
		}
		if !hit {
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
