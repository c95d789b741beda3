package phone

import "testing"

func TestDisplay(t *testing.T) {
	for in, want := range map[string]string{
		"+442079460018":        "+44 20 7946 0018",
		"+4930123456":          "+49 30 123456",
		"+12025550143":         "+1 202-555-0143",
		"":                     "",
		"020 7946 0018 ext. 2": "020 7946 0018 ext. 2",
		"+999":                 "+999",
	} {
		if got := Display(in); got != want {
			t.Errorf("Display(%q) = %q, want %q", in, got, want)
		}
	}
}
