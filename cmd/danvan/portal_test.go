package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/ingest"
	"github.com/danvan/danvan/pipeline/layout"
)

// issueLink runs `danvan access issue` and returns the link it printed.
func issueLink(t *testing.T, data, unit string, args ...string) string {
	t.Helper()
	r := danvan(t, nil, append([]string{"access", "issue", "--data", data, "--unit", unit}, args...)...)
	if r.code != 0 {
		t.Fatalf("access issue: %d %s %s", r.code, r.stdout, r.stderr)
	}
	for _, line := range strings.Split(r.stdout, "\n") {
		if strings.Contains(line, "/nop/") {
			return strings.TrimSpace(line)
		}
	}
	t.Fatalf("access issue printed no link:\n%s", r.stdout)
	return ""
}

func secretOf(link string) string { return link[strings.LastIndex(link, "/")+1:] }

// startPortal starts `danvan serve` with no schedule and waits until it
// answers.
func startPortal(t *testing.T, data, addr string, args ...string) *exec.Cmd {
	t.Helper()
	return startPortalTo(t, data, addr, nil, args...)
}

// startPortalTo is startPortal with the server's output (standard output
// and error) into out; nil: its errors to the test's.
func startPortalTo(t *testing.T, data, addr string, out *bytes.Buffer, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"serve", "--data", data, "--addr", addr, "--schedule", "off"}, args...)...)
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	if out != nil {
		cmd.Stdout, cmd.Stderr = out, out
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	waitFor(t, "the server to answer", 30*time.Second, func() bool {
		res, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			res.Body.Close()
		}
		return err == nil
	})
	return cmd
}

func killNine(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
}

func sha256hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// postFile sends a file to the portal: "" commits, "dry_run=true" checks.
func postFile(t *testing.T, addr, secret, query, name string, data []byte) (int, map[string]any) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	w, _ := mw.CreateFormFile("file", name)
	w.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", "http://"+addr+"/api/submissions?"+query, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+secret)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("post %s: %v", name, err)
	}
	defer res.Body.Close()
	var body map[string]any
	json.NewDecoder(res.Body).Decode(&body)
	return res.StatusCode, body
}

// inboxFiles are the files a refresh would read from the inbox.
func inboxFiles(t *testing.T, data string) []string {
	t.Helper()
	files, _, err := ingest.Walk([]string{layout.Dir(data).Inbox()})
	if err != nil && !os.IsNotExist(err) && !strings.Contains(err.Error(), "no such file") {
		t.Fatal(err)
	}
	return files
}

