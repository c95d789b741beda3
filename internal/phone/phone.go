// Package phone shows the phone numbers the intake stores (E.164, as
// "+442079460018") the way people read them ("+44 20 7946 0018").
package phone

import "github.com/nyaruka/phonenumbers"

// Display groups a stored E.164 number by its country's numbering plan;
// anything else (an empty or an older, free-form value) is returned as it
// is.
func Display(e164 string) string {
	if len(e164) < 2 || e164[0] != '+' {
		return e164
	}
	num, err := phonenumbers.Parse(e164, "ZZ")
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return e164
	}
	return phonenumbers.Format(num, phonenumbers.INTERNATIONAL)
}
