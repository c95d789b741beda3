package dupes

import "testing"

func TestCompanyKey(t *testing.T) {
	for in, want := range map[string]string{
		"Apex Networks Ltd.":           "apex networks",
		"APEX NETWORKS LIMITED":        "apex networks",
		"Apex-Networks GmbH":           "apex networks",
		"Société Générale S.A.":        "societe generale",
		"Müller & Söhne GmbH & Co. KG": "muller sohne",
		"O'Neil Data B.V.":             "oneil data",
		"Ltd":                          "",
		"株式会社テスト":                      "株式会社テスト",
	} {
		if got := CompanyKey(in); got != want {
			t.Errorf("CompanyKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFreeMail(t *testing.T) {
	for domain, want := range map[string]bool{"gmail.com": true, "yahoo.co.uk": true, "hotmail.fr": true, "GMX.de": true,
		"qq.com": true, "apex.example": false, "mail.apex.example": false} {
		if FreeMail(domain) != want {
			t.Errorf("FreeMail(%q) = %v", domain, !want)
		}
	}
	if k := Keys("Kiwi Ltd", "John@Gmail.com"); len(k) != 2 || k[0] != "c:kiwi" || k[1] != "e:john@gmail.com" {
		t.Errorf("free-mail keys %v", k)
	}
	if k := Keys("", "a@Apex.Example"); len(k) != 1 || k[0] != "d:apex.example" {
		t.Errorf("domain keys %v", k)
	}
}

func TestReason(t *testing.T) {
	base := Enquiry{Email: "a@apex.example", Company: "Apex Networks Ltd", Destinations: []string{"DE", "BR"}, ValueCents: 100_00, Currency: "EUR"}
	with := func(edit func(*Enquiry)) Enquiry { e := base; e.Destinations = []string{"DE"}; edit(&e); return e }
	for name, c := range map[string]struct {
		later Enquiry
		want  string
	}{
		"same address":            {with(func(e *Enquiry) { e.Company = "Other" }), SameEmail},
		"address in other case":   {with(func(e *Enquiry) { e.Email = "A@Apex.example"; e.Company = "x" }), SameEmail},
		"same company":            {with(func(e *Enquiry) { e.Email = "b@other.example"; e.Company = "APEX NETWORKS LIMITED" }), SameCompany},
		"same domain":             {with(func(e *Enquiry) { e.Email = "b@apex.example"; e.Company = "Someone" }), SameDomain},
		"free-mail domain":        {with(func(e *Enquiry) { e.Email = "x@gmail.com"; e.Company = "Someone" }), ""},
		"no common destination":   {with(func(e *Enquiry) { e.Destinations = []string{"FR"} }), ""},
		"value 20% above":         {with(func(e *Enquiry) { e.ValueCents = 120_00 }), SameEmail},
		"value 21% above":         {with(func(e *Enquiry) { e.ValueCents = 121_00 }), ""},
		"value 20% below":         {with(func(e *Enquiry) { e.ValueCents = 80_00 }), SameEmail},
		"other currency, any sum": {with(func(e *Enquiry) { e.ValueCents = 900_00; e.Currency = "USD" }), SameEmail},
	} {
		earlier := base
		if name == "free-mail domain" {
			earlier.Email, earlier.Company = "y@gmail.com", "Else"
		}
		if got := Reason(c.later, earlier); got != c.want {
			t.Errorf("%s: %q, want %q", name, got, c.want)
		}
	}
}
