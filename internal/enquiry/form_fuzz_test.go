package enquiry

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"iordesk/internal/lang"
)

// FuzzFormFromJSON reads arbitrary bodies: never a panic, and a body read
// without a field error holds only text it really carried — valid UTF-8,
// and no U+FFFD the decoder made up for bytes it could not read.
func FuzzFormFromJSON(f *testing.F) {
	for _, seed := range []string{`{"full_name":"Grace"}`, "{\"full_name\":\"Gr\xffce\"}", `{"full_name":"\udc00"}`,
		`{"full_name":"\ud83d\ude00"}`, `{"full_name":"\ufffd"}`, `{"destination_countries":["DE","\udfff"]}`, `[]`, `{`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		form, errs, err := FormFromJSON(bytes.NewReader(body), lang.English)
		if err != nil || len(errs) > 0 {
			return
		}
		typed := bytes.ContainsRune(body, utf8.RuneError) || bytes.Contains(bytes.ToLower(body), []byte(`\ufffd`))
		for _, v := range append([]string{form.FullName, form.Company, form.Email, form.ProductDescription, form.Message},
			form.DestinationCountries...) {
			if !utf8.ValidString(v) {
				t.Fatalf("invalid UTF-8 kept: %q", v)
			}
			if strings.ContainsRune(v, utf8.RuneError) && !typed {
				t.Fatalf("U+FFFD made up in %q from %q", v, body)
			}
		}
	})
}
