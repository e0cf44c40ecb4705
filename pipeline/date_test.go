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
		// In words, as a date line writes it, and with "ngày" before it
		// (they were refused, bad_date).
		"15 tháng 12 năm 2023": "2023-12-15", "ngày 15 tháng 12 năm 2023": "2023-12-15", "Ngày 05 tháng 01 năm 2024": "2024-01-05",
		"ngày 15/12/2023": "2023-12-15", "Ngày 2-1-2024": "2024-01-02", "15 thang 12 nam 2023": "2023-12-15",
		// A two-digit year, as a cell formatted dd/mm/yy shows a date and
		// a CSV saved from it holds it: day first, as Vietnamese write a
		// date, in 20yy (they were refused, bad_date). yy/mm/dd is no
		// Vietnamese order: 24/12/15 is 24 December 2015.
		"15/12/23": "2023-12-15", "5/6/24": "2024-06-05", "15-12-23": "2023-12-15", "15.12.23": "2023-12-15",
		"15/12/23 08:30": "2023-12-15", "24/12/15": "2015-12-24",
	} {
		d, ok := ParseDate(in)
		if !ok || d.Format("2006-01-02") != want {
			t.Errorf("ParseDate(%q) = %v, %v; want %s", in, d, ok, want)
		}
	}
	for _, bad := range []string{"", "32/13/2023", "2023-02-29", "2024/13/01", "2024/02/30", "15/2024/12", "hôm qua", "31/02/24", "15/12-23", "15/12/023",
		"ngày 31 tháng 2 năm 2024", "tháng 12 năm 2023", "ngày 15 tháng 12", "15 tháng 12 năm 23"} {
		if d, ok := ParseDate(bad); ok {
			t.Errorf("ParseDate(%q) = %v, want refused", bad, d)
		}
	}
}

// TestMonthFirst: a date written month first (12/15/2023, a spreadsheet
// set to the United States' locale) is told as such, with the date it
// likely is; one that reads either way is no such date.
func TestMonthFirst(t *testing.T) {
	for in, want := range map[string]string{"12/15/2023": "15/12/2023", "1/31/2024": "31/01/2024", "12-25-2023": "25/12/2023", "12/15/23": "15/12/2023"} {
		if got, ok := MonthFirst(in); !ok || got != want {
			t.Errorf("MonthFirst(%q) = %q, %v; want %s", in, got, ok, want)
		}
	}
	for _, in := range []string{"15/12/2023", "5/6/2023", "2/30/2023", "32/13/2023", "hôm qua"} {
		if got, ok := MonthFirst(in); ok {
			t.Errorf("MonthFirst(%q) = %q, want none", in, got)
		}
	}
}
