// Package staff is the desk's side of iordesk: accounts and roles, login
// and server-side sessions, and the dashboard handlers for triage.
package staff

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn"
	"github.com/trustelem/zxcvbn/match"
	"golang.org/x/crypto/argon2"
)

// Password length bounds (see docs/DESIGN.md, "Staff accounts").
const (
	MinPasswordLength = 12
	MaxPasswordLength = 128
	// minPasswordScore is zxcvbn's score a password must reach: 3 means
	// "safely unguessable: moderate protection from an offline attack".
	minPasswordScore = 3
)

// argon2id parameters: OWASP's minimum profile (19 MiB, 2 passes, 1 lane),
// about 30 ms here, so logins stay cheap for us and costly for a cracker.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// CheckPasswordRules says what is wrong with a new password, if anything:
// its length, a control character, or that a strength estimator finds it
// easy to guess (userInputs, such as the account's email and name, count
// as known words).
func CheckPasswordRules(p string, userInputs ...string) error {
	n := utf8.RuneCountInString(p)
	switch {
	case !utf8.ValidString(p):
		return errors.New("use only readable characters")
	case n < MinPasswordLength:
		return fmt.Errorf("use at least %d characters", MinPasswordLength)
	case n > MaxPasswordLength:
		return fmt.Errorf("use at most %d characters", MaxPasswordLength)
	case strings.IndexFunc(p, unicode.IsControl) >= 0:
		return errors.New("leave out control characters (tabs, line breaks, NUL)")
	}
	strength := zxcvbn.PasswordStrength(p, userInputs)
	if strength.Score < minPasswordScore {
		return fmt.Errorf("this password is too easy to guess (%s); use three or four unrelated words, or a password manager's", weakness(strength.Sequence))
	}
	return nil
}

// weakness names the most guessable part of a weak password.
func weakness(seq []*match.Match) string {
	for _, m := range seq {
		switch m.Pattern {
		case "repeat":
			return "it repeats characters"
		case "sequence":
			return "it contains a sequence such as 1234 or abcd"
		case "spatial":
			return "it follows a keyboard pattern"
		case "date":
			return "it contains a date"
		case "dictionary":
			if m.DictionaryName == "user_inputs" {
				return "it contains your name or email"
			}
			return "it is built on a common password or word"
		}
	}
	return "it is short or predictable"
}

// HashPassword returns an encoded argon2id hash with a fresh salt; the
// caller has checked the rules.
func HashPassword(p string) (string, error) {
	if n := utf8.RuneCountInString(p); n < MinPasswordLength || n > MaxPasswordLength {
		return "", fmt.Errorf("password of %d characters", n)
	}
	salt := make([]byte, 16)
	rand.Read(salt)
	key := argon2.IDKey([]byte(p), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// VerifyPassword checks p against an encoded hash in constant time.
func VerifyPassword(encoded, p string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &threads); err != nil {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if errors.Join(err1, err2) != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(p), salt, t, m, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is verified against when the email is unknown, so an unknown
// account costs the same time as a wrong password. It is a constant (of a
// password nobody has): hashing at start-up would cost every process 19 MB.
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$VWAkpK3VIXBLD09jdKAVWg$1FiyR046IN9t6OGGnd9wdhsxMfk7/kgVL9fol6tNcaA"

// GeneratePassword makes a random password of 26 characters (130 bits).
func GeneratePassword() string { return rand.Text() }
