package main

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The checked floor refuses what danvan refuses, with danvan's codes (each
// expected code below is the one `danvan ingest` stored for the same line
// in its rejects), and accepts the rest: otherwise it would not be doing
// the same work, and its time would say nothing about danvan's.
func TestCheckedFloorRefusesAsDanvan(t *testing.T) {
	if testing.Short() {
		t.Skip("runs DuckDB")
	}
	rows := []struct{ line, code string }{
		{"Hà Tĩnh,thị xã Hồng Lĩnh,2022-Q2,exemplars_total,kinh_te,2,ghi chú,2022-07-05", ""},
		{"Nghệ An,huyện Thanh Chương,to-date@2022-10,models_total,kinh_te,107,,2022-11-04", ""},
		{"Thanh Hóa,huyện Vĩnh Lộc,2014..2018,models_registered,,197,,2019-01-05", ""},
		{"Thanh Hóa,,2015-H1,funds_mobilized_vnd,,1.250.000.000,,2015-07-04", ""},
		{"Nghệ An,xã Yên Thành,to-date@2025-11,exemplars_collective,xay_dung_he_thong_chinh_tri,3,,2025-12-11", ""},
		{"Hà Tĩnh,huyện Không Có,2022-Q2,exemplars_total,kinh_te,2,,2022-07-05", "unknown_unit"},
		{"Hà Tĩnh,huyện Đức Thọ,2022-Q5,exemplars_total,kinh_te,2,,2022-07-05", "bad_period"},
		{"Hà Tĩnh,huyện Đức Thọ,2031-Q1,exemplars_total,kinh_te,2,,2022-07-05", "future_period"},
		{"Hà Tĩnh,huyện Đức Thọ,2022-Q2,exemplars_total,kinh_te,abc,,2022-07-05", "not_a_number"},
		{"Hà Tĩnh,huyện Đức Thọ,2022-Q2,exemplars_total,kinh_te,2.5,,2022-07-05", "not_whole_number"},
		{"Hà Tĩnh,huyện Đức Thọ,2022-Q2,exemplars_total,kinh_te,-3,,2022-07-05", "negative_value"},
		{"Hà Tĩnh,huyện Đức Thọ,2022-Q2,no_such,kinh_te,2,,2022-07-05", "unknown_indicator"},
		{"Hà Tĩnh,huyện Đức Thọ,2022-Q2,dialogues,kinh_te,2,,2022-07-05", "disaggregation_not_allowed"},
		{"Hà Tĩnh,huyện Đức Thọ,2025-Q4,dialogues,,2,,2025-10-05", "unit_not_valid_on_period"},
		{"Hà Tĩnh,huyện Đức Thọ,2021-Q3,dialogues,,7,,2021-10-05", ""},
		{"Hà Tĩnh,huyện Đức Thọ,2021-Q3,dialogues,,7,,2021-10-05", "duplicate"},
		{"Hà Tĩnh,huyện Đức Thọ,2021-Q2,dialogues,,7,,2021-10-05", "conflicting_duplicate"},
		{"Hà Tĩnh,huyện Đức Thọ,2021-Q2,dialogues,,8,,2021-10-05", "conflicting_duplicate"},
		{"Hà Tĩnh,huyện Đức Thọ,2021-Q1,models_registered,kinh_te,5,,2021-10-05", ""},
		{"Hà Tĩnh,huyện Đức Thọ,2021-Q1,models_recognized,kinh_te,9,,2021-10-05", "rule_violated"},
		{"Hà Tĩnh,huyện Đức Thọ,2021-Q1,dialogues,,5,,2031-10-05", "future_date"},
	}
	dir := t.TempDir()
	csv := filepath.Join(dir, "checked.csv")
	text := "tinh,don_vi,ky_bao_cao,chi_tieu,phan_to,gia_tri,ghi_chu,ngay_gui\n"
	for _, r := range rows {
		text += r.line + "\n"
	}
	if err := os.WriteFile(csv, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	script, err := checkedScript(filepath.Join(dir, "reference"), out, []checkedFile{{1, "checked.csv", csv, strings.Repeat("ab", 32)}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := duckdbStep(ctx, []string{script}); err != nil {
		t.Fatalf("the checked floor's script failed: %v", err)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got := map[string]string{}
	res, err := db.QueryContext(ctx, "SELECT source_ref, code FROM read_parquet("+sqlQuote(filepath.Join(out, "rejects.parquet"))+")")
	if err != nil {
		t.Fatal(err)
	}
	for res.Next() {
		var ref, code string
		if err := res.Scan(&ref, &code); err != nil {
			t.Fatal(err)
		}
		got[ref] = code
	}
	if err := res.Err(); err != nil {
		t.Fatal(err)
	}
	accepted := 0
	for i, r := range rows {
		ref := "dòng " + strconv.Itoa(i+2)
		if got[ref] != r.code {
			t.Errorf("%s (%s): refused as %q, want %q", ref, r.line, got[ref], r.code)
		}
		if r.code == "" {
			accepted++
		}
	}
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM read_parquet("+sqlQuote(filepath.Join(out, "facts", "*", "*", "*.parquet"))+
		", hive_partitioning = false)").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != accepted {
		t.Errorf("%d rows stored, want %d", n, accepted)
	}
}
