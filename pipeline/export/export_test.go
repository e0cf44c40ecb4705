package export

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/danvan/danvan/pipeline/layout"
	"github.com/danvan/danvan/pipeline/warehouse"
	"github.com/danvan/danvan/pipeline/warehouse/whtest"
)

var ctx = context.Background()

func day(d int) time.Time { return time.Date(2024, 1, d, 8, 0, 0, 0, time.UTC) }

var batchA = whtest.Batch{SourceFile: "thanh-hoa-2023.xlsx", IngestedAt: day(5), Facts: []whtest.Fact{
	{Unit: "38", Period: "2023", Indicator: "dialogues", Value: 40, SubmittedAt: "2024-01-04"},
	{Unit: "380", Period: "2023", Indicator: "dialogues", Value: 20, SubmittedAt: "2024-01-04"},
	{Unit: "381", Period: "2023-H1", Indicator: "dialogues", Value: 7, Qualifier: "approx"},
	{Unit: "381", Period: "2023-H2", Indicator: "dialogues", Value: 8},
	{Unit: "380", Period: "2023", Indicator: "models_registered", Disaggregation: "kinh_te", Value: 3},
	{Unit: "380", Period: "2023", Indicator: "models_registered", Disaggregation: "van_hoa_xa_hoi", Value: 4},
	{Unit: "436", Period: "2022", Indicator: "land_donated_m2", Value: 1500.5, Origin: "extracted", Quote: "Nhân dân hiến 1.500,5 m² đất."},
	{Unit: "436", Period: "2023", Indicator: "land_donated_m2", Value: 2000},
	{Unit: "14758", Period: "2025-H2", Indicator: "dialogues", Value: 3},
	{Unit: "380", Period: "2025-H1", Indicator: "dialogues", Value: 9},
}, Rejects: []whtest.Reject{{Ref: "dòng 9", Column: "don_vi", Value: "Huyện X", Code: "unknown_unit", Reason: "Không có đơn vị"}}}

var batchB = whtest.Batch{SourceFile: "bo-sung.csv", IngestedAt: day(9), Facts: []whtest.Fact{
	{Unit: "382", Period: "2023", Indicator: "dialogues", Value: 5}}}

