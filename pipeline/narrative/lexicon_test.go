package narrative

import (
	"strings"
	"testing"
)

// A lexicon line written twice changes nothing the extractor does, so the
// leave-one-out test can never find it needed: each line is there once.
func TestLexiconLinesAreDistinct(t *testing.T) {
	raw, err := readLexicon(lexiconFS)
	if err != nil {
		t.Fatal(err)
	}
	for name, rows := range raw {
		seen := map[string]bool{}
		for _, r := range rows {
			line := strings.Join(r, "\t")
			if seen[line] {
				t.Errorf("lexicon/%s.tsv: %q is written twice", name, line)
			}
			seen[line] = true
		}
	}
}