// checkPortalInbox asserts that every file a refresh would read from the
// portal inbox is whole: its bytes hash to the hash its name gives.
func checkPortalInbox(t *testing.T, data string) int {
	t.Helper()
	n := 0
	for _, p := range inboxFiles(t, data) {
		r, ok := layout.ParseReceived(p)
		if !ok {
			t.Errorf("a file that is no portal file in the inbox: %s", p)
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if sha256hex(b) != r.Hash {
			t.Errorf("half-written file in the inbox: %s (%d bytes)", p, len(b))
		}
		n++
	}
	return n
}

// A server killed (kill -9) after it received every byte of a file and
// before it committed it leaves nothing in the inbox; the next server
// sweeps the upload, and the clerk's retry lands whole.
func TestPortalKilledBeforeCommit(t *testing.T) {
	if testing.Short() {
		t.Skip("starts servers")
	}
	data := t.TempDir()
	secret := secretOf(issueLink(t, data, "446"))
	file := bytes.Repeat([]byte("tinh,don_vi,ky_bao_cao,chi_tieu,gia_tri\nHà Tĩnh,Cẩm Xuyên,2024,dialogues,12\n"), 1)
	addr := freeAddr(t)
	srv := startPortal(t, data, addr)

	// Every byte of the file, but not the multipart's closing boundary:
	// the server holds the whole file and cannot commit yet.
	var head bytes.Buffer
	mw := multipart.NewWriter(&head)
	mw.CreateFormFile("file", "bao-cao.csv")
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	tail := "\r\n--" + mw.Boundary() + "--\r\n"
	fmt.Fprintf(conn, "POST /api/submissions HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n",
		addr, secret, mw.FormDataContentType(), head.Len()+len(file)+len(tail))
	conn.Write(head.Bytes())
	conn.Write(file)
	uploads := layout.Dir(data).PortalUploads()
	waitFor(t, "the server to hold the whole file", 20*time.Second, func() bool {
		des, _ := os.ReadDir(uploads)
		for _, de := range des {
			if fi, err := de.Info(); err == nil && fi.Size() == int64(len(file)) {
				return true
			}
		}
		return false
	})
	killNine(t, srv)

	if got := inboxFiles(t, data); len(got) != 0 {
		t.Fatalf("the inbox holds %v after the kill", got)
	}
	if des, _ := os.ReadDir(uploads); len(des) != 1 {
		t.Fatalf("uploads after the kill: %d files, want the one cut short", len(des))
	}
	srv = startPortal(t, data, addr)
	if des, _ := os.ReadDir(uploads); len(des) != 0 {
		t.Errorf("the restarted server left %d uploads of the dead one", len(des))
	}
	status, body := postFile(t, addr, secret, "", "bao-cao.csv", file)
	if status != 201 || body["status"] != "received" {
		t.Fatalf("the retry: %d %v", status, body)
	}
	if n := checkPortalInbox(t, data); n != 1 {
		t.Errorf("%d files in the inbox after the retry, want 1", n)
	}
	killNine(t, srv)
}

// Killed at random moments while files are being sent and committed, the
// server never leaves a half-written file where a refresh reads, and after
// each restart every file it answered 201 for is there.
func TestPortalKilledAtRandomMoments(t *testing.T) {
	if testing.Short() {
		t.Skip("starts servers")
	}
	data := t.TempDir()
	secret := secretOf(issueLink(t, data, "446"))
	addr := freeAddr(t)
	rng := rand.New(rand.NewPCG(18, 2026))
	// A file large enough that copying it into the inbox takes a while.
	big := bytes.NewBufferString("tinh,don_vi,ky_bao_cao,chi_tieu,gia_tri\n")
	for big.Len() < 1<<20 {
		big.WriteString("Hà Tĩnh,Cẩm Xuyên,2024,dialogues,12\n")
	}
	confirmed := map[string]bool{}
	for round := range 8 {
		srv := startPortal(t, data, addr)
		done := make(chan struct{})
		go func() {
			defer close(done)
			for i := 0; ; i++ {
				// A different file each time (the last row differs), so
				// none is a duplicate.
				file := append(bytes.Clone(big.Bytes()), fmt.Sprintf("Hà Tĩnh,Cẩm Xuyên,2024,contests,%d\n", round*1000+i)...)
				status, body, err := tryPost(addr, secret, file)
				if err != nil {
					return // killed
				}
				switch status {
				case 201:
					confirmed[sha256hex(file)] = true
				case 409:
				case 429: // the link's rate limit: enough for this round
					return
				default:
					t.Errorf("round %d: %d %v", round, status, body)
					return
				}
			}
		}()
		time.Sleep(time.Duration(500+rng.IntN(2500)) * time.Millisecond)
		killNine(t, srv)
		<-done
		checkPortalInbox(t, data)
		for hash := range confirmed {
			found := false
			for _, p := range inboxFiles(t, data) {
				if r, _ := layout.ParseReceived(p); r.Hash == hash {
					found = true
				}
			}
			if !found {
				t.Errorf("round %d: a file answered 201 is not in the inbox (%s)", round, hash[:12])
			}
		}
	}
	srv := startPortal(t, data, addr)
	defer killNine(t, srv)
	if des, _ := os.ReadDir(layout.Dir(data).PortalUploads()); len(des) != 0 {
		t.Errorf("uploads left after the last restart: %d", len(des))
	}
	n := checkPortalInbox(t, data)
	t.Logf("%d files received over 8 kills, %d confirmed", n, len(confirmed))
	if len(confirmed) == 0 {
		t.Error("no file was ever received: the test tested nothing")
	}
	// Every file in the portal inbox has its audit line (added at start
	// for one whose line the kill cut off).
	audit, _ := os.ReadFile(layout.Dir(data).PortalAudit())
	for _, p := range inboxFiles(t, data) {
		r, _ := layout.ParseReceived(p)
		if !bytes.Contains(audit, []byte(r.Hash)) {
			t.Errorf("no audit line for %s", filepath.Base(p))
		}
	}
}

func tryPost(addr, secret string, data []byte) (int, string, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	w, _ := mw.CreateFormFile("file", "r.csv")
	w.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", "http://"+addr+"/api/submissions", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+secret)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, string(b), err
}

// `danvan access`: a link per unit, the CSV of a province's links, the
// list with when each was last used, revocation.
func TestAccessCommands(t *testing.T) {
	data := t.TempDir()
	link := issueLink(t, data, "446", "--url", "https://danvan.example/", "--expires", "31/12/2030", "--note", "chị Lan")
	if !strings.HasPrefix(link, "https://danvan.example/nop/") || len(secretOf(link)) != 52 {
		t.Errorf("link %q", link)
	}
	for _, c := range []struct {
		args []string
		says string
	}{
		{[]string{"access", "issue", "--data", data, "--unit", "18077"}, "30/06/2025"}, // an old commune
		{[]string{"access", "issue", "--data", data, "--unit", "99999"}, "99999"},      // nobody
		{[]string{"access", "issue", "--data", data, "--unit", "446", "--expires", "01/01/2020"}, "past"},
		{[]string{"access", "issue", "--data", data}, "--unit"},
		{[]string{"access", "issue", "--data", data, "--province", "42"}, "--out"},
		{[]string{"access", "frobnicate"}, "issue, list or revoke"},
	} {
		if r := danvan(t, nil, c.args...); r.code != 2 || !strings.Contains(r.stderr, c.says) {
			t.Errorf("%v: exit %d, %s", c.args, r.code, r.stderr)
		}
	}

	// A province's communes (Hà Tĩnh has 69 since 01/07/2025) into a CSV.
	out := filepath.Join(t.TempDir(), "links.csv")
	r := danvan(t, []string{"DANVAN_NOW=2026-03-02T10:00:00+07:00"}, "access", "issue", "--data", data, "--province", "42", "--out", out, "--url", "https://danvan.example")
	if r.code != 0 {
		t.Fatalf("issue --province: %d %s %s", r.code, r.stdout, r.stderr)
	}
	fi, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("the CSV of links is %v, want readable by its owner only", fi.Mode().Perm())
	}
	b, _ := os.ReadFile(out)
	lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(string(b), "\uFEFF")), "\n")
	if len(lines) != 70 || !strings.HasPrefix(lines[0], "ma_don_vi,don_vi,cap,ma_lien_ket,duong_dan,het_han") {
		t.Fatalf("CSV: %d lines, header %q", len(lines), lines[0])
	}
	if !strings.Contains(string(b), "18754,phường Sông Trí,xã,") || !strings.Contains(string(b), "https://danvan.example/nop/") {
		t.Errorf("CSV lacks Sông Trí's line:\n%s", lines[1])
	}
	if r := danvan(t, nil, "access", "issue", "--data", data, "--province", "42", "--out", out); r.code != 2 || !strings.Contains(r.stderr, "exists") {
		t.Errorf("over an existing CSV: %d %s", r.code, r.stderr)
	}
	// Before the reform, the province's districts.
	r = danvan(t, nil, "access", "issue", "--data", data, "--province", "42", "--on", "2024-12-31", "--out", "-")
	if n := strings.Count(r.stdout, "/nop/"); r.code != 0 || n != 13 {
		t.Errorf("districts of Hà Tĩnh at the end of 2024: %d links (exit %d %s)", n, r.code, r.stderr)
	}

	// Using a link shows in the list. (And serve --max-upload-mb sets the
	// portal's size limit: 2 MiB is over 1 MiB.)
	addr := freeAddr(t)
	srv := startPortal(t, data, addr, "--max-upload-mb", "1")
	if res, err := http.Get("http://" + addr + "/nop/" + secretOf(link)); err != nil || res.StatusCode != 200 {
		t.Fatalf("open the link: %v %v", res, err)
	}
	big := bytes.Repeat([]byte("Hà Tĩnh,Cẩm Xuyên,2024,dialogues,12\n"), (2<<20)/37)
	if status, body := postFile(t, addr, secretOf(link), "dry_run=true", "big.csv", big); status != 413 || !strings.Contains(fmt.Sprint(body), "1 MiB") {
		t.Errorf("2 MiB with --max-upload-mb 1: %d %v", status, body)
	}
	killNine(t, srv)
	r = danvan(t, []string{"DANVAN_NOW=2026-03-02T10:00:00+07:00"}, "access", "list", "--data", data, "--unit", "446")
	var used string // the line of the link opened
	for _, line := range strings.Split(r.stdout, "\n") {
		if strings.Contains(line, "chị Lan") {
			used = line
		}
	}
	// The province's district links of 2024 include one for 446 too,
	// never used.
	today := time.Now().In(pipeline.Vietnam).Format("02/01/2006") // issued, and last used when the page was opened
	if r.code != 0 || strings.Count(r.stdout, "huyện Cẩm Xuyên (446)") != 2 || strings.Contains(used, "chưa dùng") || !strings.Contains(r.stdout, "chưa dùng") ||
		strings.Count(used, today) != 2 ||
		!strings.Contains(used, "31/12/2030") || !strings.Contains(used, "hiệu lực (active)") {
		t.Errorf("list:\n%s%s", r.stdout, r.stderr)
	}
	id := strings.Fields(used)[0]
	if r := danvan(t, nil, "access", "revoke", "--data", data, id); r.code != 0 {
		t.Fatalf("revoke: %s %s", r.stdout, r.stderr)
	}
	if r := danvan(t, nil, "access", "list", "--data", data, "--unit", "446"); strings.Count(r.stdout, "thu hồi (revoked)") != 1 {
		t.Errorf("after revoke:\n%s", r.stdout)
	}
	if r := danvan(t, nil, "access", "revoke", "--data", data, "nosuch"); r.code != 1 || !strings.Contains(r.stderr, "nosuch") {
		t.Errorf("revoke nosuch: %d %s", r.code, r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, secretOf(link)) {
		t.Error("a secret was printed again")
	}
}