// setup writes the batches, refreshes and returns the open warehouse.
func setup(t *testing.T, dir string, batches ...whtest.Batch) *warehouse.Warehouse {
	t.Helper()
	for _, b := range batches {
		whtest.Write(t, dir, b)
	}
	w, err := warehouse.Open(ctx, dir, warehouse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	if _, err := w.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	return w
}

func publish(t *testing.T, w *warehouse.Warehouse, dir string, opts Options) Snapshot {
	t.Helper()
	s, err := Publish(ctx, w.DB(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// readTree reads every file of a snapshot directory.
func readTree(t *testing.T, root string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(root, p)
		out[rel] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestOutputsValidateAgainstSchemas(t *testing.T) {
	dir := t.TempDir()
	w := setup(t, dir, batchA, batchB)
	s := publish(t, w, dir, Options{Demo: true})
	files := readTree(t, s.Dir)
	want := []string{"completeness.json", "indicators.json", "manifest.json", "province_year.json", "provinces.json",
		"sources/38-2023.json", "sources/38-2025.json", "sources/42-2022.json", "sources/42-2023.json", "unit_year.json"}
	var names []string
	for n := range files {
		if strings.HasPrefix(n, "tables/") { // Parquet, checked in tables_test.go
			delete(files, n)
			continue
		}
		names = append(names, n)
	}
	sort.Strings(names)
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("files %v, want %v", names, want)
	}
	for name, data := range files {
		schemaName := strings.TrimSuffix(name, ".json")
		if strings.HasPrefix(name, "sources/") {
			schemaName = "sources"
		}
		schema := loadSchema(t, schemaName)
		var doc any
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if err := dec.Decode(&doc); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if errs := validate(schema, doc, name); len(errs) > 0 {
			t.Errorf("%s does not validate:\n%s", name, strings.Join(errs[:min(len(errs), 10)], "\n"))
		}
		if arr, ok := doc.([]any); ok && len(arr) == 0 {
			t.Errorf("%s is empty", name)
		}
	}
	// The manifest lists every output with its row count and hash.
	var man struct {
		ContractVersion string `json:"contract_version"`
		RunID           string `json:"run_id"`
		DataAsOf        string `json:"data_as_of"`
		Demo            bool
		Sources         []map[string]any
		Outputs         map[string]Output
	}
	if err := json.Unmarshal(files["manifest.json"], &man); err != nil {
		t.Fatal(err)
	}
	if man.ContractVersion != "1" || man.DataAsOf != "2024-01-09" || !man.Demo || len(man.Sources) != 2 || man.RunID != filepath.Base(s.Dir) {
		t.Errorf("manifest: %+v", man)
	}
	for name, o := range man.Outputs {
		sum := sha256.Sum256(files[name])
		var arr []any
		json.Unmarshal(files[name], &arr)
		if o.SHA256 != hex.EncodeToString(sum[:]) || o.Rows != len(arr) {
			t.Errorf("%s: manifest says %+v, file has %d rows", name, o, len(arr))
		}
	}
	if len(man.Outputs) != len(files)-1 {
		t.Errorf("manifest lists %d outputs, snapshot has %d files", len(man.Outputs), len(files))
	}
	// Provenance of Thanh Hóa 2023: the province's own figure and every unit
	// value that went in, with report id, file, row and (for prose) quote.
	var src []map[string]any
	json.Unmarshal(files["sources/38-2023.json"], &src)
	var got []string
	for _, r := range src {
		got = append(got, fmt.Sprintf("%s %s %s %s %v %s %s", r["indicator"], r["unit_code"], r["period"], r["disaggregation"], r["value"], r["source_file"], r["source_ref"]))
		if r["report_id"] == "" {
			t.Errorf("no report id: %v", r)
		}
	}
	wantSrc := []string{
		"dialogues 38 2023 total 40 thanh-hoa-2023.xlsx dòng 2",
		"dialogues 380 2023 total 20 thanh-hoa-2023.xlsx dòng 3",
		"dialogues 381 2023-H1 total 7 thanh-hoa-2023.xlsx dòng 4",
		"dialogues 381 2023-H2 total 8 thanh-hoa-2023.xlsx dòng 5",
		"dialogues 382 2023 total 5 bo-sung.csv dòng 2",
		"models_registered 380 2023 kinh_te 3 thanh-hoa-2023.xlsx dòng 6",
		"models_registered 380 2023 van_hoa_xa_hoi 4 thanh-hoa-2023.xlsx dòng 7",
	}
	if !reflect.DeepEqual(got, wantSrc) {
		t.Errorf("sources/38-2023.json\n got %q\nwant %q", got, wantSrc)
	}
	if !bytes.Contains(files["sources/42-2022.json"], []byte(`"quote":"Nhân dân hiến 1.500,5 m² đất."`)) {
		t.Errorf("quote missing: %s", files["sources/42-2022.json"])
	}
	// Province-year row as the dashboard reads it.
	var py []map[string]any
	json.Unmarshal(files["province_year.json"], &py)
	for _, r := range py {
		if r["province_code"] == "38" && r["year"] == 2023.0 && r["indicator"] == "dialogues" {
			if r["value"] != 40.0 || r["value_sum_of_units"] != 40.0 || r["difference_flag"] != false || r["qualifier"] != "exact" || r["units_reporting"] != 3.0 {
				t.Errorf("38/2023/dialogues: %v", r)
			}
		}
	}
}

func TestDeterministic(t *testing.T) {
	var trees []map[string][]byte
	for i := 0; i < 2; i++ {
		dir := t.TempDir()
		w := setup(t, dir, batchB, batchA)
		s := publish(t, w, dir, Options{})
		trees = append(trees, readTree(t, s.Dir))
		// Publishing again from the same state re-uses the same snapshot.
		s2 := publish(t, w, dir, Options{})
		if !s2.Reused || s2.Dir != s.Dir {
			t.Errorf("second publish: %+v", s2)
		}
	}
	if !reflect.DeepEqual(trees[0], trees[1]) {
		for n := range trees[0] {
			if !bytes.Equal(trees[0][n], trees[1][n]) {
				t.Errorf("%s differs", n)
			}
		}
	}
}

// The same committed batches publish the same bytes whether the warehouse
// took them in one refresh or one at a time: a partition's file, written
// once and linked into later snapshots, holds nothing of the other
// partitions that were there when it was written.
func TestSameBytesWhateverTheHistory(t *testing.T) {
	// Every value of Thanh Hóa 2023 has a submission date; none of Hà
	// Tĩnh 2022's has. Taken one at a time, Thanh Hóa 2023's files are
	// written while no value of the warehouse lacks a date, then linked.
	dated := whtest.Batch{SourceFile: "thanh-hoa-2023.csv", IngestedAt: day(5), Facts: []whtest.Fact{
		{Unit: "38", Period: "2023", Indicator: "dialogues", Value: 40, SubmittedAt: "2024-01-04"},
		{Unit: "380", Period: "2023", Indicator: "dialogues", Value: 20, SubmittedAt: "2024-01-03"},
	}}
	undated := whtest.Batch{SourceFile: "ha-tinh-2022.csv", IngestedAt: day(9), Facts: []whtest.Fact{
		{Unit: "436", Period: "2022", Indicator: "land_donated_m2", Value: 1500.5},
	}}
	once := t.TempDir()
	w := setup(t, once, dated, undated)
	want := readTree(t, publish(t, w, once, Options{}).Dir)

	stepwise := t.TempDir()
	w = setup(t, stepwise, dated)
	publish(t, w, stepwise, Options{})
	whtest.Write(t, stepwise, undated)
	if _, err := w.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	last := publish(t, w, stepwise, Options{})
	got := readTree(t, last.Dir)
	if len(got) != len(want) {
		t.Errorf("%d files published stepwise, %d at once", len(got), len(want))
	}
	for n := range want {
		if !bytes.Equal(got[n], want[n]) {
			t.Errorf("%s differs between the stepwise and the one-refresh warehouse", n)
		}
	}
	// Nor in a partition file's schema: the partitions of a table agree.
	var schemas int
	err := w.DB().QueryRowContext(ctx, `SELECT count(DISTINCT s) FROM (
		SELECT file_name, string_agg(name || ' ' || repetition_type, ', ' ORDER BY name) AS s
		FROM parquet_schema(?) GROUP BY file_name)`,
		filepath.Join(last.Dir, layout.TablesDir, "stg_facts", "*", "*.parquet")).Scan(&schemas)
	if err != nil || schemas != 1 {
		t.Errorf("the partitions of stg_facts have %d different schemas (%v)", schemas, err)
	}
}

// A crash after any step leaves either the previous snapshot serving, intact,
// or the new one; never a partial snapshot in snapshots/.
func TestCrashBetweenSteps(t *testing.T) {
	for _, at := range []string{"write", "rename", "switch", "prune"} {
		t.Run(at, func(t *testing.T) {
			dir := t.TempDir()
			w := setup(t, dir, batchA)
			first := publish(t, w, dir, Options{Keep: 1})
			before := readTree(t, first.Dir)
			whtest.Write(t, dir, batchB)
			if _, err := w.Refresh(ctx); err != nil {
				t.Fatal(err)
			}
			crash := errors.New("crash")
			step = func(s string) error {
				if s == at {
					return crash
				}
				return nil
			}
			_, err := Publish(ctx, w.DB(), dir, Options{Keep: 1})
			step = func(string) error { return nil }
			if !errors.Is(err, crash) {
				t.Fatalf("want crash, got %v", err)
			}
			cur, err := layout.Dir(dir).CurrentSnapshot()
			if err != nil {
				t.Fatal(err)
			}
			switched := at == "switch" || at == "prune"
			if (cur == first.Dir) == switched {
				t.Errorf("crash at %s: current = %s", at, cur)
			}
			if !switched && !reflect.DeepEqual(readTree(t, cur), before) {
				t.Errorf("crash at %s: previous snapshot changed", at)
			}
			checkSnapshotsComplete(t, dir)
			// The next publish recovers and cleans up.
			s := publish(t, w, dir, Options{Keep: 1})
			if cur, _ := layout.Dir(dir).CurrentSnapshot(); cur != s.Dir {
				t.Errorf("after recovery current = %s, want %s", cur, s.Dir)
			}
			checkSnapshotsComplete(t, dir)
			if ents, _ := os.ReadDir(filepath.Join(dir, "exports", "tmp")); len(ents) != 0 {
				t.Errorf("tmp left: %v", ents)
			}
			if ents, _ := os.ReadDir(filepath.Join(dir, "exports", "snapshots")); len(ents) != 1 {
				t.Errorf("keep 1: %d snapshots", len(ents))
			}
		})
	}
}

// checkSnapshotsComplete: every directory in snapshots/ has a manifest whose
// outputs all exist with the listed hashes.
func checkSnapshotsComplete(t *testing.T, dir string) {
	t.Helper()
	ents, _ := os.ReadDir(filepath.Join(dir, "exports", "snapshots"))
	for _, e := range ents {
		root := filepath.Join(dir, "exports", "snapshots", e.Name())
		files := readTree(t, root)
		var man struct{ Outputs map[string]Output }
		if err := json.Unmarshal(files["manifest.json"], &man); err != nil {
			t.Errorf("snapshot %s: manifest: %v", e.Name(), err)
			continue
		}
		for name, o := range man.Outputs {
			sum := sha256.Sum256(files[name])
			if hex.EncodeToString(sum[:]) != o.SHA256 {
				t.Errorf("snapshot %s: %s incomplete", e.Name(), name)
			}
		}
		checkTables(t, root)
		for n := range files {
			if strings.HasPrefix(n, "tables/") {
				delete(files, n)
			}
		}
		if len(files) != len(man.Outputs)+1 {
			t.Errorf("snapshot %s: %d files for %d outputs", e.Name(), len(files), len(man.Outputs))
		}
	}
}

// A refresh whose data tests fail publishes nothing new: the previous
// snapshot keeps serving, even if Publish is called anyway.
func TestFailedRefreshKeepsSnapshot(t *testing.T) {
	dir := t.TempDir()
	w := setup(t, dir, batchA)
	first := publish(t, w, dir, Options{})
	before := readTree(t, first.Dir)
	whtest.Write(t, dir, whtest.Batch{SourceFile: "bad.csv", IngestedAt: day(20), Facts: []whtest.Fact{
		{Unit: "381", Province: "40", Period: "2023", Indicator: "dialogues", Value: 1}}})
	_, err := w.Refresh(ctx)
	var dte *warehouse.DataTestError
	if !errors.As(err, &dte) {
		t.Fatalf("want data test failure, got %v", err)
	}
	s := publish(t, w, dir, Options{})
	if !s.Reused || s.Dir != first.Dir {
		t.Errorf("published after a failed refresh: %+v", s)
	}
	if cur, _ := layout.Dir(dir).CurrentSnapshot(); cur != first.Dir || !reflect.DeepEqual(readTree(t, cur), before) {
		t.Errorf("current changed: %s", cur)
	}
}

func TestPruneKeepsLastN(t *testing.T) {
	dir := t.TempDir()
	w := setup(t, dir)
	var names []string
	for i := 0; i < 4; i++ {
		whtest.Write(t, dir, whtest.Batch{SourceFile: fmt.Sprintf("f%d.csv", i), IngestedAt: day(i + 1), Facts: []whtest.Fact{
			{Unit: "380", Period: fmt.Sprint(2020 + i), Indicator: "dialogues", Value: float64(i)}}})
		if _, err := w.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		s := publish(t, w, dir, Options{Keep: 2})
		names = append(names, s.Name)
		time.Sleep(20 * time.Millisecond) // distinct publication times
	}
	ents, _ := os.ReadDir(filepath.Join(dir, "exports", "snapshots"))
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	want := []string{names[2], names[3]}
	sort.Strings(want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("kept %v, want %v", got, want)
	}
}

// --- a JSON Schema checker for the subset the schemas use: type (one or a
// list), properties, required, additionalProperties (bool or schema), items,
// enum, pattern, minimum, maximum.

func loadSchema(t *testing.T, name string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "dashboards", "schemas", name+".schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s map[string]any
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("schema %s: %v", name, err)
	}
	return s
}

func validate(s map[string]any, v any, path string) []string {
	var errs []string
	fail := func(f string, a ...any) { errs = append(errs, path+": "+fmt.Sprintf(f, a...)) }
	if ty, ok := s["type"]; ok {
		var types []string
		switch x := ty.(type) {
		case string:
			types = []string{x}
		case []any:
			for _, y := range x {
				types = append(types, y.(string))
			}
		}
		match := false
		for _, ty := range types {
			match = match || typeOf(v, ty)
		}
		if !match {
			fail("type %v, want %v", v, types)
			return errs
		}
	}
	if en, ok := s["enum"].([]any); ok {
		found := false
		for _, e := range en {
			found = found || e == v
		}
		if !found {
			fail("%v not in %v", v, en)
		}
	}
	if p, ok := s["pattern"].(string); ok {
		if str, ok := v.(string); ok && !regexp.MustCompile(p).MatchString(str) {
			fail("%q does not match %s", str, p)
		}
	}
	if n, ok := v.(json.Number); ok {
		f, _ := n.Float64()
		if m, ok := s["minimum"].(float64); ok && f < m {
			fail("%v < minimum %v", f, m)
		}
		if m, ok := s["maximum"].(float64); ok && f > m {
			fail("%v > maximum %v", f, m)
		}
	}
	if obj, ok := v.(map[string]any); ok {
		props, _ := s["properties"].(map[string]any)
		for _, r := range asList(s["required"]) {
			if _, ok := obj[r.(string)]; !ok {
				fail("missing %s", r)
			}
		}
		for k, val := range obj {
			if ps, ok := props[k].(map[string]any); ok {
				errs = append(errs, validate(ps, val, path+"."+k)...)
				continue
			}
			switch ap := s["additionalProperties"].(type) {
			case bool:
				if !ap {
					fail("unexpected key %s", k)
				}
			case map[string]any:
				errs = append(errs, validate(ap, val, path+"."+k)...)
			}
		}
	}
	if arr, ok := v.([]any); ok {
		if it, ok := s["items"].(map[string]any); ok {
			for i, e := range arr {
				errs = append(errs, validate(it, e, fmt.Sprintf("%s[%d]", path, i))...)
			}
		}
	}
	return errs
}

func asList(v any) []any { l, _ := v.([]any); return l }

func typeOf(v any, ty string) bool {
	switch ty {
	case "null":
		return v == nil
	case "string":
		_, ok := v.(string)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "number":
		_, ok := v.(json.Number)
		return ok
	case "integer":
		n, ok := v.(json.Number)
		if !ok {
			return false
		}
		_, err := n.Int64()
		return err == nil
	}
	return false
}

func TestSchemaCheckerCatchesErrors(t *testing.T) {
	s := loadSchema(t, "completeness")
	bad := []any{map[string]any{"province_code": "99", "period": "2023", "period_type": "year", "period_start": "2023-01-01",
		"period_end": "2023-12-31", "expected": json.Number("3"), "received": json.Number("1.5"), "on_time": json.Number("1"),
		"late": json.Number("0"), "rate": json.Number("2"), "timeliness": nil, "deadline": "x", "missing": []any{}, "extra": true}}
	errs := validate(s, bad, "doc")
	for _, want := range []string{"not in", "1.5", "maximum", "does not match", "unexpected key extra", "missing province_reported"} {
		if !strings.Contains(strings.Join(errs, "\n"), want) {
			t.Errorf("checker missed %q: %v", want, errs)
		}
	}
}
