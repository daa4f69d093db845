package ui

import "testing"

func TestFit(t *testing.T) {
	tests := []struct {
		in   string
		w    int
		want string
	}{
		{"abc", 5, "abc  "},
		{"abcdef", 4, "abc…"},
		{"王芳王芳", 5, "王芳…"},
		{"", 2, "  "},
		{"abc", 0, ""},
	}
	for _, tt := range tests {
		if got := fit(tt.in, tt.w); got != tt.want {
			t.Errorf("fit(%q, %d) = %q, want %q", tt.in, tt.w, got, tt.want)
		}
	}
}

func TestFitAddress(t *testing.T) {
	tests := []struct {
		in   string
		w    int
		want string
	}{
		{"bob@gmail.com", 15, "bob@gmail.com  "},
		{"bethan.cartwright10@yahoo.co.ukk", 22, "betha…t10@yahoo.co.ukk"},
		// Every @ stays in view, with the end of the local part.
		{"keisha.brooks@@gmail.com", 22, "keisha.…oks@@gmail.com"},
		{"keisha.brooks@@gmail.com", 18, "kei…oks@@gmail.com"},
		// A domain too long for the room is cut at its end.
		{"noreply@noreply.contoso.com", 12, "noreply@nor…"},
		{"dreynolds@meridianlogistics.com", 22, "dre…lds@meridianlogis…"},
		{"no-at-sign-at-all", 8, "no-at-s…"},
	}
	for _, tt := range tests {
		if got := fitAddress(tt.in, tt.w); got != tt.want {
			t.Errorf("fitAddress(%q, %d) = %q, want %q", tt.in, tt.w, got, tt.want)
		}
	}
}

func TestNum(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -4200: "-4,200"} {
		if got := num(n); got != want {
			t.Errorf("num(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestBar(t *testing.T) {
	tests := []struct {
		n, total, w int
		want        string
	}{
		{0, 10, 10, ""},
		{10, 10, 4, "████"},
		{5, 10, 4, "██"},
		{1, 1000, 4, "▏"},
		{3, 16, 2, "▍"},
	}
	for _, tt := range tests {
		if got := bar(tt.n, tt.total, tt.w); got != tt.want {
			t.Errorf("bar(%d, %d, %d) = %q, want %q", tt.n, tt.total, tt.w, got, tt.want)
		}
	}
}
