// Package search is the enquiry list's full-text search: one tokenizer for
// the documents and the queries, the query syntax, and what both engines
// are given, so SQLite's FTS4 index and PostgreSQL's tsvector find the same
// enquiries in the same order (docs/DESIGN.md, "Full-text search").
package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// maxTokenRunes cuts a token: a longer one (a pasted hash, base64) is not
// what anyone searches for, and both engines index it alike when cut.
const maxTokenRunes = 60

// foldLetters are the Latin letters without a decomposition that people
// type without their stroke or ligature.
var foldLetters = map[rune]string{
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'ł': "l", 'đ': "d", 'ð': "d", 'þ': "th", 'ı': "i", 'ħ': "h",
}

// Tokens splits text into the words the index keeps: runs of letters and
// digits, in lower case, without diacritics (NFD, combining marks dropped)
// and with foldLetters folded. A character of a script written without
// spaces (Han, Hiragana, Katakana) is a token of its own, so a name in
// Chinese is found as a phrase of its characters.
func Tokens(text string) []string {
	var out []string
	scan(text, func(token string, _, _ int) { out = append(out, token) })
	return out
}

// scan calls emit with each token of text and the byte span of text it
// came from (for highlighting).
func scan(text string, emit func(token string, start, end int)) {
	var word strings.Builder
	runes, start, end := 0, 0, 0
	flush := func() {
		if word.Len() > 0 {
			emit(word.String(), start, end)
			word.Reset()
			runes = 0
		}
	}
	for i, r := range text {
		width := utf8.RuneLen(r)
		if r == utf8.RuneError {
			width = 1
		}
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) {
			flush()
			emit(string(r), i, i+width)
			continue
		}
		decomposed := string(r)
		// Hangul syllables decompose into jamo, which are not what anyone
		// types: they stay whole.
		if r >= utf8.RuneSelf && !unicode.Is(unicode.Hangul, r) {
			decomposed = norm.NFD.String(decomposed)
		}
		inWord := false
		for _, d := range decomposed {
			switch {
			case unicode.Is(unicode.Mn, d):
				// a diacritic: part of the word it marks
				inWord = word.Len() > 0
			case unicode.IsLetter(d) || unicode.IsNumber(d) || unicode.IsMark(d):
				inWord = true
				if word.Len() == 0 {
					start = i
				}
				if runes >= maxTokenRunes {
					continue
				}
				d = unicode.ToLower(d)
				if s, ok := foldLetters[d]; ok {
					word.WriteString(s)
				} else {
					word.WriteRune(d)
				}
				runes++
			}
		}
		if inWord {
			end = i + width
		} else {
			flush()
		}
	}
	flush()
}

// phoneTokens are a phone number's digit groups and, when there are
// several, all its digits together and, for an international number, the
// digits after the country code: "+49 30 1234567" is found as "1234567",
// "49301234567" and "301234567"; "03-1234-5678" as "0312345678".
func phoneTokens(phone string) []string {
	groups := Tokens(phone)
	if len(groups) < 2 || !isDigits(strings.Join(groups, "")) {
		return groups
	}
	out := []string{strings.Join(groups, "")}
	if strings.HasPrefix(strings.TrimSpace(phone), "+") && len(groups) > 2 {
		out = append(out, strings.Join(groups[1:], ""))
	}
	return append(out, groups...)
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
