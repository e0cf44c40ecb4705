package store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/layout"
	"github.com/danvan/danvan/pipeline/store"
)

func openDB(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatalf("open duckdb: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func queryInt(t testing.TB, db *sql.DB, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func factsGlob(dir string) string {
	return filepath.ToSlash(filepath.Join(dir, "warehouse", "facts", "**", "*.parquet"))
}

var ingestedAt = time.Date(2025, 3, 4, 5, 6, 7, 891234567, time.UTC)

func testBatch(f *fixture, n, nrej int) batch {
	h := hashOf("bao-cao-" + string(rune('a'+n%26)))
	return batch{
		Hash: h, SourceFile: "bao-cao.csv", SourcePath: "/inbox/bao-cao.csv", IngestedAt: ingestedAt,
		Records: f.records(n), Rejects: rejects(nrej),
	}
}

func open(t testing.TB, dir string, opts store.Options) *store.Store {
	t.Helper()
	s, err := store.Open(dir, opts)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// wantTypes are the facts columns' types as DuckDB reads them.
var wantTypes = map[string]string{
	"province_code": "VARCHAR", "province_name": "VARCHAR", "unit_code": "VARCHAR", "unit_name": "VARCHAR",
	"unit_level": "VARCHAR", "period": "VARCHAR", "period_type": "VARCHAR", "period_start": "DATE",
	"period_end": "DATE", "year": "INTEGER", "indicator": "VARCHAR", "disaggregation": "VARCHAR",
	"value": "DOUBLE", "qualifier": "VARCHAR", "origin": "VARCHAR", "quote": "VARCHAR", "note": "VARCHAR",
	"report_id": "VARCHAR", "source_file": "VARCHAR", "source_ref": "VARCHAR",
	"submitted_at": "TIMESTAMP WITH TIME ZONE", "ingested_at": "TIMESTAMP WITH TIME ZONE",
	"batch": "VARCHAR", "seq": "BIGINT",
}

// TestSmallFileReadBack: a file's partition whose rows are few
// (plainRows), a commune's form, is written without dictionaries, and reads
// back the same, nulls included.
func TestSmallFileReadBack(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	s := open(t, dir, store.Options{})
	b := testBatch(f, 120, 0)
	if err := commit(context.Background(), s, b); err != nil {
		t.Fatalf("commit: %v", err)
	}
	db := openDB(t)
	if n := queryInt(t, db, "SELECT count(*) FROM read_parquet('"+factsGlob(dir)+"')"); n != int64(len(b.Records)) {
		t.Errorf("rows = %d, want %d", n, len(b.Records))
	}
	seqs := make([]int, len(b.Records))
	for i := range seqs {
		seqs[i] = i
	}
	checkReadBack(t, db, dir, b, seqs)
	mrows, err := db.Query("SELECT path_in_schema, compression, encodings FROM parquet_metadata('" + factsGlob(dir) + "')")
	if err != nil {
		t.Fatalf("parquet_metadata: %v", err)
	}
	defer mrows.Close()
	for mrows.Next() {
		var col, comp, enc string
		if err := mrows.Scan(&col, &comp, &enc); err != nil {
			t.Fatal(err)
		}
		if comp != "LZ4_RAW" {
			t.Errorf("column %s: compression %s, want LZ4_RAW in a small file", col, comp)
		}
		if strings.Contains(enc, "DICTIONARY") {
			t.Errorf("column %s: encodings %s, want no dictionary in a small file", col, enc)
		}
	}
}

// checkReadBack reads the facts of dir, the store b alone was committed
// into, with DuckDB: their columns and types, the rows of b's records at
// seqs, every column against the record, and the nulls where the records
// have none (quotes, submission times).
func checkReadBack(t *testing.T, db *sql.DB, dir string, b batch, seqs []int) {
	t.Helper()
	src := "read_parquet('" + factsGlob(dir) + "', hive_partitioning=true)"
	// types, as stored in the files (no Hive columns) and through the glob
	wantOrder := []string{"province_code", "province_name", "unit_code", "unit_name", "unit_level", "period",
		"period_type", "period_start", "period_end", "year", "indicator", "disaggregation", "value", "qualifier",
		"origin", "quote", "note", "report_id", "source_file", "source_ref", "submitted_at", "ingested_at", "batch", "seq"}
	rows, err := db.Query("DESCRIBE SELECT * FROM read_parquet('" + factsGlob(dir) + "', hive_partitioning=false)")
	if err != nil {
		t.Fatalf("describe: %v", err)
	}
	var order []string
	for rows.Next() {
		var name, typ string
		var null, key, def, extra sql.NullString
		if err := rows.Scan(&name, &typ, &null, &key, &def, &extra); err != nil {
			t.Fatalf("describe: %v", err)
		}
		order = append(order, name)
		if wantTypes[name] != typ {
			t.Errorf("column %s: type %s, want %s", name, typ, wantTypes[name])
		}
	}
	rows.Close()
	if strings.Join(order, ",") != strings.Join(wantOrder, ",") {
		t.Errorf("columns %v, want %v", order, wantOrder)
	}

	// one row, every column, against the record it came from
	for _, seq := range seqs {
		r := b.Records[seq]
		var (
			pc, pn, uc, un, ul, per, pt, ind, dis, qual, orig, rid, sf, sref, batch string
			quote, note                                                             sql.NullString
			ps, pe                                                                  time.Time
			year                                                                    int32
			val                                                                     float64
			sub                                                                     sql.NullTime
			ing                                                                     time.Time
			gotSeq                                                                  int64
		)
		err := db.QueryRow(`SELECT province_code, province_name, unit_code, unit_name, unit_level, period, period_type,
			period_start, period_end, year, indicator, disaggregation, value, qualifier, origin, quote, note, report_id,
			source_file, source_ref, submitted_at, ingested_at, batch, seq FROM `+src+` WHERE seq = ?`, seq).Scan(
			&pc, &pn, &uc, &un, &ul, &per, &pt, &ps, &pe, &year, &ind, &dis, &val, &qual, &orig, &quote, &note, &rid,
			&sf, &sref, &sub, &ing, &batch, &gotSeq)
		if err != nil {
			t.Fatalf("row seq %d: %v", seq, err)
		}
		got := []any{pc, pn, uc, un, ul, per, pt, ps.Format("2006-01-02"), pe.Format("2006-01-02"), year, ind, dis, val,
			qual, orig, quote.String, quote.Valid, note.String, note.Valid, rid, sf, sref, sub.Valid, ing.UTC(), batch, gotSeq}
		want := []any{r.Province.Code, r.Province.Name, r.Unit.Code, r.Unit.Name, string(r.Unit.Level), r.Period.Code,
			string(r.Period.Type), r.Period.Start.Format("2006-01-02"), r.Period.End.Format("2006-01-02"),
			int32(r.Period.Year()), r.Indicator.Code, r.Disaggregation, r.Value, string(r.Qualifier), string(r.Origin),
			r.Quote, r.Quote != "", r.Note, r.Note != "", wantReportID(b.Hash, r.Unit.Code, r.Period.Code),
			b.SourceFile, r.Ref, !r.SubmittedAt.IsZero(), ingestedAt.Truncate(time.Microsecond), b.Hash, int64(seq)}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("seq %d field %d: got %v, want %v", seq, i, got[i], want[i])
			}
		}
		if sub.Valid && !sub.Time.Equal(r.SubmittedAt) {
			t.Errorf("seq %d submitted_at %v, want %v", seq, sub.Time, r.SubmittedAt)
		}
	}
	// nulls where stated, and nowhere else
	if n := queryInt(t, db, "SELECT count(*) FROM "+src+" WHERE quote IS NULL"); n != int64(len(b.Records)-len(b.Records)/10) {
		t.Errorf("null quotes = %d", n)
	}
	if n := queryInt(t, db, "SELECT count(*) FROM "+src+" WHERE submitted_at IS NULL"); n != int64(len(b.Records)/2) {
		t.Errorf("null submitted_at = %d", n)
	}
	if n := queryInt(t, db, "SELECT count(DISTINCT seq) FROM "+src); n != int64(len(b.Records)) {
		t.Errorf("distinct seq = %d", n)
	}
}

