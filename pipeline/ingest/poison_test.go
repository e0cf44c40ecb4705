package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/danvan/danvan/pipeline"
	dd "github.com/danvan/danvan/pipeline/layout"
	"github.com/danvan/danvan/pipeline/store"
)

// poisonSetup is an inbox with a slow file (enough rows that its reading
// looks at its deadline) and a good one, ingested into a real store, which
// is also the Tracker.
func poisonSetup(t *testing.T) (inbox string, st *store.Store, data string, slow pipeline.Batch) {
	t.Helper()
	var b strings.Builder
	b.WriteString(header)
	for i := range 20_000 {
		fmt.Fprintf(&b, "Hà Tĩnh,Thạch Hà,tháng %d/%d,dialogues,,%d,\n", 1+i%12, 1990+i/12%30, i)
	}
	inbox = writeTree(t, map[string]string{"a-slow.csv": b.String(), "b-slow.csv": b.String() + good})
	data = t.TempDir()
	st, err := store.Open(data, store.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(b.String()))
	slow = pipeline.Batch{Hash: hex.EncodeToString(sum[:]), SourceFile: "a-slow.csv", SourcePath: filepath.Join(inbox, "a-slow.csv")}
	return inbox, st, data, slow
}

func poisonIngester(t *testing.T, st *store.Store, timeout time.Duration) *Ingester {
	t.Helper()
	in, err := New(Options{Now: func() time.Time { return testNow }, Tracker: st, PoisonAfter: 2, FileTimeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// TestPoisonTimedOut: a file that takes longer than a file may is left
// for the run, which goes on to the next file, and read again by the next
// run; after two runs in a row that timed out on it, the third quarantines
// it as poison, with both strikes, without reading it, and it never comes
// back. (Every file of the inbox here takes longer than a nanosecond.)
func TestPoisonTimedOut(t *testing.T) {
	inbox, st, data, slow := poisonSetup(t)
	for run := 1; run <= 2; run++ {
		sum, err := poisonIngester(t, st, time.Nanosecond).Files(context.Background(), []string{inbox}, st)
		if err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		f := sum.Files[0]
		if f.Status != Failed || f.FileErr == nil || f.FileErr.Code != "file_timed_out" ||
			!strings.Contains(f.FileErr.Reason, fmt.Sprintf("(đây là lần %d)", run)) {
			t.Fatalf("run %d: %s %+v, want the slow file left for the run, strike %d", run, f.Status, f.FileErr, run)
		}
		if g := sum.Files[1]; g.Status != Failed {
			t.Errorf("run %d: the next file is %s, want it read and left too", run, g.Status)
		}
		a, ok, err := dd.ReadAttempt(dd.Dir(data), slow.Hash)
		if err != nil || !ok || len(a.Strikes) != run || a.PID != 0 || a.Strikes[run-1].Kind != pipeline.StrikeTimedOut {
			t.Fatalf("run %d: attempt record %+v, %v, %v", run, a, ok, err)
		}
	}
	// The third run: poison, whatever its deadline.
	sum, err := poisonIngester(t, st, time.Hour).Files(context.Background(), []string{inbox}, st)
	if err != nil {
		t.Fatal(err)
	}
	f := sum.Files[0]
	if f.Status != Quarantined || f.FileErr.Code != "poison" || strings.Count(f.FileErr.Reason, "đọc tệp quá 0 giây") != 2 ||
		!strings.Contains(f.FileErr.Reason, "2 lần chạy liên tiếp") || !strings.Contains(f.FileErr.ReasonEN, "stopped 2 runs in a row") {
		t.Fatalf("third run: %s %+v, want it quarantined as poison with its two strikes", f.Status, f.FileErr)
	}
	if _, ok, _ := dd.ReadAttempt(dd.Dir(data), slow.Hash); ok {
		t.Error("the attempt record stays after the file was set aside")
	}
	reason, err := os.ReadFile(filepath.Join(dd.Dir(data).QuarantineDir(slow.Hash), dd.QuarantineReason))
	if err != nil || !strings.Contains(string(reason), "Mã lỗi: poison") {
		t.Errorf("quarantine reason: %q, %v", reason, err)
	}
	// It never stops a run again: the next runs skip it.
	sum, err = poisonIngester(t, st, time.Nanosecond).Files(context.Background(), []string{inbox}, st)
	if err != nil || sum.Files[0].Status != Skipped {
		t.Errorf("fourth run: %v, %s", err, sum.Files[0].Status)
	}
}

// TestPoisonDied: a run that died reading a file (its attempt record names
// a process that is gone) is a strike; one is forgiven when the next run
// reads the file to the end, two in a row make it poison.
func TestPoisonDied(t *testing.T) {
	// The id of a process that has ended.
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skip("no true(1):", err)
	}
	dead := cmd.Process.Pid
	started := time.Date(2025, 12, 14, 19, 0, 5, 0, time.UTC)
	for _, c := range []struct {
		earlier []pipeline.Strike // strikes before the run that died
		poison  bool
	}{
		{nil, false},
		{[]pipeline.Strike{{At: started.Add(-24 * time.Hour), Kind: pipeline.StrikeTimedOut, Reason: "đọc tệp quá 10 phút, giới hạn cho một tệp", ReasonEN: "reading the file took over 10m0s"}}, true},
	} {
		inbox, st, data, slow := poisonSetup(t)
		host, _ := os.Hostname()
		if err := dd.WriteAttempt(dd.Dir(data), dd.Attempt{Batch: slow.Hash, SourceFile: slow.SourceFile, PID: dead, Host: host,
			Started: started, Strikes: c.earlier}); err != nil {
			t.Fatal(err)
		}
		sum, err := poisonIngester(t, st, time.Hour).Files(context.Background(), []string{inbox}, st)
		if err != nil {
			t.Fatal(err)
		}
		f := sum.Files[0]
		_, ok, _ := dd.ReadAttempt(dd.Dir(data), slow.Hash)
		switch {
		case !c.poison && (f.Status != Loaded || f.Accepted+f.Rejected != 20_000 || ok):
			t.Errorf("one death: %s, %d+%d values (record left: %v), want the file read and forgiven", f.Status, f.Accepted, f.Rejected, ok)
		case c.poison && (f.Status != Quarantined || f.FileErr.Code != "poison" ||
			!strings.Contains(f.FileErr.Reason, "15/12/2025 02:00: lần chạy dừng đột ngột khi đang đọc tệp") ||
			!strings.Contains(f.FileErr.Reason, "15/12/2025 02:00") || !strings.Contains(f.FileErr.Reason, "14/12/2025 02:00: đọc tệp quá 10 phút")):
			t.Errorf("a timeout then a death: %s %+v, want poison with both", f.Status, f.FileErr)
		}
		if g := sum.Files[1]; g.Status != Loaded {
			t.Errorf("the other file: %s %+v", g.Status, g.FileErr)
		}
	}
}

// TestPoisonNotTheFilesFault: a run stopped from outside while reading a
// file leaves its strikes as they were.
func TestPoisonNotTheFilesFault(t *testing.T) {
	inbox, st, data, slow := poisonSetup(t)
	prior := []pipeline.Strike{{At: testNow.UTC(), Kind: pipeline.StrikeTimedOut, Reason: "x", ReasonEN: "x"}}
	if err := dd.WriteAttempt(dd.Dir(data), dd.Attempt{Batch: slow.Hash, SourceFile: slow.SourceFile, Strikes: prior}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := poisonIngester(t, st, time.Hour).Files(ctx, []string{inbox}, st); err == nil {
		t.Fatal("a cancelled run read its files")
	}
	in := poisonIngester(t, st, time.Hour)
	in.opts.Tracker = cancelling{st, cancel}
	ctx, cancel = context.WithCancel(context.Background())
	in.opts.Tracker = cancelling{st, cancel}
	if _, err := in.Files(ctx, []string{inbox}, st); err == nil {
		t.Fatal("the run was not stopped")
	}
	a, ok, err := dd.ReadAttempt(dd.Dir(data), slow.Hash)
	if err != nil || !ok || len(a.Strikes) != 1 || a.PID != 0 {
		t.Errorf("attempt record %+v, %v, %v: want the one strike kept and nobody reading", a, ok, err)
	}
}

// cancelling is a Tracker that stops the run as the file's reading begins.
type cancelling struct {
	*store.Store
	cancel context.CancelFunc
}

func (c cancelling) Begin(b pipeline.Batch) ([]pipeline.Strike, error) {
	s, err := c.Store.Begin(b)
	c.cancel()
	return s, err
}

// TestPoisonUnreadableKeepsStrikes: a file that cannot be read this time
// (it vanished once its reading began) is not its content's fault: the run
// reports it and reads the others, and the file's strikes stay as they
// were, neither forgiven nor added to.
func TestPoisonUnreadableKeepsStrikes(t *testing.T) {
	inbox, st, data, slow := poisonSetup(t)
	prior := []pipeline.Strike{{At: testNow.UTC(), Kind: pipeline.StrikeTimedOut, Reason: "x", ReasonEN: "x"}}
	if err := dd.WriteAttempt(dd.Dir(data), dd.Attempt{Batch: slow.Hash, SourceFile: slow.SourceFile, Strikes: prior}); err != nil {
		t.Fatal(err)
	}
	in := poisonIngester(t, st, time.Hour)
	in.opts.Tracker = vanishing{st, slow.SourcePath}
	sum, err := in.Files(context.Background(), []string{inbox}, st)
	if err != nil {
		t.Fatalf("a vanished file stopped the run: %v", err)
	}
	if f := sum.Files[0]; f.Status != Unreadable || f.FileErr == nil || f.FileErr.Code != "vanished" {
		t.Errorf("the vanished file: %s %+v, want unreadable (vanished)", f.Status, f.FileErr)
	}
	if g := sum.Files[1]; g.Status != Loaded {
		t.Errorf("the other file: %s %+v", g.Status, g.FileErr)
	}
	a, ok, err := dd.ReadAttempt(dd.Dir(data), slow.Hash)
	if err != nil || !ok || len(a.Strikes) != 1 || a.PID != 0 {
		t.Errorf("attempt record %+v, %v, %v: want the one strike kept and nobody reading", a, ok, err)
	}
}

// vanishing is a Tracker that removes a file as its reading begins.
type vanishing struct {
	*store.Store
	path string
}

func (v vanishing) Begin(b pipeline.Batch) ([]pipeline.Strike, error) {
	s, err := v.Store.Begin(b)
	if b.SourcePath == v.path {
		os.Remove(v.path)
	}
	return s, err
}

// TestPoisonTimedOutReadWhole: a file read whole (a workbook, by excelize,
// which cannot be stopped) is left for the run past its time like a
// streamed one, with a strike, and the run goes on to the next file, which
// loads.
func TestPoisonTimedOutReadWhole(t *testing.T) {
	book, err := os.ReadFile(filepath.Join("testdata", "xlsx_long", "input.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	st, err := store.Open(data, store.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	inbox := t.TempDir()
	if err := os.WriteFile(filepath.Join(inbox, "a-slow.xlsx"), book, 0o644); err != nil {
		t.Fatal(err)
	}
	sum, err := poisonIngester(t, st, time.Nanosecond).Files(context.Background(), []string{inbox}, st)
	if err != nil {
		t.Fatal(err)
	}
	f := sum.Files[0]
	if f.Status != Failed || f.FileErr == nil || f.FileErr.Code != "file_timed_out" {
		t.Fatalf("%s %+v, want the workbook left for the run", f.Status, f.FileErr)
	}
	a, ok, err := dd.ReadAttempt(dd.Dir(data), f.Hash)
	if err != nil || !ok || len(a.Strikes) != 1 || a.Strikes[0].Kind != pipeline.StrikeTimedOut {
		t.Fatalf("attempt record %+v, %v, %v", a, ok, err)
	}
	// With time enough, the same workbook loads and its strike is forgiven.
	sum, err = poisonIngester(t, st, time.Hour).Files(context.Background(), []string{inbox}, st)
	if err != nil {
		t.Fatal(err)
	}
	if f := sum.Files[0]; f.Status != Loaded || f.Accepted == 0 {
		t.Fatalf("second run: %s, %d accepted, %+v", f.Status, f.Accepted, f.FileErr)
	}
	if _, ok, _ := dd.ReadAttempt(dd.Dir(data), f.Hash); ok {
		t.Error("the strike stays after the workbook loaded")
	}
}

// TestPoisonQuarantineFails: a file the poison rule sets aside whose
// quarantine fails (the store's fault: here its folder cannot be made, as
// on a full disk) is listed not stored, and its reading ends with its
// strikes as they were (Release): no reading record naming it is left,
// which the next run would take for a run that died on it, a strike it
// never earned, named in its reason. With room, the next run sets it aside
// naming its two runs alone.
func TestPoisonQuarantineFails(t *testing.T) {
	body := `{"province":"Hà Tĩnh","period":"2023","values":[{"indicator":"dialogues","value":1}]}`
	inbox := writeTree(t, map[string]string{"a.json": body})
	sum := sha256.Sum256([]byte(body))
	hash := hex.EncodeToString(sum[:])
	data := t.TempDir()
	d := dd.Dir(data)
	strikes := []pipeline.Strike{
		{At: testNow.UTC().Add(-48 * time.Hour), Kind: pipeline.StrikeTimedOut, Reason: "đọc tệp quá 10 phút, giới hạn cho một tệp", ReasonEN: "x"},
		{At: testNow.UTC().Add(-24 * time.Hour), Kind: pipeline.StrikeTimedOut, Reason: "đọc tệp quá 10 phút, giới hạn cho một tệp", ReasonEN: "x"},
	}
	st, err := store.Open(data, store.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if err := dd.WriteAttempt(d, dd.Attempt{Batch: hash, SourceFile: "a.json", Strikes: strikes}); err != nil {
		t.Fatal(err)
	}
	// Its quarantine folder's name is taken by a file: it cannot be made.
	if err := os.MkdirAll(filepath.Dir(d.QuarantineDir(hash)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(d.QuarantineDir(hash), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := poisonIngester(t, st, time.Hour).Files(context.Background(), []string{inbox}, st)
	if err == nil {
		t.Fatal("the quarantine failed, yet the run returned no error")
	}
	if len(res.Files) != 1 || res.Files[0].Status != Failed || res.Files[0].FileErr.Code != "not_stored" {
		t.Fatalf("summary %+v, want a.json not stored", res.Files)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	left, err := dd.LeftReadings(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range left {
		if l.Attempt.Batch == hash {
			t.Errorf("a reading record still names a.json after the run (%s): the next run counts it a death", filepath.Base(l.Path))
		}
	}
	a, ok, err := dd.ReadAttempt(d, hash)
	if err != nil || !ok || len(a.Strikes) != 2 || a.PID != 0 {
		t.Errorf("attempt record %+v, %v, %v: want its two strikes and nobody reading", a, ok, err)
	}
	// With room, the next run sets it aside naming its two runs.
	if err := os.Remove(d.QuarantineDir(hash)); err != nil {
		t.Fatal(err)
	}
	st, err = store.Open(data, store.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	res, err = poisonIngester(t, st, time.Hour).Files(context.Background(), []string{inbox}, st)
	if err != nil {
		t.Fatal(err)
	}
	if f := res.Files[0]; f.Status != Quarantined || f.FileErr.Code != "poison" || !strings.Contains(f.FileErr.Reason, "2 lần chạy liên tiếp") {
		t.Errorf("next run: %s %+v, want quarantined as poison naming two runs", f.Status, f.FileErr)
	}
}
