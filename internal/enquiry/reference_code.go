package enquiry

import (
	"crypto/rand"
	"regexp"
)

// referenceAlphabet leaves out 0/O, 1/I/L so a reference read over the
// phone cannot be misheard; 31^8 ≈ 8.5e11 codes make guessing pointless.
const referenceAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// referencePattern matches what NewReference makes.
var referencePattern = regexp.MustCompile(`^ENQ-[2-9A-HJKMNP-Z]{8}$`)

// NewReference draws a public reference such as ENQ-7K3F9QX2.
func NewReference() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on Linux ≥ 3.17
	}
	out := []byte("ENQ-")
	for _, v := range b {
		// 248 = 8 × 31: reject the top bytes so every letter is equally likely.
		for v >= 248 {
			var r [1]byte
			rand.Read(r[:])
			v = r[0]
		}
		out = append(out, referenceAlphabet[v%31])
	}
	return string(out)
}

// ValidReference reports whether s has the shape of a reference.
func ValidReference(s string) bool { return referencePattern.MatchString(s) }