func TestCommitReadBack(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	// small chunks so files have several row groups
	s := open(t, dir, store.Options{ChunkRows: 1000, MaxBufferedRows: 3000})
	b := testBatch(f, 20000, 25)
	if s.Has(b.Hash) {
		t.Fatal("Has before commit = true")
	}
	if err := commit(context.Background(), s, b); err != nil {
		t.Fatalf("commit: %v", err)
	}
	if !s.Has(b.Hash) {
		t.Fatal("Has after commit = false")
	}

	// one file per partition, where design.md puts it
	wantParts := map[string]int64{}
	for _, r := range b.Records {
		wantParts[partitionOf(r)]++
	}
	var gotFiles []string
	filepath.WalkDir(filepath.Join(dir, "warehouse", "facts"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(filepath.Join(dir, "warehouse", "facts"), p)
			gotFiles = append(gotFiles, filepath.ToSlash(rel))
		}
		return nil
	})
	var wantFiles []string
	for p := range wantParts {
		wantFiles = append(wantFiles, p+"/"+b.Hash+".parquet")
	}
	sort.Strings(wantFiles)
	if strings.Join(gotFiles, "\n") != strings.Join(wantFiles, "\n") {
		t.Fatalf("facts files:\n%s\nwant:\n%s", strings.Join(gotFiles, "\n"), strings.Join(wantFiles, "\n"))
	}

	db := openDB(t)
	src := "read_parquet('" + factsGlob(dir) + "', hive_partitioning=true)"
	if n := queryInt(t, db, "SELECT count(*) FROM "+src); n != int64(len(b.Records)) {
		t.Errorf("rows = %d, want %d", n, len(b.Records))
	}
	for p, want := range wantParts {
		file := filepath.ToSlash(filepath.Join(dir, "warehouse", "facts", p, b.Hash+".parquet"))
		if n := queryInt(t, db, "SELECT count(*) FROM read_parquet('"+file+"')"); n != want {
			t.Errorf("%s: %d rows, want %d", p, n, want)
		}
	}

	checkReadBack(t, db, dir, b, []int{0, 3, 7, 19999})

	// Hive columns agree with the stored ones
	if n := queryInt(t, db, "SELECT count(*) FROM read_parquet('"+factsGlob(dir)+"', hive_partitioning=true, filename=true) "+
		"WHERE filename NOT LIKE '%/province=' || province_code || '/year=' || year || '/%'"); n != 0 {
		t.Errorf("%d rows in a partition directory that is not theirs", n)
	}

	// zstd everywhere, dictionary pages for the strings
	mrows, err := db.Query("SELECT path_in_schema, compression, encodings FROM parquet_metadata('" + factsGlob(dir) + "')")
	if err != nil {
		t.Fatalf("parquet_metadata: %v", err)
	}
	seen := map[string]bool{}
	for mrows.Next() {
		var col, comp, enc string
		if err := mrows.Scan(&col, &comp, &enc); err != nil {
			t.Fatal(err)
		}
		seen[col] = true
		if comp != "ZSTD" {
			t.Errorf("column %s: compression %s, want ZSTD", col, comp)
		}
		// source_ref is unique per row and written plain on purpose
		if wantTypes[col] == "VARCHAR" && col != "source_ref" && !strings.Contains(enc, "DICTIONARY") {
			t.Errorf("column %s: encodings %s, want a dictionary", col, enc)
		}
	}
	mrows.Close()
	if len(seen) != len(wantTypes) {
		t.Errorf("parquet_metadata saw %d columns, want %d", len(seen), len(wantTypes))
	}
	if n := queryInt(t, db, "SELECT count(DISTINCT row_group_id) FROM parquet_metadata('"+
		filepath.ToSlash(filepath.Join(dir, "warehouse", "facts", wantFiles[0]))+"')"); n < 2 {
		t.Errorf("%s has %d row groups, want several", wantFiles[0], n)
	}

	// rejects
	rej := filepath.ToSlash(filepath.Join(dir, "warehouse", "rejects", b.Hash+".parquet"))
	if n := queryInt(t, db, "SELECT count(*) FROM read_parquet('"+rej+"') WHERE source_file = 'bao-cao.csv' AND code = 'unknown_unit' AND batch = ?", b.Hash); n != 25 {
		t.Errorf("rejects = %d, want 25", n)
	}
	var ref, col, val, reason, reasonEN string
	var ing time.Time
	if err := db.QueryRow("SELECT source_ref, \"column\", value, reason, reason_en, ingested_at FROM read_parquet('"+rej+"') ORDER BY source_ref LIMIT 1").
		Scan(&ref, &col, &val, &reason, &reasonEN, &ing); err != nil {
		t.Fatalf("rejects: %v", err)
	}
	if ref != "dòng 1000" || col != "don_vi" || val != "Huyện Không Có" || reason != b.Rejects[0].Reason ||
		reasonEN != b.Rejects[0].ReasonEN || !ing.Equal(ingestedAt.Truncate(time.Microsecond)) {
		t.Errorf("reject row = %q %q %q %q %q %v", ref, col, val, reason, reasonEN, ing)
	}

	// manifest
	m, err := layout.ReadManifest(layout.Dir(dir))
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != 1 {
		t.Fatalf("manifest has %d entries", len(m))
	}
	e := m[0]
	if e.Batch != b.Hash || e.Status != layout.Loaded || e.RowsAccepted != 20000 || e.RowsRejected != 25 ||
		e.SourceFile != "bao-cao.csv" || e.SourcePath != "/inbox/bao-cao.csv" || !e.IngestedAt.Equal(ingestedAt.Truncate(time.Microsecond)) {
		t.Errorf("manifest entry = %+v", e)
	}
	var parts []string
	for p := range wantParts {
		parts = append(parts, p)
	}
	sort.Strings(parts)
	if strings.Join(e.Partitions, ",") != strings.Join(parts, ",") {
		t.Errorf("partitions %v, want %v", e.Partitions, parts)
	}
	wantReports := map[string]int64{}
	for _, r := range b.Records {
		wantReports[r.Unit.Code+"|"+r.Period.Code]++
	}
	reports, err := layout.ReadReports(layout.Dir(dir), e.Batch)
	if err != nil {
		t.Fatal(err)
	}
	if len(reports) != len(wantReports) {
		t.Errorf("%d reports, want %d", len(reports), len(wantReports))
	}
	for i, r := range reports {
		if r.Rows != wantReports[r.UnitCode+"|"+r.Period] || r.ReportID != wantReportID(b.Hash, r.UnitCode, r.Period) {
			t.Errorf("report %+v: want %d rows, id %s", r, wantReports[r.UnitCode+"|"+r.Period], wantReportID(b.Hash, r.UnitCode, r.Period))
		}
		if i > 0 && reports[i-1].UnitCode+"|"+reports[i-1].Period >= r.UnitCode+"|"+r.Period {
			t.Errorf("reports not sorted at %d", i)
		}
	}
	// the file on disk has the keys design.md names
	raw, err := os.ReadFile(filepath.Join(dir, "warehouse", "manifest", b.Hash+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(raw, &keys); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"batch", "source_file", "source_path", "size", "ingested_at", "status", "rows_accepted",
		"rows_rejected", "reason", "reason_en", "partitions"} {
		if _, ok := keys[k]; !ok {
			t.Errorf("manifest lacks %q", k)
		}
	}
	assertNoTmp(t, dir)
}

