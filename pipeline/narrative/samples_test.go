package narrative

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/danvan/danvan/pipeline"
	"golang.org/x/text/unicode/norm"
)

var (
	extOnce sync.Once
	ext     *Extractor
	extErr  error
)

func testExtractor(t testing.TB) *Extractor {
	t.Helper()
	extOnce.Do(func() {
		ref, err := pipeline.DefaultReference()
		if err != nil {
			extErr = err
			return
		}
		ext, extErr = New(ref, Options{})
	})
	if extErr != nil {
		t.Fatal(extErr)
	}
	return ext
}

// samplesDir is where the third-party sample texts are: ../shared beside the
// repository's root, which is two levels above this package. They are not
// part of the project (their authors' texts are not ours to copy).
var samplesDir = filepath.Join("..", "..", "..", "shared", "samples", "narrative")

func samples(t *testing.T, sub string) string {
	t.Helper()
	dir := filepath.Join(samplesDir, sub)
	if _, err := os.Stat(filepath.Join(dir, ExpectedFile)); err != nil {
		t.Skipf("the sample texts are not here (%s: %v); they live in ../shared/samples/narrative beside the repository", dir, err)
	}
	return dir
}

// TestSamples: on the five starting documents every expected figure is
// found with its indicator, value, qualifier, period and place, its quote
// holds the expected one, and nothing else is found.
func TestSamples(t *testing.T) {
	dir := samples(t, "")
	x := testExtractor(t)
	v, err := x.EvaluateDir(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Docs) != 5 {
		t.Errorf("read %d documents, want the 5 starting ones: %v", len(v.Docs), v.Docs)
	}
	for _, m := range v.Misses {
		t.Errorf("%s: missing %s %v %s (%q)", m.Doc, m.Indicator, m.Value, m.Qualifier, m.Quote)
	}
	for _, f := range v.FalseFinds {
		t.Errorf("%s: extra figure %s %v %s %s (%q)", f.Doc, f.Indicator, f.Value, f.Qualifier, f.Period, f.Quote)
	}
	for _, m := range v.Matches {
		w, f := m.Want, m.Got
		wp, err := pipeline.ParsePeriod(w.Period)
		if err != nil {
			t.Fatalf("expected period %q: %v", w.Period, err)
		}
		if f.Period != wp.Code {
			t.Errorf("%s: %s %v: period %s, want %s", w.Doc, w.Indicator, w.Value, f.Period, wp.Code)
		}
		if w.Province != nil && *w.Province != "" && f.Province != "" && f.Province != *w.Province {
			t.Errorf("%s: %s %v: province %q, want %q", w.Doc, w.Indicator, w.Value, f.Province, *w.Province)
		}
		wd := ""
		if w.District != nil {
			wd = *w.District
		}
		if f.District != wd {
			t.Errorf("%s: %s %v: district %q, want %q", w.Doc, w.Indicator, w.Value, f.District, wd)
		}
		if !strings.Contains(f.Sentence, f.Quote) || !strings.Contains(f.Sentence, w.Quote) {
			t.Errorf("%s: %s %v: quote %q / sentence %q do not hold the expected quote %q", w.Doc, w.Indicator, w.Value, f.Quote, f.Sentence, w.Quote)
		}
	}
}

// Floors of the dev set's scores: what the extractor reached when they were
// last raised (README, "Narrative reports"). A change that reads fewer of
// these figures, or more wrong ones, fails here.
const (
	devPrecisionFloor = 1.0
	devRecallFloor    = 1.0
	// of the 83 dev figures, those filed under the expected province and
	// district (48 before the page's address named the province of a
	// text that names none; 70 before a district named once in its own
	// report's heading placed it)
	devPlaceFloor = 75
)

