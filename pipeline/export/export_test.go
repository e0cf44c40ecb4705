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
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/danvan/danvan/pipeline/layout"
	"github.com/danvan/danvan/pipeline/warehouse"
	"github.com/danvan/danvan/pipeline/warehouse/whtest"
	"github.com/santhosh-tekuri/jsonschema/v6"
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
	want := []string{"completeness.json", "files.json", "indicators.json", "manifest.json", "province_year.json", "provinces.json",
		"refusals.json", "reporting.json", "sources/38-2023.json", "sources/38-2025.json", "sources/42-2022.json", "sources/42-2023.json",
		"unit_year.json", "years.json"}
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
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := schema(t, schemaName).Validate(doc); err != nil {
			t.Errorf("%s does not validate: %v", name, err)
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

// schema compiles dashboards/schemas/<name>.schema.json (JSON Schema 2020-12).
func schema(t *testing.T, name string) *jsonschema.Schema {
	t.Helper()
	sch, err := jsonschema.NewCompiler().Compile(filepath.Join("..", "..", "dashboards", "schemas", name+".schema.json"))
	if err != nil {
		t.Fatalf("schema %s: %v", name, err)
	}
	return sch
}

// The schemas refuse what breaks the contract: a document with six faults
// is refused for each of them.
func TestSchemaCatchesErrors(t *testing.T) {
	bad := `[{"province_code": "99", "period": "2023", "period_type": "year", "period_start": "2023-01-01",
		"period_end": "2023-12-31", "expected": 3, "received": 1.5, "on_time": 1, "late": 0, "rate": 2,
		"timeliness": null, "deadline": "x", "missing": [], "extra": true}]`
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(bad))
	if err != nil {
		t.Fatal(err)
	}
	err = schema(t, "completeness").Validate(doc)
	if err == nil {
		t.Fatal("a broken completeness.json validates")
	}
	for _, want := range []string{"/0/province_code", "/0/received", "/0/rate", "/0/deadline", "extra", "province_reported"} {
		if !strings.Contains(fmt.Sprintf("%#v", err), want) {
			t.Errorf("validation missed %q:\n%#v", want, err)
		}
	}
}

// Each output's columns (pipeline/layout: the CSV downloads' columns, the
// export's SELECT) are its schema's keys, all of them required.
func TestOutputColumnsAreTheSchemas(t *testing.T) {
	for _, o := range append([]layout.Output{layout.Sources}, layout.Outputs...) {
		b, err := os.ReadFile(filepath.Join("..", "..", "dashboards", "schemas", o.Name+".schema.json"))
		if err != nil {
			t.Fatal(err)
		}
		var s struct {
			Items struct {
				Required   []string                   `json:"required"`
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"items"`
		}
		if err := json.Unmarshal(b, &s); err != nil {
			t.Fatal(err)
		}
		var props []string
		for k := range s.Items.Properties {
			props = append(props, k)
		}
		cols := slices.Sorted(slices.Values(o.Columns))
		sort.Strings(props)
		sort.Strings(s.Items.Required)
		if !reflect.DeepEqual(cols, props) || !reflect.DeepEqual(cols, s.Items.Required) {
			t.Errorf("%s: columns %v\nschema properties %v\nrequired %v", o.Name, cols, props, s.Items.Required)
		}
	}
}