// serve --refresh-on-submit: a file received starts a refresh (trigger
// "portal"), and the dashboard then holds it. The secret was printed once,
// by access issue, and is then nowhere: not in the server's log (JSON, with
// a refresh, a wrong and a revoked secret, a shutdown), not in /metrics, not
// in any file of the data directory.
func TestRefreshOnSubmit(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server and runs a refresh")
	}
	data := t.TempDir()
	secret := secretOf(issueLink(t, data, "446"))
	addr := freeAddr(t)
	var log bytes.Buffer
	srv := startPortalTo(t, data, addr, &log, "--refresh-on-submit", "--log-format", "json")
	file := []byte("tinh,don_vi,ky_bao_cao,chi_tieu,gia_tri\nHà Tĩnh,Cẩm Xuyên,2024,dialogues,12\n")
	status, body := postFile(t, addr, secret, "", "r.csv", file)
	if status != 201 {
		t.Fatalf("commit: %d %v", status, body)
	}
	if when := body["receipt"].(map[string]any)["dashboard"].(map[string]any)["when"]; when != "refreshing" {
		t.Errorf("the receipt says the dashboard shows it %v, want refreshing", when)
	}
	hash := sha256hex(file)
	waitFor(t, "a refresh that publishes the file", 3*time.Minute, func() bool {
		var m struct {
			Sources []struct {
				Batch string `json:"batch"`
			} `json:"sources"`
		}
		if getJSON("http://"+addr+"/data/manifest.json", &m) != nil {
			return false
		}
		for _, s := range m.Sources {
			if s.Batch == hash {
				return true
			}
		}
		return false
	})
	var runs struct {
		Runs []struct {
			Trigger string `json:"trigger"`
			Status  string `json:"status"`
		} `json:"runs"`
	}
	if err := getJSON("http://"+addr+"/api/runs", &runs); err != nil || len(runs.Runs) == 0 || runs.Runs[0].Trigger != "portal" {
		t.Errorf("runs: %+v %v", runs, err)
	}

	// Everything that could write the secret somewhere.
	base := "http://" + addr
	if status, body := postFile(t, addr, secret, "dry_run=true", "r.csv", file); status != 200 {
		t.Errorf("dry run: %d %v", status, body)
	}
	wrong := secret[:len(secret)-1] + map[bool]string{true: "b", false: "a"}[strings.HasSuffix(secret, "a")]
	for _, c := range []struct {
		secret string
		want   int
	}{{secret, 200}, {wrong, 401}} {
		if res, err := http.Get(base + "/nop/" + c.secret); err != nil || res.StatusCode != c.want {
			t.Errorf("page: %v %v, want %d", res, err, c.want)
		} else {
			res.Body.Close()
		}
	}
	list := danvan(t, nil, "access", "list", "--data", data)
	if r := danvan(t, nil, "access", "revoke", "--data", data, strings.Fields(strings.Split(list.stdout, "\n")[1])[0]); r.code != 0 {
		t.Fatalf("revoke: %s %s\n%s", r.stdout, r.stderr, list.stdout)
	}
	if status, _ := postFile(t, addr, secret, "", "r.csv", file); status != 403 {
		t.Errorf("a revoked secret: %d, want 403", status)
	}
	res, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !bytes.Contains(metrics, []byte("danvan_portal_")) {
		t.Errorf("/metrics has no portal counters:\n%s", metrics)
	}
	if err := srv.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	srv.Wait()
	if !strings.Contains(log.String(), `"level":"INFO"`) {
		t.Errorf("the server logged nothing at info level, so this test checks nothing there:\n%s", log.String())
	}
	leaks := map[string][]byte{"server log": log.Bytes(), "/metrics": metrics, "access list": []byte(list.stdout + list.stderr)}
	filepath.WalkDir(data, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Error(err)
			}
			leaks[p] = b
		}
		return nil
	})
	for where, b := range leaks {
		if bytes.Contains(b, []byte(secret[:16])) || bytes.Contains(b, []byte(wrong[:16])) {
			t.Errorf("%s holds the secret", where)
		}
	}
	if len(leaks) < 10 {
		t.Errorf("only %d places looked at", len(leaks))
	}
}
