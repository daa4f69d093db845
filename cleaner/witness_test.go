package cleaner

import (
	"slices"
	"testing"
)

func TestWitnesses(t *testing.T) {
	tests := []struct {
		name string
		csv  string
		want []string
	}{
		{"none", "Email\na@good.com\nb@northwind.com\n", nil},
		{
			"most rows first, then rank",
			"Email\na@yahoo.com\nb@gmail.com\nc@Yahoo.com\nd@hotmail.com\ne@gmail.com\nf@yahoo.com\ng@aol.com\nh@outlook.com\n",
			[]string{"yahoo.com", "gmail.com", "hotmail.com"},
		},
		{
			// terra.com.br is a provider, but not among the big ones; a
			// malformed address does not count.
			"big providers only",
			"Email\na@terra.com.br\nb@terra.com.br\nc@gmx.de\nbad@@gmail.com\n",
			[]string{"gmx.de"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewSession(readString(t, tt.csv), true)
			if got := s.Witnesses(3); !slices.Equal(got, tt.want) {
				t.Errorf("Witnesses(3) = %q, want %q", got, tt.want)
			}
		})
	}
}
