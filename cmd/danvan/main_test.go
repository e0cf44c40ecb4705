package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/danvan/danvan/pipeline/demo"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// These tests run the real binary: built once, against real data
// directories, killed with real signals.

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "danvan-bin-")
	if err != nil {
		panic(err)
	}
	// Some tests run the binary as another user (problems_test.go).
	if err := os.Chmod(dir, 0o755); err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "danvan")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build danvan:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// fixedNow pins ingestion time so separate data directories can be
// compared byte for byte.
const fixedNow = "2026-09-15T08:00:00+07:00"

type result struct {
	stdout, stderr string
	code           int
}

func danvan(t *testing.T, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("danvan %v: %v", args, err)
	}
	return result{out.String(), errb.String(), code}
}

// smallInbox writes the demo and keeps a subset of it (Hà Tĩnh and the
// deliberately bad files), so a refresh takes a couple of seconds.
func smallInbox(t *testing.T, data string) {
	t.Helper()
	all := t.TempDir()
	if _, err := demo.Write(all, demo.DefaultOptions()); err != nil {
		t.Fatal(err)
	}
	inbox := filepath.Join(data, "inbox")
	if err := os.MkdirAll(inbox, 0o755); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(all)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, "demo-42-") && !strings.HasPrefix(name, "demo-loi-") && name != "README-DEMO.txt" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(all, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(inbox, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n < 20 {
		t.Fatalf("small inbox has only %d files", n)
	}
}

func TestUsageAndExitCodes(t *testing.T) {
	if r := danvan(t, nil); r.code != exitUsage || !strings.Contains(r.stderr, "usage: danvan") {
		t.Errorf("no command: code %d, stderr %q", r.code, r.stderr)
	}
	if r := danvan(t, nil, "frobnicate"); r.code != exitUsage {
		t.Errorf("unknown command: code %d", r.code)
	}
	if r := danvan(t, nil, "ingest", "--bogus"); r.code != exitUsage {
		t.Errorf("bad flag: code %d", r.code)
	}
	if r := danvan(t, nil, "validate"); r.code != exitUsage {
		t.Errorf("validate without files: code %d", r.code)
	}
	if r := danvan(t, nil, "serve", "--schedule", "every full moon", "--data", t.TempDir()); r.code != exitUsage ||
		!strings.Contains(r.stderr, "every full moon") {
		t.Errorf("bad schedule: code %d, stderr %q", r.code, r.stderr)
	}

	dir := t.TempDir()
	good := filepath.Join(dir, "good.csv")
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(good, []byte("tinh,don_vi,ky_bao_cao,chi_tieu,phan_to,gia_tri\nHà Tĩnh,Cẩm Xuyên,2023,models_registered,kinh tế,45\nHa Tinh,H. Cẩm Xuyên,Năm 2023,Số mô hình được công nhận,,\"1.043\"\n"), 0o644)
	os.WriteFile(bad, []byte("tinh,don_vi,ky_bao_cao,chi_tieu,phan_to,gia_tri\nHà Tĩnh,Cẩm Xuyên,2023,dialogues,,12\nHà Tĩnh,Cẩm Xuyen Moi,2023,dialogues,,12\n"), 0o644)
	if r := danvan(t, nil, "validate", good); r.code != exitOK {
		t.Errorf("validate good file: code %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r := danvan(t, nil, "validate", bad)
	if r.code != exitFailed || !strings.Contains(r.stdout, "dòng 3, cột don_vi") || !strings.Contains(r.stdout, "Cẩm Xuyen Moi") {
		t.Errorf("validate bad file: code %d, stdout %q", r.code, r.stdout)
	}
	if _, err := os.Stat(filepath.Join(dir, "data")); err == nil {
		t.Error("validate wrote a data directory")
	}
}

// snapshotFiles reads every file of the published snapshot, checking it is
// complete: the manifest lists each output with the hash of its bytes.
func snapshotFiles(t *testing.T, data string) (map[string]string, bool) {
	t.Helper()
	cur := filepath.Join(data, "exports", "current")
	target, err := filepath.EvalSymlinks(cur)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, false
		}
		t.Fatalf("exports/current: %v", err)
	}
	raw, err := os.ReadFile(filepath.Join(target, "manifest.json"))
	if err != nil {
		t.Fatalf("published snapshot %s has no manifest: %v", target, err)
	}
	var man struct {
		Outputs map[string]struct {
			SHA256 string `json:"sha256"`
		} `json:"outputs"`
	}
	if err := json.Unmarshal(raw, &man); err != nil {
		t.Fatalf("manifest of %s: %v", target, err)
	}
	files := map[string]string{"manifest.json": string(raw)}
	for name, o := range man.Outputs {
		b, err := os.ReadFile(filepath.Join(target, name))
		if err != nil {
			t.Fatalf("published snapshot %s lacks %s: %v", target, name, err)
		}
		sum := sha256.Sum256(b)
		if hex.EncodeToString(sum[:]) != o.SHA256 {
			t.Fatalf("published snapshot %s: %s does not match its manifest hash", target, name)
		}
		files[name] = string(b)
	}
	// The analysts' Parquet tables are listed, with their hashes, in
	// tables/index.json rather than the JSON manifest.
	if raw, err := os.ReadFile(filepath.Join(target, "tables", "index.json")); err == nil {
		var ix struct {
			Tables []struct {
				Files []struct {
					Path   string `json:"path"`
					SHA256 string `json:"sha256"`
				} `json:"files"`
			} `json:"tables"`
		}
		if err := json.Unmarshal(raw, &ix); err != nil {
			t.Fatalf("tables/index.json of %s: %v", target, err)
		}
		files["tables/index.json"] = string(raw)
		for _, tb := range ix.Tables {
			for _, f := range tb.Files {
				name := filepath.Join("tables", f.Path)
				b, err := os.ReadFile(filepath.Join(target, name))
				if err != nil {
					t.Fatalf("published snapshot %s lacks %s: %v", target, name, err)
				}
				if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != f.SHA256 {
					t.Fatalf("published snapshot %s: %s does not match its index hash", target, name)
				}
				files[name] = string(b)
			}
		}
	}
	err = filepath.WalkDir(target, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(target, p)
		if _, listed := files[rel]; !listed {
			t.Errorf("published snapshot %s has a file its manifest does not list: %s", target, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files, true
}

// TestRunKilledAtRandomMoments kills `danvan run` at random moments: the
// published snapshot is always complete, the run after the kills publishes
// exactly what an uninterrupted run publishes, and `danvan check` then
// finds nothing wrong in the data directory. DANVAN_KILL_TRIALS sets the
// number of kills (`make test-long` asks for 100); past the number of
// files they come in rounds, each from an empty data directory.
func TestRunKilledAtRandomMoments(t *testing.T) {
	trials := 50
	if testing.Short() {
		trials = 5
	}
	if n, err := strconv.Atoi(os.Getenv("DANVAN_KILL_TRIALS")); err == nil && n > 0 {
		trials = n
	}
	env := []string{"DANVAN_NOW=" + fixedNow}
	clean := t.TempDir()
	smallInbox(t, clean)
	start := time.Now()
	// The deliberately bad files of the demo are quarantined: done, with
	// those problems.
	if r := danvan(t, env, "run", "--data", clean); r.code != exitProblems {
		t.Fatalf("uninterrupted run: code %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	full := time.Since(start)
	want, ok := snapshotFiles(t, clean)
	if !ok {
		t.Fatal("uninterrupted run published nothing")
	}

	// The killed runs start from an empty inbox and get one more file
	// before each run, so every run has real work to interrupt: ingesting,
	// rebuilding partitions, publishing. The kill comes at a random moment
	// of the time the last run that ended on its own took, and a quarter
	// more (at first, of the uninterrupted run's), a tenth more after each
	// kill; a run that ends before it does not count as a kill. When the files run out, a round ends: the rest of the files, a
	// run that must publish exactly what the uninterrupted run published and
	// a check that finds nothing; the next round starts again from an empty
	// data directory.
	pending, err := os.ReadDir(filepath.Join(clean, "inbox"))
	if err != nil {
		t.Fatal(err)
	}
	k := killer{rng: rand.New(rand.NewPCG(1, 2)), span: full}
	rounds := 0
	for ; k.kills < trials && k.runs < 4*trials; rounds++ {
		k.round(t, env, clean, pending, trials, want)
	}
	t.Logf("%d kill -9 of danvan run in %d round(s) (%d runs, the others ended before their kill; an uninterrupted run %v): %d while ingesting, %d while refreshing or publishing, %d while ending",
		k.kills, rounds, k.runs, full.Round(time.Millisecond), k.phases[0], k.phases[1], k.phases[2])
	if k.kills < trials {
		t.Logf("only %d of the %d kills asked for came before their run ended", k.kills, trials)
	}
}

// killer kills runs of danvan at random moments.
type killer struct {
	rng   *rand.Rand
	span  time.Duration // kills come at a random moment of it
	kills int           // runs killed
	runs  int           // runs started
	// phases counts the kills by what the run had printed: nothing of the
	// ingest's total yet (ingesting), the total but not "refresh done"
	// (refreshing the warehouse, publishing), both (ending).
	phases [3]int
}

// round feeds pending, one file before each run, into a new data directory
// until kills reaches trials, then the rest, runs once more and checks that
// the outputs are the uninterrupted run's (want) and that `danvan check`
// finds nothing.
func (k *killer) round(t *testing.T, env []string, clean string, pending []os.DirEntry, trials int, want map[string]string) {
	t.Helper()
	killed := t.TempDir()
	inbox := filepath.Join(killed, "inbox")
	if err := os.MkdirAll(inbox, 0o755); err != nil {
		t.Fatal(err)
	}
	add := func(e os.DirEntry) {
		b, err := os.ReadFile(filepath.Join(clean, "inbox", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(inbox, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	for ; n < len(pending) && k.kills < trials; n++ {
		add(pending[n])
		cmd := exec.Command(binary, "run", "--data", killed, "--poison-after", "0")
		cmd.Env = append(os.Environ(), env...)
		var out bytes.Buffer
		cmd.Stdout = &out
		start := time.Now()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		k.runs++
		ended := make(chan struct{})
		go func() { cmd.Wait(); close(ended) }()
		select {
		case <-ended:
			d := time.Since(start)
			k.span = d + d/4 // the next run has one more file
		case <-time.After(time.Duration(k.rng.Int64N(int64(k.span)))):
			cmd.Process.Signal(syscall.SIGKILL)
			<-ended
			if !cmd.ProcessState.Exited() { // not ended between the timer and the signal
				k.kills++
				k.span += k.span / 10 // this run was longer: reach further
				switch {
				case !strings.Contains(out.String(), "tổng cộng"):
					k.phases[0]++
				case !strings.Contains(out.String(), "làm mới xong"):
					k.phases[1]++
				default:
					k.phases[2]++
				}
			}
		}
		snapshotFiles(t, killed) // whatever is published is whole: every file its manifest lists, with its hash
		if t.Failed() {
			t.Fatalf("run %d left a broken snapshot", k.runs)
		}
	}
	for _, e := range pending[n:] {
		add(e)
	}
	if r := danvan(t, env, "run", "--data", killed, "--poison-after", "0"); r.code != exitOK && r.code != exitProblems {
		t.Fatalf("run after kills: code %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	got, ok := snapshotFiles(t, killed)
	if !ok {
		t.Fatal("run after kills published nothing")
	}
	if len(got) != len(want) {
		t.Errorf("after kills the snapshot has %d files, uninterrupted %d", len(got), len(want))
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("%s differs from the uninterrupted run", name)
		}
	}
	if c := danvan(t, nil, "check", "--data", killed); c.code != exitOK {
		t.Errorf("check after the kills: code %d\n%s%s", c.code, c.stdout, c.stderr)
	}
	if t.Failed() {
		t.FailNow()
	}
}

// TestTwoRunsAtOnce starts two refreshes of one data directory at the same
// moment: one refreshes, the other says clearly that one is running.
func TestTwoRunsAtOnce(t *testing.T) {
	data := t.TempDir()
	if r := danvan(t, nil, "demo", "--data", data); r.code != exitOK {
		t.Fatal(r.stderr)
	}
	type out struct {
		code           int
		stdout, stderr string
	}
	done := make(chan out, 2)
	for range 2 {
		go func() {
			cmd := exec.Command(binary, "run", "--data", data)
			var o, e bytes.Buffer
			cmd.Stdout, cmd.Stderr = &o, &e
			err := cmd.Run()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			}
			done <- out{code, o.String(), e.String()}
		}()
	}
	a, b := <-done, <-done
	ok, busy := 0, 0
	for _, r := range []out{a, b} {
		switch {
		case r.code == exitProblems: // the demo's bad files are quarantined
			ok++
		case r.code == exitFailed && strings.Contains(r.stderr, "một lần làm mới khác đang chạy") &&
			strings.Contains(r.stderr, "another refresh is running"):
			busy++
		default:
			t.Errorf("unexpected outcome: code %d\n%s\n%s", r.code, r.stdout, r.stderr)
		}
	}
	if ok != 1 || busy != 1 {
		t.Errorf("want one refresh and one clear refusal, got %d refreshed, %d refused", ok, busy)
	}
	if _, published := snapshotFiles(t, data); !published {
		t.Error("no snapshot published")
	}
	if r := danvan(t, nil, "run", "--data", data); r.code != exitOK {
		t.Errorf("a later run: code %d\n%s", r.code, r.stderr)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

type servedRun struct {
	ID         string    `json:"id"`
	Status     string    `json:"status"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
}

func getJSON(url string, v any) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", url, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

func runsOf(t *testing.T, base string) []servedRun {
	var body struct {
		Runs []servedRun `json:"runs"`
	}
	if err := getJSON(base+"/api/runs", &body); err != nil {
		return nil
	}
	return body.Runs
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, limit time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", limit, what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func startServe(t *testing.T, data, addr string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(binary, "serve", "--data", data, "--addr", addr, "--schedule", "* * * * * *", "--retries", "0")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd
}

// TestServeRefreshesOnSchedule runs `danvan serve` with a per-second
// schedule: refreshes happen and never overlap, history and metrics agree,
// a new file in the inbox reaches the served JSON after a tick, and a
// server killed mid-refresh recovers its lock on restart.
func TestServeRefreshesOnSchedule(t *testing.T) {
	data := t.TempDir()
	smallInbox(t, data)
	addr := freeAddr(t)
	base := "http://" + addr
	srv := startServe(t, data, addr)

	succeeded := func(runs []servedRun) int {
		n := 0
		for _, r := range runs {
			if r.Status == "succeeded" || r.Status == "succeeded_with_problems" {
				n++
			}
		}
		return n
	}
	waitFor(t, "three successful scheduled refreshes", 3*time.Minute, func() bool { return succeeded(runsOf(t, base)) >= 3 })

	runs := runsOf(t, base)
	for i := 0; i+1 < len(runs); i++ { // newest first
		newer, older := runs[i], runs[i+1]
		if older.Status == "skipped" || newer.Status == "skipped" || older.FinishedAt.IsZero() {
			continue
		}
		if newer.StartedAt.Before(older.FinishedAt) {
			t.Errorf("runs overlap: %s started %v before %s finished %v", newer.ID, newer.StartedAt, older.ID, older.FinishedAt)
		}
	}
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	var metrics bytes.Buffer
	metrics.ReadFrom(resp.Body)
	resp.Body.Close()
	parser := expfmt.NewTextParser(model.LegacyValidation)
	families, err := parser.TextToMetricFamilies(bytes.NewReader(metrics.Bytes()))
	if err != nil {
		t.Fatalf("/metrics does not parse: %v\n%s", err, metrics.String())
	}
	var fromMetrics int
	for _, m := range families["danvan_runs_total"].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == "status" && (l.GetValue() == "succeeded" || l.GetValue() == "succeeded_with_problems") {
				fromMetrics += int(m.GetCounter().GetValue())
			}
		}
	}
	if fromHistory := succeeded(runsOf(t, base)); fromMetrics < fromHistory-1 || fromMetrics > fromHistory+1 || fromMetrics == 0 {
		// A run may finish between the two requests, hence ±1.
		t.Errorf("metrics count %d successful runs, history %d\n%s", fromMetrics, fromHistory, metrics.String())
	}

	// A new report dropped in the inbox is served after the next tick.
	newFile := "moi-ky-anh-2019.csv"
	os.WriteFile(filepath.Join(data, "inbox", newFile),
		[]byte("tinh,don_vi,ky_bao_cao,chi_tieu,gia_tri,ngay_gui\nHà Tĩnh,TX Kỳ Anh,Năm 2019,dialogues,7,10/01/2020\n"), 0o644)
	served := func() bool {
		var rows []struct {
			SourceFile string `json:"source_file"`
		}
		if err := getJSON(base+"/data/sources/42-2019.json", &rows); err != nil {
			return false
		}
		for _, r := range rows {
			if r.SourceFile == newFile {
				return true
			}
		}
		return false
	}
	waitFor(t, "the new file in the served sources", 2*time.Minute, served)

	// Kill the server in the middle of a refresh; the restarted one takes
	// over the stale lock and refreshes again.
	os.WriteFile(filepath.Join(data, "inbox", "moi-vu-quang-2019.csv"),
		[]byte("tinh,don_vi,ky_bao_cao,chi_tieu,gia_tri\nHà Tĩnh,Vũ Quang,Năm 2019,dialogues,5\n"), 0o644)
	waitFor(t, "a refresh in progress", time.Minute, func() bool {
		_, err := os.Stat(filepath.Join(data, "runs", "run.lock"))
		return err == nil
	})
	srv.Process.Signal(syscall.SIGKILL)
	srv.Wait()
	killedAt := time.Now()
	addr2 := freeAddr(t)
	base2 := "http://" + addr2
	startServe(t, data, addr2)
	waitFor(t, "a successful refresh after the restart", 2*time.Minute, func() bool {
		for _, r := range runsOf(t, base2) {
			if (r.Status == "succeeded" || r.Status == "succeeded_with_problems") && r.StartedAt.After(killedAt) {
				return true
			}
		}
		return false
	})
	for _, r := range runsOf(t, base2) {
		if r.Status == "running" && r.StartedAt.Before(killedAt) {
			t.Errorf("run %s of the killed server is still shown as running", r.ID)
		}
	}
	resp, err = http.Get(base2 + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("healthz after restart: %s", resp.Status)
	}
}

// DANVAN_CPUPROFILE writes a gzipped pprof profile of the command; a path
// that cannot be written is said on stderr and the command still runs.
func TestCPUProfile(t *testing.T) {
	prof := filepath.Join(t.TempDir(), "cpu.prof")
	cmd := exec.Command(binary, "help")
	cmd.Env = append(os.Environ(), "DANVAN_CPUPROFILE="+prof)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("danvan help: %v\n%s", err, out)
	}
	b, err := os.ReadFile(prof)
	if err != nil || len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		t.Fatalf("profile %s: %d bytes, err %v; want a gzipped profile", prof, len(b), err)
	}
	cmd = exec.Command(binary, "help")
	cmd.Env = append(os.Environ(), "DANVAN_CPUPROFILE="+filepath.Join(t.TempDir(), "missing", "cpu.prof"))
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "DANVAN_CPUPROFILE: open") {
		t.Errorf("unwritable profile: err %v, output %s", err, out)
	}
}

// A short command collects no garbage: the collector's first goal is
// heapRoom (internal/pace), set before the packages that allocate most at
// their initialisation (~3.3 MB, where Go starts collecting at a 4 MB
// heap), so ingesting one workbook runs no collection, where Go's default
// pacing ran three (and the pacing set by main, one during the packages'
// initialisation).
func TestShortCommandsDoNotCollect(t *testing.T) {
	form := filepath.Join("..", "..", "pipeline", "ingest", "testdata", "forms", "thanh-hoa-2023-theo-khoi.xlsx")
	collections := func(env ...string) (int, string) {
		t.Helper()
		cmd := exec.Command(binary, "ingest", "--data", t.TempDir(), form)
		cmd.Env = append(append(os.Environ(), "GODEBUG=gctrace=1", "DANVAN_NOW="+fixedNow), env...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("danvan ingest %s: %v\n%s", form, err, out)
		}
		n := 0
		for line := range strings.Lines(string(out)) {
			if strings.HasPrefix(line, "gc ") {
				n++
			}
		}
		return n, string(out)
	}
	if n, out := collections(); n > 0 {
		t.Errorf("danvan ingest of one workbook: %d garbage collections, want none\n%s", n, out)
	}
	// With GOGC set, Go's own pacing, as the user asked.
	if n, out := collections("GOGC=1"); n <= 1 {
		t.Errorf("GOGC=1: %d garbage collections, want more than 1\n%s", n, out)
	}
}

// The commands that read reports start reading the embedded reference
// (internal/prefetch) during the packages' initialisation, before the
// packages that take most of it (excelize, arrow's compute, the narrative
// reader), so the two overlap; the others do not read it at all.
func TestReferenceReadDuringInitialisation(t *testing.T) {
	inits := func(args ...string) []string {
		t.Helper()
		cmd := exec.Command(binary, args...)
		cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1", "DANVAN_NOW="+fixedNow)
		out, _ := cmd.CombinedOutput() // validate of a bad file exits 1
		var order []string
		for line := range strings.Lines(string(out)) {
			if f := strings.Fields(line); len(f) > 2 && f[0] == "init" {
				order = append(order, f[1])
			}
		}
		return order
	}
	at := func(order []string, pkg string) int {
		t.Helper()
		i := slices.Index(order, pkg)
		if i < 0 {
			t.Fatalf("%s not initialised: %v", pkg, order)
		}
		return i
	}
	order := inits("validate", filepath.Join(t.TempDir(), "none.csv"))
	pre := at(order, "github.com/danvan/danvan/cmd/danvan/internal/prefetch")
	for _, heavy := range []string{"github.com/xuri/excelize/v2", "github.com/apache/arrow-go/v18/arrow/compute", "github.com/danvan/danvan/pipeline/narrative"} {
		if at(order, heavy) < pre {
			t.Errorf("%s initialised before internal/prefetch: the reference would not overlap it", heavy)
		}
	}
}