// TestDevScores scores the extraction of the 33 dev excerpts against their
// answer key and fails below the floors, printing what it missed and what
// it found wrongly.
func TestDevScores(t *testing.T) {
	dir := samples(t, "dev")
	x := testExtractor(t)
	v, err := x.EvaluateDir(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	var report strings.Builder
	if err := v.Write(&report); err != nil {
		t.Fatal(err)
	}
	t.Logf("dev set:\n%s", report.String())
	if v.Precision() < devPrecisionFloor || v.Recall() < devRecallFloor {
		t.Errorf("dev precision %.3f, recall %.3f: below the floors %.3f, %.3f", v.Precision(), v.Recall(), devPrecisionFloor, devRecallFloor)
	}
	// A hit ignores places; still, a figure is filed under its province
	// and district, so they are checked too.
	if v.PlaceAgree < devPlaceFloor {
		t.Errorf("places of matched dev figures as expected: %d of %d, below the floor %d", v.PlaceAgree, v.PlaceComparable, devPlaceFloor)
	}
	// Every figure keeps its exact quote and the number of its sentence.
	for _, m := range v.Matches {
		f := m.Got
		if f.Quote == "" || !strings.Contains(f.Sentence, f.Quote) || f.SentenceIndex < 1 {
			t.Errorf("%s: %s %v: quote %q, sentence %d %q", m.Want.Doc, f.Indicator, f.Value, f.Quote, f.SentenceIndex, f.Sentence)
		}
	}
}

// Floors of the held-out texts' scores (testdata/heldout: reports written
// for the project, with their answer key, before the extractor was run on
// them; README, "Narrative reports", gives their first-sight scores). The
// batches written at the eleventh stop (n13–n24, and n25–n30 put aside until
// the stop's other rules were written) and at the twelfth (n31 on) have
// floors of their own, so a rule learnt from them can never buy its recall
// with the earlier batches' precision.
const (
	heldOutPrecisionFloor = 1.0
	heldOutRecallFloor    = 1.0
	// n13–n24: 40 of 49 found right at first sight (0.816 / 0.645); 45 of
	// 53 after number words without diacritics; 48 of 55 after digits
	// mixed with number words; 58 of 65 after tables aligned with spaces;
	// 58 of 59 after figures of an earlier period quoted for comparison;
	// 59 of 59 after "ngót"; 62 of 62 after places' figures in brackets.
	// n25–n30, at first sight after those rules: 17 of 20 found right, 17
	// of 21 expected; 21 of 21 after what they taught.
	batch11PrecisionFloor = 1.0
	batch11RecallFloor    = 1.0
	// n31–n40 (twelfth stop): 45 of 48 found right at first sight, 45 of
	// 61 expected (0.938 / 0.738); 47 of 50 after lines wrapped before a
	// number; 49 of 50 after counts keeping their own verbs; 49 of 49
	// after sections of plans; 50 of 50 after the land of those taking
	// part; 61 of 61 after tables pasted from Word. n41–n44, put aside
	// and scored once after those rules: 18 of 20 found right, 18 of 20
	// expected (0.900 / 0.900, as main's code before the stop); 20 of 20
	// after what they taught.
	batch12PrecisionFloor = 1.0
	batch12RecallFloor    = 1.0
	// of the held-out figures found, those filed under the expected
	// province and district (273 of 302 found on the code before the
	// twelfth stop, 311 of 320 after it; 377 of 383 with n45–n54, 398 of
	// 404 with n55–n58; 406 of 413 with n45/n53's villages keyed; 466 of
	// 473 with n59–n68; 483 of 492 with n69–n72; 525 of 539 with n73–n82 at
	// first sight, 543 of 552 after; 555 of 570 with n83–n86 at their one
	// score, 561 of 570 after a letterhead before its body, 564 of 573 after
	// amounts given "lần lượt"; 638 of 647 with n87–n100, all of theirs
	// placed as keyed; 641 of 650 after a column headed "Kinh phí", 642 of
	// 651 after a unit named before "thì"; 701 of 728 with n101–n114, 706
	// after an interviewee's place carried to the answers; left: a Zalo
	// thread's commune named only in the group's quoted name, communes the
	// reference places in another district than the text's (n109))
	heldOutPlaceFloor = 706
	// n45–n54 (thirteenth stop): 50 of 67 found right at first sight, 50
	// of 63 expected (0.746 / 0.794); 63 of 63 after digits restated in
	// words, tables of indicators by row, sums over units counted together,
	// places leading a total, the same period last year before a colon and
	// a levy per metre. On the key corrected at the fourteenth stop (nine
	// villages' shares keyed, as the samples' README records geographic
	// sub-units): 59 of 67 right at first sight, 59 of 72 (0.881 / 0.819);
	// 72 of 72 after.
	batch13PrecisionFloor = 1.0
	batch13RecallFloor    = 1.0
	// n55–n58, written after those rules and put aside (key and checksum
	// committed first), scored once: 17 of 19 found right, 17 of 21
	// expected (0.895 / 0.810); 21 of 21 after a table's column headed by
	// a half year and a period opening brackets.
	batch13bPrecisionFloor = 1.0
	batch13bRecallFloor    = 1.0
	// n59–n68 (fourteenth stop): 43 of 52 found right at first sight, 43
	// of 60 expected (0.827 / 0.717); 60 of 60 after trđ, related
	// headlines, tables one cell a line, list items sharing their opening
	// line's verb, gấp N lần before a period, "gần một", "lên" after a
	// "số …" count.
	batch14PrecisionFloor = 1.0
	batch14RecallFloor    = 1.0
	// n69–n72, written with n59–n68 and put aside (key and checksum
	// committed first in testdata/putaside), scored once after the rules
	// learnt from n59–n68: 17 of 18 found right, 17 of 19 expected (0.944 /
	// 0.895, as the code before the stop); 17 of 17 after a plan's section
	// heading; 19 of 19 after a ward's residential blocks ("các khối",
	// "khối Yên Giang") no longer read as blocs of a breakdown.
	batch14bPrecisionFloor = 1.0
	batch14bRecallFloor    = 1.0
	// n73–n82 (fifteenth stop): 47 of 49 found right at first sight, 47
	// of 64 expected (0.959 / 0.734); 60 of 61, 60 of 64 after Markdown
	// tables, the total of "some" communes, tr and ng.công, label lines
	// opened by their unit, money given to build a hall, the former
	// communes before a merger; 63 of 63, 63 of 64 after amounts given
	// "lần lượt" (n74's money "gửi về" missed); 64 of 64 after money sent
	// home (sixteenth stop).
	batch15PrecisionFloor = 1.0
	batch15RecallFloor    = 1.0
	// n83–n86, written with n73–n82 and put aside (key and checksum
	// committed first in testdata/putaside), scored once after the rules
	// learnt from n73–n82: 18 of 18 found right, 18 of 18 expected (the
	// code before the stop 10 of 10, 10 of 18).
	batch15bPrecisionFloor = 1.0
	batch15bRecallFloor    = 1.0
	// n87–n96 (sixteenth stop): 32 of 33 found right at first sight, 32
	// of 60 expected (0.970 / 0.533); 58 of 58, 58 of 60 after money sent
	// home, cỡ/độ, MH, a result column headed by no period, a line giving
	// the unit of what follows, a table of years, công in a unit column;
	// 59 of 59, 59 of 60 after a unit named before "thì".
	batch16PrecisionFloor = 1.0
	batch16RecallFloor    = 0.983
	// n97–n100, written with n87–n96 and put aside (key and checksum
	// committed first in testdata/putaside), scored once after the rules
	// learnt from n87–n96: 15 of 15 found right, 15 of 19 expected (the
	// code before the stop 8 of 10, 8 of 19); 18 of 18, 18 of 19 after a
	// column headed by the money's cost alone under a lead of giving.
	batch16bPrecisionFloor = 1.0
	batch16bRecallFloor    = 0.947
	// n101–n110 (seventeenth stop): 39 of 42 found right at first sight,
	// 39 of 62 expected (0.929 / 0.629); 62 of 62 after thousands grouped
	// by spaces, NC, "con số", "1 tỷ 2" and "nửa tỷ", "công" after a
	// number, a running total's named items, a period before "là", verbless
	// words before a parts opener, a table of one row, a term reviewed in
	// its last quarter.
	batch17PrecisionFloor = 1.0
	batch17RecallFloor    = 1.0
	// n111–n114, written with n101–n110 and put aside (key and checksum
	// committed first in testdata/putaside), scored once after the rules
	// learnt from n101–n110: 11 of 15 found right, 11 of 16 expected
	// (0.733 / 0.688; the code before the stop 7 of 10); 13 of 14, 13 of 16
	// after a speaker's label, a list of named donors and a multiplier
	// alone after a qualifier.
	batch17bPrecisionFloor = 0.928
	batch17bRecallFloor    = 0.812
)

// heldOutBatch says which floors a held-out document is held to: 0 the
// batches before the eleventh stop, 1 the eleventh stop's (n13–n30), 2 the
// twelfth's (n31–n44), 3 the thirteenth's (n45–n54), 4 its put-aside
// part (n55–n58), 5 the fourteenth's (n59–n68), 6 its put-aside part
// (n69–n72), 7 the fifteenth's (n73–n82), 8 its put-aside part (n83–n86),
// 9 the sixteenth's (n87–n96), 10 its put-aside part (n97–n100), 11 the
// seventeenth's (n101–n110), 12 its put-aside part (n111 on, scored
// once).
func heldOutBatch(doc string) int {
	if len(doc) < 3 || doc[0] != 'n' {
		return 0
	}
	n, err := strconv.Atoi(doc[1:])
	switch {
	case err != nil || n < 13:
		return 0
	case n <= 30:
		return 1
	case n <= 44:
		return 2
	case n <= 54:
		return 3
	case n <= 58:
		return 4
	case n <= 68:
		return 5
	case n <= 72:
		return 6
	case n <= 82:
		return 7
	case n <= 86:
		return 8
	case n <= 96:
		return 9
	case n <= 100:
		return 10
	case n <= 110:
		return 11
	}
	return 12
}

// heldOutKnownFalse are the false finds the held-out set is allowed, each an
// answer-key call the rules do not make, by document and quotes: the score
// counts them, the floors above are taken without them.
var heldOutKnownFalse = map[string][]string{
	// A province the district's delegation visited to learn from, its own
	// figure in a relative clause ("nơi Nhân dân hiến …"): the key leaves it
	// out as no figure of the report's; the rules place it in that province.
	"n07": {"hiến hơn 50 ha"},
}

// TestHeldOutScores scores the held-out texts and fails below the floors,
// the earlier batches and n13–n24 each against their own; documents with
// no figure must stay empty.
func TestHeldOutScores(t *testing.T) {
	x := testExtractor(t)
	v, err := x.EvaluateDir(os.DirFS(filepath.Join("testdata", "heldout")))
	if err != nil {
		t.Fatal(err)
	}
	var report strings.Builder
	if err := v.Write(&report); err != nil {
		t.Fatal(err)
	}
	t.Logf("held-out texts:\n%s", report.String())
	if len(v.Docs) < 158 || v.Total.Expected < 731 {
		t.Fatalf("read %d documents with %d expected figures; the held-out set has 158 and 731", len(v.Docs), v.Total.Expected)
	}
	// [0] the earlier batches, [1] n13–n30, [2] n31–n44, [3] n45–n54, [4]
	// n55–n58, [5] n59–n68, [6] n69–n72, [7] n73–n82, [8] n83–n86, [9]
	// n87–n96, [10] n97–n100, [11] n101–n110, [12] n111 on
	var expected, found, matched [13]int
	batch := heldOutBatch
	for _, m := range v.Matches {
		b := batch(m.Want.Doc)
		expected[b]++
		found[b]++
		matched[b]++
	}
	for _, m := range v.Misses {
		expected[batch(m.Doc)]++
	}
	known := 0
	for _, f := range v.FalseFinds {
		if slices.Contains(heldOutKnownFalse[f.Doc], f.Quote) {
			known++
			continue
		}
		found[batch(f.Doc)]++
	}
	for b, floor := range [13][2]float64{{heldOutPrecisionFloor, heldOutRecallFloor}, {batch11PrecisionFloor, batch11RecallFloor}, {batch12PrecisionFloor, batch12RecallFloor}, {batch13PrecisionFloor, batch13RecallFloor}, {batch13bPrecisionFloor, batch13bRecallFloor}, {batch14PrecisionFloor, batch14RecallFloor}, {batch14bPrecisionFloor, batch14bRecallFloor}, {batch15PrecisionFloor, batch15RecallFloor}, {batch15bPrecisionFloor, batch15bRecallFloor}, {batch16PrecisionFloor, batch16RecallFloor}, {batch16bPrecisionFloor, batch16bRecallFloor}, {batch17PrecisionFloor, batch17RecallFloor}, {batch17bPrecisionFloor, batch17bRecallFloor}} {
		name := [13]string{"earlier batches", "n13–n30", "n31–n44", "n45–n54", "n55–n58", "n59–n68", "n69–n72", "n73–n82", "n83–n86", "n87–n96", "n97–n100", "n101–n110", "n111 on"}[b]
		precision, recall := ratio(matched[b], found[b]), ratio(matched[b], expected[b])
		t.Logf("%s: %d expected, %d found (known false finds left out), %d right: precision %.3f, recall %.3f", name, expected[b], found[b], matched[b], precision, recall)
		if precision < floor[0] || recall < floor[1] {
			t.Errorf("%s: held-out precision %.3f, recall %.3f: below the floors %.3f, %.3f (%d known false finds left out)",
				name, precision, recall, floor[0], floor[1], known)
		}
	}
	if v.PlaceAgree < heldOutPlaceFloor {
		t.Errorf("places of matched held-out figures as expected: %d of %d, below the floor %d", v.PlaceAgree, v.PlaceComparable, heldOutPlaceFloor)
	}
	for _, m := range v.Matches {
		f := m.Got
		// The key quotes the file as written; the reader reads it as NFC
		// (readText), so a text in decomposed diacritics is compared so.
		if f.Quote == "" || !strings.Contains(f.Sentence, f.Quote) || f.SentenceIndex < 1 || !strings.Contains(f.Sentence, norm.NFC.String(m.Want.Quote)) {
			t.Errorf("%s: %s %v: quote %q, sentence %d %q, expected quote %q", m.Want.Doc, f.Indicator, f.Value, f.Quote, f.SentenceIndex, f.Sentence, m.Want.Quote)
		}
	}
}
