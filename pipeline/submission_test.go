package pipeline

import (
	"strings"
	"testing"
	"time"
)

func TestSender(t *testing.T) {
	ref, err := DefaultReference()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		code      string
		wantLevel Level
		wantName  string
		wantCode  string // the problem's, when refused
	}{
		{"42", LevelProvince, "tỉnh Hà Tĩnh", ""},
		{"446", LevelDistrict, "huyện Cẩm Xuyên", ""},
		{"18754", LevelCommune, "phường Sông Trí", ""},  // the new commune, not Hưng Trí that had the code before
		{"18077", "", "", "not_a_sender"},               // a commune that ended with the reform
		{"99999", "", "", "unknown_unit"},               // nobody
		{"4466", "", "", "unknown_unit"},                // not a code at all
		{"", "", "", "unknown_unit"},                    // empty
		{"382", LevelDistrict, "thành phố Sầm Sơn", ""}, // latest version of a district whose type changed (thị xã, then city in 2017)
	}
	for _, c := range cases {
		u, p := ref.Sender(c.code)
		switch {
		case c.wantCode != "":
			if p == nil || p.Code != c.wantCode || p.Reason == "" || p.ReasonEN == "" {
				t.Errorf("Sender(%q) = %v, %+v; want the problem %s", c.code, u, p, c.wantCode)
			}
		case p != nil:
			t.Errorf("Sender(%q): %+v", c.code, p)
		case u.Level != c.wantLevel || u.Title() != c.wantName:
			t.Errorf("Sender(%q) = %s %q, want %s %q", c.code, u.Level, u.Title(), c.wantLevel, c.wantName)
		}
	}
}

// A submission holds every row to the link's unit and stamps the time the
// portal received the file as the submission time, over a date in the file.
func TestSubmissionRows(t *testing.T) {
	ref, err := DefaultReference()
	if err != nil {
		t.Fatal(err)
	}
	sender := func(code string) *Unit {
		u, p := ref.Sender(code)
		if p != nil {
			t.Fatal(p.Reason)
		}
		return u
	}
	received := time.Date(2026, 1, 10, 3, 4, 5, 0, time.UTC)
	row := func(province, unit, period string) RawRow {
		return RawRow{Ref: "dòng 2", Province: province, Unit: unit, Period: period, Indicator: "dialogues", Value: "12", SubmittedAt: "02/01/2026"}
	}
	cases := []struct {
		name   string
		sender string
		raw    RawRow
		code   string // "" accepted
		column string
	}{
		{"own district", "446", row("Hà Tĩnh", "Cẩm Xuyên", "2024"), "", ""},
		{"own district by code", "446", row("42", "446", "2024-H1"), "", ""},
		{"another district", "446", row("Hà Tĩnh", "Hương Khê", "2024"), "other_unit", "don_vi"},
		{"the province itself", "446", row("Hà Tĩnh", "", "2024"), "other_unit", "tinh"},
		{"district of another province", "446", row("Nghệ An", "Nam Đàn", "2024"), "other_unit", "don_vi"},
		{"new commune", "18754", row("Hà Tĩnh", "Sông Trí", "2025-H2"), "", ""},
		{"province office, its district", "42", row("Hà Tĩnh", "Cẩm Xuyên", "2024"), "", ""},
		{"province office, itself", "42", row("Hà Tĩnh", "", "2024"), "", ""},
		{"province office, its commune", "42", row("Hà Tĩnh", "Sông Trí", "2025-H2"), "", ""},
		{"province office, another province", "42", row("Nghệ An", "Nam Đàn", "2024"), "outside_province", "don_vi"},
		{"province office, another province itself", "42", row("Nghệ An", "", "2024"), "outside_province", "tinh"},
		// The row's own problems come first: an unknown unit is unknown.
		{"unknown unit", "446", row("Hà Tĩnh", "Không Có", "2024"), "unknown_unit", "don_vi"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := NewValidator(ref, time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC))
			v.SetSubmission(&Submission{Sender: sender(c.sender), ReceivedAt: received})
			rec, rerr := v.Row("f.csv", c.raw)
			if c.code == "" {
				if rerr != nil {
					t.Fatalf("refused: %v", rerr)
				}
				if !rec.SubmittedAt.Equal(received) {
					t.Errorf("submitted_at = %s, want the time received %s (not the date in the file)", rec.SubmittedAt, received)
				}
				return
			}
			if rerr == nil {
				t.Fatalf("accepted %+v, want %s", rec, c.code)
			}
			if rerr.Code != c.code || rerr.Column != c.column || rerr.Reason == "" || rerr.ReasonEN == "" {
				t.Errorf("got %s on %s (%s), want %s on %s", rerr.Code, rerr.Column, rerr.Reason, c.code, c.column)
			}
		})
	}
	// Without a submission the same rows are anybody's.
	v := NewValidator(ref, time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC))
	v.SetSubmission(&Submission{Sender: sender("446"), ReceivedAt: received})
	v.SetSubmission(nil)
	rec, rerr := v.Row("f.csv", row("Hà Tĩnh", "Hương Khê", "2024"))
	if rerr != nil {
		t.Fatalf("without a submission: %v", rerr)
	}
	if want := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC); !rec.SubmittedAt.Equal(want) {
		t.Errorf("without a submission, submitted_at = %s, want the file's date %s", rec.SubmittedAt, want)
	}
}

