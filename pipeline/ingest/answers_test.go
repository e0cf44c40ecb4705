package ingest

import "testing"

// TestParseStamp: the timestamps form tools write, in each locale, read
// day first and month first; a reading that is no date is false.
func TestParseStamp(t *testing.T) {
	for _, c := range []struct {
		in         string
		dayFirst   string // "" when that reading is no date
		monthFirst string
	}{
		{"15/12/2023 9:30:12", "2023-12-15 09:30:12", ""},
		{"12/15/2023 9:30:12", "", "2023-12-15 09:30:12"},
		{"5/12/2023 8:05:13", "2023-12-05 08:05:13", "2023-05-12 08:05:13"},
		{"12/5/23 8:05 PM", "2023-05-12 20:05:00", "2023-12-05 20:05:00"},
		{"12/5/2023 12:10:00 SA", "2023-05-12 00:10:00", "2023-12-05 00:10:00"},
		{"15/12/2023 2:10:00 CH", "2023-12-15 14:10:00", ""},
		{"2023-12-05 08:05:13", "2023-12-05 08:05:13", "2023-12-05 08:05:13"},
		{"31/4/2023 8:00", "", ""},
	} {
		s, ok := parseStamp(c.in)
		if !ok {
			t.Errorf("parseStamp(%q) failed", c.in)
			continue
		}
		for i, want := range []string{c.dayFirst, c.monthFirst} {
			got := ""
			if tm, ok := s.at(i == 1); ok {
				got = tm.Format("2006-01-02 15:04:05")
			}
			if got != want {
				t.Errorf("%q read %s first = %q, want %q", c.in, []string{"day", "month"}[i], got, want)
			}
		}
	}
	for _, bad := range []string{"", "hôm qua", "15/12/2023 25:00", "15/12 9:30", "15/12/2023 9:30 XY", "15/12/2023 13:00 PM"} {
		if _, ok := parseStamp(bad); ok {
			t.Errorf("parseStamp(%q) read", bad)
		}
	}
}
