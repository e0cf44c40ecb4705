package query

import (
	"strings"
	"testing"
)

// FuzzSkipComments checks what firstWord relies on: skipComments returns
// a suffix of its input that starts with neither space, "(", "--" nor
// "/*", skipping again changes nothing, and text without comment markers
// is only trimmed.
func FuzzSkipComments(f *testing.F) {
	for _, s := range []string{"/* */ COPY x", "-- a\nSELECT 1", "/* a /* b */ c */ INSERT", "((SELECT", "/* open", "-- no newline", "*/ x", "/*/ x */ y", "/**/-- \n\t( DROP"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := skipComments(s)
		if !strings.HasSuffix(s, got) {
			t.Fatalf("%q: %q is not a suffix", s, got)
		}
		if got != "" {
			if strings.ContainsRune(" \t\r\n\f\v(", rune(got[0])) || strings.HasPrefix(got, "--") || strings.HasPrefix(got, "/*") {
				t.Fatalf("%q: %q starts with space or a comment", s, got)
			}
		}
		if again := skipComments(got); again != got {
			t.Fatalf("%q: skipping twice gives %q, then %q", s, got, again)
		}
		// Without comment markers it is plain trimming.
		if !strings.Contains(s, "--") && !strings.Contains(s, "/*") {
			if want := strings.TrimLeft(s, " \t\r\n\f\v("); got != want {
				t.Fatalf("%q: got %q, want %q", s, got, want)
			}
		}
	})
}