func assertNoTmp(t testing.TB, dir string) {
	t.Helper()
	des, err := os.ReadDir(filepath.Join(dir, "warehouse", "tmp"))
	if err != nil {
		t.Fatal(err)
	}
	for _, de := range des {
		t.Errorf("temp file left: %s", de.Name())
	}
	for _, sub := range []string{"manifest", "reports"} {
		des, _ := os.ReadDir(filepath.Join(dir, "warehouse", sub))
		for _, de := range des {
			if strings.HasSuffix(de.Name(), ".tmp") {
				t.Errorf("temp file left: %s/%s", sub, de.Name())
			}
		}
	}
}

func fileHashes(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	root := filepath.Join(dir, "warehouse")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		rel, _ := filepath.Rel(root, p)
		out[filepath.ToSlash(rel)] = hex.EncodeToString(sum[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestCommitTwiceIsIdempotent(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	s := open(t, dir, store.Options{ChunkRows: 4096})
	b := testBatch(f, 9000, 3)
	if err := commit(context.Background(), s, b); err != nil {
		t.Fatal(err)
	}
	first := fileHashes(t, dir)
	s2 := open(t, dir, store.Options{ChunkRows: 4096})
	if err := commit(context.Background(), s2, b); err != nil {
		t.Fatal(err)
	}
	second := fileHashes(t, dir)
	if len(first) != len(second) {
		t.Errorf("%d files after the first commit, %d after the second", len(first), len(second))
	}
	for name, h := range first {
		if second[name] != h {
			t.Errorf("%s changed on re-commit", name)
		}
	}
	db := openDB(t)
	if n := queryInt(t, db, "SELECT count(*) FROM read_parquet('"+factsGlob(dir)+"', hive_partitioning=true)"); n != 9000 {
		t.Errorf("rows after two commits = %d, want 9000", n)
	}
	m, err := layout.ReadManifest(layout.Dir(dir))
	if err != nil || len(m) != 1 {
		t.Fatalf("manifest = %v, %v", m, err)
	}
}

func TestRecommitDropsPartitionsItNoLongerHas(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	s := open(t, dir, store.Options{})
	b := testBatch(f, 3000, 2)
	if err := commit(context.Background(), s, b); err != nil {
		t.Fatal(err)
	}
	// the same file read differently (a corrected reference): one partition left, no rejects
	keep := partitionOf(b.Records[0])
	var recs []pipeline.Record
	for _, r := range b.Records {
		if partitionOf(r) == keep {
			recs = append(recs, r)
		}
	}
	b.Records, b.Rejects = recs, nil
	if err := commit(context.Background(), s, b); err != nil {
		t.Fatal(err)
	}
	files := fileHashes(t, dir)
	var facts, rej int
	for name := range files {
		switch {
		case strings.HasPrefix(name, "facts/"):
			facts++
		case strings.HasPrefix(name, "rejects/"):
			rej++
		}
	}
	if facts != 1 || rej != 0 {
		t.Errorf("after recommit: %d facts files, %d rejects files; want 1, 0", facts, rej)
	}
}

func TestQuarantine(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, store.Options{})
	content := []byte("PK\x03\x04 not really a workbook")
	src := filepath.Join(t.TempDir(), "Báo cáo quý 3.xlsx")
	if err := os.WriteFile(src, content, 0o644); err != nil {
		t.Fatal(err)
	}
	h := hashOf(string(content))
	b := batch{Hash: h, SourceFile: "Báo cáo quý 3.xlsx", SourcePath: src, IngestedAt: ingestedAt,
		FileErr: &pipeline.FileError{File: src, Code: "unreadable_xlsx", Reason: "Không mở được tệp Excel.", ReasonEN: "The Excel file cannot be opened."}}
	if err := commit(context.Background(), s, b); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "quarantine", h, "Báo cáo quý 3.xlsx"))
	if err != nil || !bytes.Equal(got, content) {
		t.Fatalf("quarantined copy = %q, %v", got, err)
	}
	reason, err := os.ReadFile(filepath.Join(dir, "quarantine", h, "reason.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Không mở được tệp Excel.", "The Excel file cannot be opened.", "unreadable_xlsx"} {
		if !strings.Contains(string(reason), want) {
			t.Errorf("reason.txt lacks %q:\n%s", want, reason)
		}
	}
	m, err := layout.ReadManifest(layout.Dir(dir))
	if err != nil || len(m) != 1 {
		t.Fatalf("manifest = %v, %v", m, err)
	}
	if e := m[0]; e.Status != layout.Quarantined || e.Size != int64(len(content)) || e.Reason != b.FileErr.Reason ||
		e.ReasonEN != b.FileErr.ReasonEN || e.RowsAccepted != 0 || e.Partitions == nil {
		t.Errorf("manifest entry = %+v", e)
	}
	if !s.Has(h) {
		t.Error("Has(quarantined) = false")
	}
	assertNoTmp(t, dir)
}

func TestManifestSortedAndEmptyBatch(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	s := open(t, dir, store.Options{})
	ctx := context.Background()
	late := batch{Hash: hashOf("late"), SourceFile: "b.json", IngestedAt: ingestedAt.Add(time.Hour), Records: f.records(10)}
	early := batch{Hash: hashOf("early"), SourceFile: "a.json", IngestedAt: ingestedAt, Rejects: rejects(4)}
	for _, b := range []batch{late, early} {
		if err := commit(ctx, s, b); err != nil {
			t.Fatal(err)
		}
	}
	m, err := layout.ReadManifest(layout.Dir(dir))
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != 2 || m[0].Batch > m[1].Batch {
		t.Fatalf("manifest order: %+v", m)
	}
	if m[0].Batch != early.Hash {
		m[0], m[1] = m[1], m[0]
	}
	if m[0].RowsAccepted != 0 || m[0].RowsRejected != 4 || len(m[0].Partitions) != 0 || m[0].Status != layout.Loaded {
		t.Errorf("all-rejected entry = %+v", m[0])
	}
}

func TestBadInput(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	s := open(t, dir, store.Options{ChunkRows: 100})
	ctx := context.Background()
	for _, h := range []string{"", "abc", strings.Repeat("G", 64), "../../" + strings.Repeat("a", 60)} {
		if err := commit(ctx, s, batch{Hash: h, SourceFile: "x.csv"}); err == nil {
			t.Errorf("hash %q accepted", h)
		}
		if s.Has(h) {
			t.Errorf("Has(%q) = true", h)
		}
	}
	if err := commit(ctx, s, batch{Hash: hashOf("x"), SourceFile: ""}); err == nil {
		t.Error("empty source file accepted")
	}
	// a record without its unit fails the batch; nothing is committed, no temp file stays
	recs := f.records(500)
	recs[350].Unit = nil
	b := batch{Hash: hashOf("bad"), SourceFile: "x.csv", Records: recs}
	err := commit(ctx, s, b)
	if err == nil || !strings.Contains(err.Error(), "record 350") {
		t.Errorf("commit with a nil unit: %v", err)
	}
	if s.Has(b.Hash) {
		t.Error("failed batch is in the manifest")
	}
	assertNoTmp(t, dir)
	// a missing quarantine source is an error, not a manifest entry
	q := batch{Hash: hashOf("q"), SourceFile: "gone.xlsx", SourcePath: filepath.Join(dir, "gone.xlsx"),
		FileErr: &pipeline.FileError{Code: "x", Reason: "r", ReasonEN: "r"}}
	if err := commit(ctx, s, q); err == nil || s.Has(q.Hash) {
		t.Errorf("quarantine of a missing file: %v, Has=%v", err, s.Has(q.Hash))
	}
	// a cancelled context commits nothing
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	b = batch{Hash: hashOf("cancelled"), SourceFile: "x.csv", Records: f.records(300)}
	if err := commit(cctx, s, b); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled commit: %v", err)
	}
	if s.Has(b.Hash) {
		t.Error("cancelled batch is in the manifest")
	}
	assertNoTmp(t, dir)
}

