package narrative

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/danvan/danvan/pipeline"
)

// evalDoc is one document of an evaluation set with its answer key.
type evalDoc struct {
	set, name string
	data      []byte
	want      []Expected
}

func loadEvalSet(t *testing.T, set, dir string) []evalDoc {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, ExpectedFile))
	if err != nil {
		t.Skipf("%s: %v", dir, err)
	}
	want, err := ReadExpected(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	by := map[string][]Expected{}
	for _, w := range want {
		by[w.Doc] = append(by[w.Doc], w)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []evalDoc
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".txt") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(e.Name(), ".txt")
		out = append(out, evalDoc{set: set, name: name, data: data, want: by[name]})
	}
	return out
}

// outcome of one document: its expected figures found, and its false finds.
func docOutcome(t *testing.T, x *Extractor, d evalDoc) (hits, falses map[string]bool) {
	figs, err := x.Extract(d.name+".txt", d.data)
	if err != nil {
		t.Fatal(err)
	}
	found := make([]Found, len(figs))
	for i, f := range figs {
		found[i] = Found{Doc: d.name, Figure: f}
	}
	v := Score(d.want, found)
	hits, falses = map[string]bool{}, map[string]bool{}
	for _, m := range v.Matches {
		hits[fmt.Sprintf("%s %v %s", m.Want.Indicator, m.Want.Value, m.Want.Qualifier)] = true
	}
	for _, f := range v.FalseFinds {
		falses[fmt.Sprintf("%s %v %s", f.Indicator, f.Value, f.Qualifier)] = true
	}
	return hits, falses
}

// ruleDocs are the sentences of the rule tests as documents with their
// answer keys.
func ruleDocs() []evalDoc {
	var out []evalDoc
	for n, tc := range ruleCases {
		text := tc.text
		switch tc.date {
		case "":
			text = "DATE: 2023-12-20\n\n" + text
		case "-":
		default:
			text = "DATE: " + tc.date + "\n\n" + text
		}
		d := evalDoc{set: "rules", name: fmt.Sprintf("%d", n+1), data: []byte(text)}
		for _, wt := range tc.want {
			d.want = append(d.want, Expected{Doc: d.name, Indicator: wt.ind, Value: wt.value, Qualifier: string(wt.q)})
		}
		out = append(out, d)
	}
	return out
}

// TestLeaveOneOut removes each line of the lexicon in turn and says which
// documents it is needed by (removing it loses one of their expected
// figures or adds a false find): the starting documents and dev excerpts in
// ../shared, the held-out texts in testdata/heldout, the sentences of the
// rule tests. A line needed by one dev excerpt and by nothing else is a
// rule fitted to a sentence, not to the writing: the test fails on it. A
// rule that captures the writing shows on a text of our own too. It takes
// a few minutes; run it with NARRATIVE_LEAVE_OUT=1.
func TestLeaveOneOut(t *testing.T) {
	if os.Getenv("NARRATIVE_LEAVE_OUT") == "" {
		t.Skip("set NARRATIVE_LEAVE_OUT=1 to run the leave-one-out check of the lexicon (about a minute)")
	}
	docs := loadEvalSet(t, "heldout", filepath.Join("testdata", "heldout"))
	docs = append(docs, loadEvalSet(t, "start", samplesDir)...)
	docs = append(docs, loadEvalSet(t, "dev", filepath.Join(samplesDir, "dev"))...)
	docs = append(docs, ruleDocs()...)
	ref, err := pipeline.DefaultReference()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := readLexicon(lexiconFS)
	if err != nil {
		t.Fatal(err)
	}
	type res struct{ hits, falses map[string]bool }
	run := func(r rawLexicon) []res {
		x, err := newWith(ref, Options{}, r)
		if err != nil {
			t.Fatal(err)
		}
		out := make([]res, len(docs))
		for i, d := range docs {
			out[i].hits, out[i].falses = docOutcome(t, x, d)
		}
		return out
	}
	base := run(raw)
	var onlyOne []string
	for _, table := range []string{"units", "multipliers", "qualifiers", "cues", "exclusions", "time", "rules"} {
		for n, line := range raw[table] {
			r := rawLexicon{}
			for k, v := range raw {
				r[k] = v
			}
			r[table] = append(append([][]string{}, raw[table][:n]...), raw[table][n+1:]...)
			got := run(r)
			var needed, hurts []string
			devOnly := 0
			for i, d := range docs {
				worse, better := false, false
				for k := range base[i].hits {
					worse = worse || !got[i].hits[k]
				}
				for k := range got[i].falses {
					worse = worse || !base[i].falses[k]
				}
				for k := range got[i].hits {
					better = better || !base[i].hits[k]
				}
				for k := range base[i].falses {
					better = better || !got[i].falses[k]
				}
				if worse {
					needed = append(needed, d.set+"/"+d.name)
					if d.set == "dev" {
						devOnly++
					}
				}
				if better {
					hurts = append(hurts, d.set+"/"+d.name)
				}
			}
			if len(needed) == 0 && len(hurts) == 0 {
				continue
			}
			desc := fmt.Sprintf("%s.tsv %q", table, strings.Join(line, " | "))
			t.Logf("%s: needed by %v; better without it for %v", desc, needed, hurts)
			if len(needed) == 1 && devOnly == 1 {
				onlyOne = append(onlyOne, desc+" ← "+needed[0])
			}
		}
	}
	sort.Strings(onlyOne)
	if len(onlyOne) > 0 {
		t.Errorf("lines of the lexicon needed by a single dev excerpt and by no text of our own (%d): a rule for one sentence, or one that needs a test sentence:\n%s", len(onlyOne), strings.Join(onlyOne, "\n"))
	}
}
