package web

import "testing"

func TestGroupDigits(t *testing.T) {
	for _, c := range []struct {
		in   any
		want string
	}{
		{0, "0"}, {7, "7"}, {999, "999"}, {1000, "1,000"}, {int64(1204311), "1,204,311"},
		{-1000, "-1,000"}, {int64(-12), "-12"}, {int64(100000), "100,000"}, {"x", "x"},
	} {
		if got := GroupDigits(c.in); got != c.want {
			t.Errorf("GroupDigits(%v) = %q, want %q", c.in, got, c.want)
		}
	}
}