func TestStreamingTx(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	s := open(t, dir, store.Options{ChunkRows: 512, MaxBufferedRows: 1024})
	h := hashOf("stream")
	tx, err := s.Open(pipeline.Batch{Hash: h, SourceFile: "lon.jsonl", SourcePath: "", IngestedAt: ingestedAt})
	if err != nil {
		t.Fatal(err)
	}
	all := f.records(10000)
	for i := 0; i < len(all); i += 777 {
		end := min(i+777, len(all))
		if err := tx.Add(all[i:end]); err != nil {
			t.Fatal(err)
		}
		if err := tx.Reject(rejects(2)); err != nil {
			t.Fatal(err)
		}
		if i%3 == 0 {
			tx.Flush() // the rows so far are written while more come
		}
	}
	tx.Flush()
	if err := tx.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := tx.Add(all[:1]); err == nil {
		t.Error("Add after Commit accepted")
	}
	tx.Rollback() // no effect after Commit
	if !s.Has(h) {
		t.Fatal("not committed")
	}
	db := openDB(t)
	var n, sumSeq int64
	var sumVal float64
	if err := db.QueryRow("SELECT count(*), sum(seq), sum(value) FROM read_parquet('"+factsGlob(dir)+"')").Scan(&n, &sumSeq, &sumVal); err != nil {
		t.Fatal(err)
	}
	var wantVal float64
	for _, r := range all {
		wantVal += r.Value
	}
	if n != 10000 || sumSeq != 9999*10000/2 || math.Abs(sumVal-wantVal) > 1e-6 {
		t.Errorf("count %d, sum(seq) %d, sum(value) %v; want 10000, %d, %v", n, sumSeq, sumVal, 9999*10000/2, wantVal)
	}
	rej := filepath.ToSlash(filepath.Join(dir, "warehouse", "rejects", h+".parquet"))
	if n := queryInt(t, db, "SELECT count(*) FROM read_parquet('"+rej+"')"); n != 26 {
		t.Errorf("rejects = %d, want 26", n)
	}

	// Abort leaves nothing
	h2 := hashOf("aborted")
	tx, err = s.Open(pipeline.Batch{Hash: h2, SourceFile: "x.csv", SourcePath: "", IngestedAt: time.Time{}})
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Add(all); err != nil {
		t.Fatal(err)
	}
	tx.Flush()
	tx.Rollback()
	if err := tx.Commit(context.Background()); err == nil {
		t.Error("Commit after Abort succeeded")
	}
	if s.Has(h2) {
		t.Error("aborted batch committed")
	}
	for name := range fileHashes(t, dir) {
		if strings.Contains(name, h2) {
			t.Errorf("aborted batch left %s", name)
		}
	}
	assertNoTmp(t, dir)
}