// The old commune that had a new commune's code is another unit (the
// validator refuses it for any period the new commune reports, so the rule
// is asked directly).
func TestSubmissionOldCommune(t *testing.T) {
	ref, err := DefaultReference()
	if err != nil {
		t.Fatal(err)
	}
	sender, _ := ref.Sender("18754")
	s := &Submission{Sender: sender}
	seen := map[bool]int{}
	for _, u := range ref.Units {
		if u.Code != "18754" {
			continue
		}
		seen[u.From.Before(ReformDate)]++
		p := s.allows(u)
		if old := u.From.Before(ReformDate); old != (p != nil) {
			t.Errorf("allows(%s %s, from %s) = %+v", u.Title(), u.Code, u.From, p)
		}
	}
	if seen[true] != 1 || seen[false] != 1 {
		t.Fatalf("want one old and one new commune with code 18754, got %v", seen)
	}
}

// A figure read out of prose that names no place is the sender's; one that
// names a place keeps it.
func TestSubmissionProsePlace(t *testing.T) {
	ref, err := DefaultReference()
	if err != nil {
		t.Fatal(err)
	}
	fig := func(province, unit string) RawRow {
		return RawRow{Ref: "câu 2", Province: province, Unit: unit, Period: "2024", Indicator: "dialogues", Value: "28", Plain: true, Origin: FromExtracted}
	}
	for _, c := range []struct {
		sender  string
		raw     RawRow
		unit    string // the record's, or the refusal's code
		refused bool
	}{
		{"446", fig("", ""), "446", false},
		{"42", fig("", ""), "42", false},
		{"446", fig("Hà Tĩnh", ""), "other_unit", true}, // the province's figure, quoted in a district's report
		{"446", fig("Hà Tĩnh", "huyện Hương Khê"), "other_unit", true},
		{"446", fig("Hà Tĩnh", "huyện Cẩm Xuyên"), "446", false},
	} {
		u, _ := ref.Sender(c.sender)
		v := NewValidator(ref, time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC))
		v.SetSubmission(&Submission{Sender: u, ReceivedAt: time.Now()})
		raw := c.raw
		var rec Record
		rerr := v.RowTo(&rec, "r.txt", &raw)
		switch {
		case c.refused && (rerr == nil || rerr.Code != c.unit):
			t.Errorf("%s, %+v: %+v, want %s", c.sender, c.raw, rerr, c.unit)
		case !c.refused && (rerr != nil || rec.Unit.Code != c.unit):
			t.Errorf("%s, %+v: %+v %v, want unit %s", c.sender, c.raw, rec.Unit, rerr, c.unit)
		}
		if raw.Province != c.raw.Province || raw.Unit != c.raw.Unit {
			t.Errorf("the caller's row was changed")
		}
	}
	// A table row with no place is no figure of prose: it stays the
	// province's (and is refused for a district).
	u, _ := ref.Sender("446")
	v := NewValidator(ref, time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC))
	v.SetSubmission(&Submission{Sender: u, ReceivedAt: time.Now()})
	if _, rerr := v.Row("r.csv", RawRow{Ref: "dòng 2", Period: "2024", Indicator: "dialogues", Value: "28"}); rerr == nil || rerr.Code != "missing_province" {
		t.Errorf("a table row without province: %+v", rerr)
	}
}

func TestSubmissionMessage(t *testing.T) {
	ref, err := DefaultReference()
	if err != nil {
		t.Fatal(err)
	}
	u, _ := ref.Sender("446")
	v := NewValidator(ref, time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC))
	v.SetSubmission(&Submission{Sender: u, ReceivedAt: time.Now()})
	_, rerr := v.Row("f.csv", RawRow{Ref: "dòng 3", Province: "Hà Tĩnh", Unit: "Hương Khê", Period: "2024", Indicator: "dialogues", Value: "1"})
	if rerr == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{"huyện Cẩm Xuyên", "Hương Khê", "đường dẫn"} {
		if !strings.Contains(rerr.Reason, want) {
			t.Errorf("reason %q does not say %q", rerr.Reason, want)
		}
	}
}
