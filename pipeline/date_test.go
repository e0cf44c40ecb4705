package pipeline

import "testing"

// TestParseDate: every way a report writes a day, and what is no day. A
// year written first is unambiguous whatever separates its fields
// (2024/12/15, as a spreadsheet set to another locale writes it).
func TestParseDate(t *testing.T) {
	for in, want := range map[string]string{
		"27/12/2022": "2022-12-27", "2/1/2006": "2006-01-02", "27-12-2022": "2022-12-27", "27.12.2022": "2022-12-27",
		"2022-12-27": "2022-12-27", "2022-12-27T23:30:00+07:00": "2022-12-27", "2022-12-27 08:00": "2022-12-27",
		"2024/12/15": "2024-12-15", "2024/1/5": "2024-01-05", " 2024/12/15 ": "2024-12-15", "2024/12/15 08:30": "2024-12-15",
		"2024.12.15": "2024-12-15",
	} {
		d, ok := ParseDate(in)
		if !ok || d.Format("2006-01-02") != want {
			t.Errorf("ParseDate(%q) = %v, %v; want %s", in, d, ok, want)
		}
	}
	for _, bad := range []string{"", "32/13/2023", "2023-02-29", "2024/13/01", "2024/02/30", "24/12/15", "15/2024/12", "hôm qua"} {
		if d, ok := ParseDate(bad); ok {
			t.Errorf("ParseDate(%q) = %v, want refused", bad, d)
		}
	}
}