func TestOpenCleansStaleTmp(t *testing.T) {
	dir := t.TempDir()
	open(t, dir, store.Options{})
	tmp := filepath.Join(dir, "warehouse", "tmp")
	dead := filepath.Join(tmp, "2147483646-1-abc.parquet.tmp") // no such process
	odd := filepath.Join(tmp, "leftover")
	mine := filepath.Join(tmp, layout.Self()+"-1-x.tmp")
	for _, p := range []string{dead, odd, mine} {
		if err := os.WriteFile(p, []byte("partial"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	open(t, dir, store.Options{})
	for p, want := range map[string]bool{dead: false, odd: false, mine: true} {
		if _, err := os.Stat(p); (err == nil) != want {
			t.Errorf("%s exists = %v, want %v", filepath.Base(p), err == nil, want)
		}
	}
}

// A file committed again with a list short enough for its commit record
// (the same file read differently, or a list an earlier version wrote to a
// file of its own) leaves no list file behind.
func TestRecommitShortReportListRemovesItsFile(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	s := open(t, dir, store.Options{})
	b := testBatch(f, 40*len(f.inds), 0)
	if err := commit(context.Background(), s, b); err != nil {
		t.Fatal(err)
	}
	d := layout.Dir(dir)
	if _, err := os.Stat(d.ReportsFile(b.Hash)); err != nil {
		t.Fatalf("a list of 40 reports has no file: %v", err)
	}
	b.Records = b.Records[:2*len(f.inds)]
	if err := commit(context.Background(), s, b); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(d.ReportsFile(b.Hash)); !os.IsNotExist(err) {
		t.Errorf("the old list's file is still there: %v", err)
	}
	if r, err := layout.ReadReports(d, b.Hash); err != nil || len(r) != 2 {
		t.Errorf("reports after the second commit: %+v, %v; want 2", r, err)
	}
}
