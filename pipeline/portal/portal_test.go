package portal

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/layout"
)

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// The links file holds hashes, never a secret; Check finds a link by its
// secret only while it works.
func TestLinks(t *testing.T) {
	f := newFixture(t, nil)
	l, secret := f.issue("446", f.now.Add(24*time.Hour))
	if !wellFormed(secret) || len(secret) != 52 {
		t.Fatalf("secret %q: want 52 base32 characters", secret)
	}
	b, err := os.ReadFile(f.dir.PortalLinks())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte(secret)) || bytes.Contains(b, []byte(secret[:20])) {
		t.Fatal("the links file holds the secret")
	}
	if !bytes.Contains(b, []byte(hashSecret(secret))) {
		t.Fatal("the links file does not hold the secret's hash")
	}
	if got, err := f.p.links.Check(secret, f.now); err != nil || got.ID != l.ID || got.Unit != "446" {
		t.Fatalf("Check = %+v, %v", got, err)
	}
	for _, bad := range []string{"", secret[:51], secret + "a", strings.ToUpper(secret), secret[:51] + "1"} {
		if _, err := f.p.links.Check(bad, f.now); err == nil {
			t.Errorf("Check(%q) opened a link", bad)
		}
	}
	// Expiry: the link works until the instant it expires.
	if _, err := f.p.links.Check(secret, f.now.Add(24*time.Hour-time.Second)); err != nil {
		t.Errorf("a second before expiry: %v", err)
	}
	_, err = f.p.links.Check(secret, f.now.Add(24*time.Hour))
	if ae, ok := err.(*AuthError); !ok || ae.State != Expired || ae.Link.ID != l.ID {
		t.Errorf("at expiry: %v, want expired", err)
	}
	// A revocation by another Links (another process) is seen at once.
	if _, err := OpenLinks(f.dir).Revoke(l.ID, f.now); err != nil {
		t.Fatal(err)
	}
	_, err = f.p.links.Check(secret, f.now)
	if ae, ok := err.(*AuthError); !ok || ae.State != Revoked {
		t.Errorf("after revoke: %v, want revoked", err)
	}
	if _, err := OpenLinks(f.dir).Revoke("nosuch", f.now); err == nil {
		t.Error("revoked a link that does not exist")
	}
	events, _ := ReadAudit(f.dir)
	kinds := ""
	for _, e := range events {
		kinds += string(e.Kind) + " "
	}
	if kinds != "issued revoked " {
		t.Errorf("audit log: %q, want the issue and the revocation", kinds)
	}
}

// A wrong secret is 401, an expired or revoked link 403 with its reason,
// on the API and on the page (never a bare 404).
func TestWrongExpiredRevoked(t *testing.T) {
	f := newFixture(t, nil)
	_, good := f.issue("446", time.Time{})
	expired, expSecret := f.issue("446", f.now.Add(time.Hour))
	revoked, revSecret := f.issue("447", time.Time{})
	if _, err := f.p.links.Revoke(revoked.ID, f.now); err != nil {
		t.Fatal(err)
	}
	f.now = f.now.Add(2 * time.Hour)
	wrong := good[:51] + map[bool]string{true: "b", false: "a"}[good[51] == 'a']
	csv := csvReport("Hà Tĩnh,Cẩm Xuyên,2024,dialogues,12")
	for _, c := range []struct {
		name, secret string
		status       int
		code         string
		says         string
	}{
		{"no secret", "", 401, "unknown_link", "không đúng"},
		{"wrong secret", wrong, 401, "unknown_link", "không đúng"},
		{"expired", expSecret, 403, "link_expired", "đã hết hạn lúc"},
		{"revoked", revSecret, 403, "link_revoked", "đã bị thu hồi ngày"},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, r := range []response{f.send(c.secret, "dry_run=true", "r.csv", csv), f.send(c.secret, "", "r.csv", csv), f.get(c.secret, "/api/submissions")} {
				if r.status != c.status || r.str("code") != c.code || !strings.Contains(r.str("error"), c.says) || r.str("error_en") == "" {
					t.Errorf("got %d %s", r.status, r.raw)
				}
			}
			if c.secret == "" {
				return
			}
			page := f.get("", "/nop/"+c.secret)
			if page.status != c.status || !strings.Contains(string(page.raw), c.says) || !strings.Contains(string(page.raw), `role="alert"`) {
				t.Errorf("page: %d\n%s", page.status, page.raw)
			}
			if c.code == "link_expired" && !strings.Contains(string(page.raw), expired.ID) {
				t.Errorf("the expired link's page does not name the link")
			}
			en := f.get("", "/nop/"+c.secret+"?lang=en")
			if en.status != c.status || !strings.Contains(string(en.raw), map[int]string{401: "not valid", 403: "province office for a new link"}[c.status]) {
				t.Errorf("English page: %d\n%s", en.status, en.raw)
			}
		})
	}
	if page := f.get("", "/nop/"+good); page.status != 200 || !strings.Contains(string(page.raw), `data-link="active"`) {
		t.Errorf("a good link's page: %d", page.status)
	}
	if len(files(t, f.dir.Inbox())) != 0 {
		t.Errorf("a refused request left files: %v", files(t, f.dir.Inbox()))
	}
}

// A dry run answers what would be accepted and refused, per value, and
// keeps nothing; the commit puts the file into the inbox under its hash,
// and the same file again is recognised.
func TestPreviewCommitDuplicate(t *testing.T) {
	f := newFixture(t, nil)
	l, secret := f.issue("446", time.Time{})
	form := formXLSX(t, "Hà Tĩnh", "Năm 2024", []string{"Số mô hình đăng ký", "Số mô hình được công nhận", "Số cuộc tiếp xúc, đối thoại"},
		[][]any{{"Cẩm Xuyên", 45, 41, "28,5"}})
	r := f.send(secret, "dry_run=true", "bao-cao-cam-xuyen.xlsx", form)
	if r.status != 200 || r.str("status") != "preview" {
		t.Fatalf("dry run: %d %s", r.status, r.raw)
	}
	if n := r.num("preview", "accepted_count"); n != 2 {
		t.Errorf("accepted %v, want 2", n)
	}
	refused := r.list("preview", "refused")
	if len(refused) != 1 {
		t.Fatalf("refused %v, want exactly the one bad cell", refused)
	}
	e := refused[0].(map[string]any)
	if e["ref"] != "Biểu 1!E7" || e["value"] != "28,5" || e["code"] != "not_whole_number" || e["reason"] == "" {
		t.Errorf("refusal %v, want cell Biểu 1!E7, value 28,5, not_whole_number", e)
	}
	if r.str("preview", "file", "type") != "xlsx" || r.str("preview", "file", "name") != "bao-cao-cam-xuyen.xlsx" || r.str("preview", "file", "sha256") != sha(form) {
		t.Errorf("file %v", r.body["preview"].(map[string]any)["file"])
	}
	if got := files(t, string(f.dir)); len(got) != 3 { // links.json, links.lock, audit.jsonl
		t.Errorf("a dry run left %v", got)
	}

	c := f.send(secret, "expect="+sha(form), "bao-cao-cam-xuyen.xlsx", form)
	if c.status != 201 || c.str("status") != "received" {
		t.Fatalf("commit: %d %s", c.status, c.raw)
	}
	at := f.now.UTC().Truncate(time.Millisecond)
	want := f.dir.ReceivedFile(layout.Received{Unit: "446", At: at, Hash: sha(form), Ext: ".xlsx"})
	got, err := os.ReadFile(want)
	if err != nil || !bytes.Equal(got, form) {
		t.Fatalf("the inbox does not hold the file at %s: %v", want, err)
	}
	if c.str("receipt", "file", "code") != confirmation(sha(form)) || c.str("receipt", "link") != l.ID || c.num("receipt", "accepted") != 2 || c.num("receipt", "refused") != 1 {
		t.Errorf("receipt %s", c.raw)
	}
	if len(files(t, f.dir.PortalUploads())) != 0 {
		t.Errorf("uploads left: %v", files(t, f.dir.PortalUploads()))
	}
	events, _ := ReadAudit(f.dir)
	last := events[len(events)-1]
	if last.Kind != EventReceived || last.Link != l.ID || last.Unit != "446" || last.Address != "127.0.0.1" || last.SHA256 != sha(form) ||
		last.Accepted != 2 || last.Refused != 1 || last.Path != "inbox/portal/446/"+filepath.Base(want) || !last.Time.Equal(at) {
		t.Errorf("audit line %+v", last)
	}

	// The same bytes again, under another name: already received, nothing new.
	f.now = f.now.Add(time.Minute)
	for _, q := range []string{"dry_run=true", ""} {
		d := f.send(secret, q, "copy.xlsx", form)
		got, _ := time.Parse(time.RFC3339Nano, d.str("receipt", "received_at"))
		if d.status != 200 || d.str("status") != "already_received" || !got.Equal(at) {
			t.Errorf("%q again: %d %s", q, d.status, d.raw)
		}
	}
	if n := len(files(t, f.dir.PortalInbox())); n != 1 {
		t.Errorf("the inbox holds %d files, want 1", n)
	}
	// The receipt can be fetched again by the unit, not by another.
	if rc := f.get(secret, "/api/submissions/"+sha(form)); rc.status != 200 || rc.str("file", "sha256") != sha(form) {
		t.Errorf("receipt again: %d %s", rc.status, rc.raw)
	}
	_, other := f.issue("447", time.Time{})
	if rc := f.get(other, "/api/submissions/"+sha(form)); rc.status != 404 {
		t.Errorf("another unit's receipt: %d %s", rc.status, rc.raw)
	}
	_, office := f.issue("42", time.Time{})
	if rc := f.get(office, "/api/submissions/"+sha(form)); rc.status != 200 {
		t.Errorf("the province office sees its district's receipt: %d %s", rc.status, rc.raw)
	}
	ctx := f.get(secret, "/api/submissions")
	if ctx.status != 200 || len(ctx.list("files")) != 1 || ctx.str("unit", "title") != "huyện Cẩm Xuyên" {
		t.Errorf("context: %d %s", ctx.status, ctx.raw)
	}
	if sent := ctx.list("sent"); len(sent) != 1 || sent[0].(map[string]any)["period"] != "2024" || sent[0].(map[string]any)["pending"] != true {
		t.Errorf("sent periods %v, want 2024, pending", sent)
	}
}

// A link used for another unit's rows: those rows are refused with that
// reason, the unit's own still come; a province office's link takes its
// province's units and refuses the others'.
func TestOnlyItsOwnData(t *testing.T) {
	f := newFixture(t, nil)
	_, district := f.issue("446", time.Time{})
	_, office := f.issue("42", time.Time{})
	file := csvReport(
		"Hà Tĩnh,Cẩm Xuyên,2024,dialogues,12",
		"Hà Tĩnh,Hương Khê,2024,dialogues,7",
		"Hà Tĩnh,,2024,dialogues,300",
		"Nghệ An,Nam Đàn,2024,dialogues,9",
	)
	cases := []struct {
		secret   string
		accepted float64
		codes    []string
	}{
		{district, 1, []string{"other_unit", "other_unit", "other_unit"}},
		{office, 3, []string{"outside_province"}},
	}
	for _, c := range cases {
		r := f.send(c.secret, "dry_run=true", "r.csv", file)
		if r.status != 200 || r.num("preview", "accepted_count") != c.accepted {
			t.Errorf("%d %s", r.status, r.raw)
			continue
		}
		var codes []string
		for _, e := range r.list("preview", "refused") {
			m := e.(map[string]any)
			codes = append(codes, m["code"].(string))
			if m["fix"] == "" || !strings.Contains(m["reason"].(string), "Đường dẫn nộp này là của") {
				t.Errorf("refusal %v does not say whose link it is or how to fix it", m)
			}
		}
		if strings.Join(codes, ",") != strings.Join(c.codes, ",") {
			t.Errorf("refused %v, want %v", codes, c.codes)
		}
	}
	// Committed, the file is held to the same rule by the night's ingest
	// (ingest's test); here: nothing of it reaches the inbox unless sent.
	if n := len(files(t, f.dir.Inbox())); n != 0 {
		t.Errorf("dry runs left %d files", n)
	}
}

// A file that nothing of would be accepted is not committed.
func TestNothingAccepted(t *testing.T) {
	f := newFixture(t, nil)
	_, secret := f.issue("446", time.Time{})
	r := f.send(secret, "", "r.csv", csvReport("Hà Tĩnh,Hương Khê,2024,dialogues,7"))
	if r.status != 422 || r.str("code") != "nothing_accepted" || len(r.list("preview", "refused")) != 1 {
		t.Errorf("%d %s", r.status, r.raw)
	}
	r = f.send(secret, "", "r.pdf", []byte("%PDF-1.4 whatever"))
	if r.status != 415 || r.str("code") != "pdf" {
		t.Errorf("pdf: %d %s", r.status, r.raw)
	}
	if n := len(files(t, f.dir.Inbox())); n != 0 {
		t.Errorf("refused files reached the inbox: %d", n)
	}
}

// What the preview says a file changes: against the published values and
// the portal files not published yet.
func TestChanges(t *testing.T) {
	f := newFixture(t, nil)
	_, secret := f.issue("446", time.Time{})
	key := func(ind string) pipeline.ValueKey {
		return pipeline.ValueKey{Unit: "446", Period: "2024", Indicator: ind, Disaggregation: "total"}
	}
	f.pub.run = "run1"
	f.pub.values = []PublishedValue{
		{Key: key("dialogues"), Value: 10, Qualifier: "exact", Source: "old.csv", Received: time.Date(2025, 1, 5, 0, 0, 0, 0, time.UTC)},
		{Key: key("contests"), Value: 3, Qualifier: "exact", Source: "old.csv"},
		{Key: key("models_registered"), Value: 40, Qualifier: "exact", Source: "old.csv"},
	}
	first := csvReport("Hà Tĩnh,Cẩm Xuyên,2024,dialogues,12", "Hà Tĩnh,Cẩm Xuyên,2024,contests,3", "Hà Tĩnh,Cẩm Xuyên,2024,workdays_contributed,100")
	r := f.send(secret, "dry_run=true", "a.csv", first)
	ch, _ := r.body["preview"].(map[string]any)["changes"].(map[string]any)
	if ch == nil || ch["replaces"] != true || ch["same"] != 1.0 || ch["new"] != 1.0 || ch["kept"] != 1.0 {
		t.Fatalf("changes %s", r.raw)
	}
	changed := ch["changed"].([]any)
	if len(changed) != 1 || changed[0].(map[string]any)["indicator"] != "dialogues" || changed[0].(map[string]any)["old"] != 10.0 ||
		changed[0].(map[string]any)["new"] != 12.0 || changed[0].(map[string]any)["old_source"] != "old.csv" {
		t.Errorf("changed %v", changed)
	}
	if c := f.send(secret, "", "a.csv", first); c.status != 201 {
		t.Fatalf("commit: %d %s", c.status, c.raw)
	}
	// A second file before the next refresh: compared with the first,
	// which is not published yet.
	f.now = f.now.Add(time.Hour)
	second := csvReport("Hà Tĩnh,Cẩm Xuyên,2024,dialogues,13")
	r = f.send(secret, "dry_run=true", "b.csv", second)
	changed = r.body["preview"].(map[string]any)["changes"].(map[string]any)["changed"].([]any)
	if len(changed) != 1 || changed[0].(map[string]any)["old"] != 12.0 || changed[0].(map[string]any)["pending"] != true {
		t.Errorf("against a pending submission: %s", r.raw)
	}
	// Once the first is published, it is the published value.
	f.pub.batches = map[string]bool{sha(first): true}
	f.pub.values[0].Value, f.pub.values[0].Source = 12, "first.csv"
	r = f.send(secret, "dry_run=true", "b.csv", second)
	changed = r.body["preview"].(map[string]any)["changes"].(map[string]any)["changed"].([]any)
	if len(changed) != 1 || changed[0].(map[string]any)["old_source"] != "first.csv" || changed[0].(map[string]any)["pending"] != false {
		t.Errorf("against the published value: %s", r.raw)
	}
}

// Requests from another site's page are refused; the page's own are not.
func TestCrossSite(t *testing.T) {
	f := newFixture(t, nil)
	_, secret := f.issue("446", time.Time{})
	file := csvReport("Hà Tĩnh,Cẩm Xuyên,2024,dialogues,12")
	host := strings.TrimPrefix(f.srv.URL, "http://")
	for _, h := range [][]string{
		{"Origin", "https://evil.example"},
		{"Origin", "http://" + host + ".evil.example"},
		{"Origin", "null"},
		{"Sec-Fetch-Site", "cross-site"},
		{"Sec-Fetch-Site", "same-site"},
	} {
		r := f.send(secret, "", "r.csv", file, h...)
		if r.status != 403 || r.str("code") != "cross_site" {
			t.Errorf("%s: %s: %d %s", h[0], h[1], r.status, r.raw)
		}
	}
	if n := len(files(t, f.dir.Inbox())); n != 0 {
		t.Fatalf("a cross-site request reached the inbox")
	}
	r := f.send(secret, "", "r.csv", file, "Origin", "http://"+host, "Sec-Fetch-Site", "same-origin")
	if r.status != 201 {
		t.Errorf("the page's own request: %d %s", r.status, r.raw)
	}
	// No CORS: a preflight is not granted, so no other site's script can
	// send the Authorization header.
	req, _ := http.NewRequest("OPTIONS", f.srv.URL+"/api/submissions", nil)
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "authorization")
	pre := f.do(req)
	if pre.header.Get("Access-Control-Allow-Origin") != "" || pre.header.Get("Access-Control-Allow-Headers") != "" || pre.status < 400 {
		t.Errorf("preflight answered %d %v", pre.status, pre.header)
	}
}

// Rate limits per link and per address answer 429 with Retry-After.
func TestRateLimits(t *testing.T) {
	f := newFixture(t, func(o *Options) {
		o.LinkRate, o.LinkBurst = 1.0/3600, 3
		o.AddressRate, o.AddressBurst = 1.0/3600, 8
	})
	_, a := f.issue("446", time.Time{})
	_, b := f.issue("447", time.Time{})
	file := csvReport("Hà Tĩnh,Cẩm Xuyên,2024,dialogues,12")
	for i := range 3 {
		if r := f.send(a, "dry_run=true", "r.csv", file); r.status != 200 {
			t.Fatalf("upload %d: %d %s", i, r.status, r.raw)
		}
	}
	r := f.send(a, "dry_run=true", "r.csv", file)
	if r.status != 429 || r.str("code") != "rate_link" || r.header.Get("Retry-After") == "" {
		t.Errorf("4th upload of a link: %d %s", r.status, r.raw)
	}
	// Another link from the same address still works, until the address's
	// own limit (8 requests: 4 so far).
	for i := range 4 {
		if r := f.get(b, "/api/submissions"); r.status != 200 {
			t.Fatalf("request %d of the address: %d %s", 5+i, r.status, r.raw)
		}
	}
	r = f.get(b, "/api/submissions")
	if r.status != 429 || r.str("code") != "rate_address" || r.header.Get("Retry-After") == "" {
		t.Errorf("9th request of the address: %d %s", r.status, r.raw)
	}
}

// The type is the content's, not the name's; what cannot be read is
// refused saying what to send; the client's name is never a path.
func TestSniff(t *testing.T) {
	f := newFixture(t, func(o *Options) { o.LinkBurst, o.AddressBurst = 100, 100 })
	_, secret := f.issue("446", time.Time{})
	form := formXLSX(t, "Hà Tĩnh", "Năm 2024", []string{"Số cuộc tiếp xúc, đối thoại"}, [][]any{{"Cẩm Xuyên", 28}})
	csv := csvReport("Hà Tĩnh,Cẩm Xuyên,2024,dialogues,12")
	json := []byte(`{"province": "Hà Tĩnh", "unit": "Cẩm Xuyên", "period": "2024", "values": [{"indicator": "dialogues", "value": 3}]}`)
	ole := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...)
	for _, c := range []struct {
		name string
		data []byte
		kind string // or the refusal code
	}{
		{"form.xlsx", form, "xlsx"},
		{"form.csv", form, "xlsx"}, // a workbook named .csv is a workbook
		{"bao-cao", form, "xlsx"},
		{"r.csv", csv, "csv"},
		{"r.xlsx", csv, "csv"}, // a CSV named .xlsx is a CSV
		{"r.json", json, "json"},
		{"r.txt", json, "json"},
		{"../../../etc/passwd.csv", csv, "csv"},
		{"r.xls", ole, "old_office"},
		{"r.pdf", []byte("%PDF-1.7\n..."), "pdf"},
		{"r.zip", zipOf(t, map[string]string{"a.csv": string(csv)}), "zip_archive"},
		{"r.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"), "not_a_report"},
		{"empty.csv", nil, "empty_file"},
	} {
		r := f.send(secret, "dry_run=true", c.name, c.data)
		switch {
		case r.status == 200:
			if got := r.str("preview", "file", "type"); got != c.kind {
				t.Errorf("%s: read as %s, want %s (%s)", c.name, got, c.kind, r.raw)
			}
			if strings.Contains(r.str("preview", "file", "name"), "/") {
				t.Errorf("%s: name kept as %q", c.name, r.str("preview", "file", "name"))
			}
		case r.str("code") != c.kind || r.str("error") == "" || r.str("error_en") == "":
			t.Errorf("%s: %d %s, want %s", c.name, r.status, r.raw, c.kind)
		}
	}
	if n := len(files(t, f.dir.PortalUploads())); n != 0 {
		t.Errorf("uploads left: %d", n)
	}
	c := f.send(secret, "", "../../../etc/passwd.csv", csv)
	if c.status != 201 || !strings.HasPrefix(c.str("receipt", "file", "name"), "passwd.csv") {
		t.Fatalf("%d %s", c.status, c.raw)
	}
	if got := files(t, string(f.dir)); strings.Contains(strings.Join(got, " "), "passwd") {
		t.Errorf("the client's name became a path: %v", got)
	}
}

// At start the portal sweeps what a killed server left: uploads of dead
// processes, temp files of commits that never renamed; and gives a file
// committed without its audit line its line.
func TestRecoverAtStart(t *testing.T) {
	d := layout.Dir(t.TempDir())
	dead := deadPID(t)
	data := csvReport("Hà Tĩnh,Cẩm Xuyên,2024,dialogues,12")
	at := time.Date(2026, 3, 1, 2, 3, 4, 5e6, time.UTC)
	committed := d.ReceivedFile(layout.Received{Unit: "446", At: at, Hash: sha(data), Ext: ".csv"})
	leftovers := map[string][]byte{
		filepath.Join(d.PortalUploads(), dead+"-1.part"):                                    data[:10],
		filepath.Join(d.PortalUploads(), dead+"-2.xlsx"):                                    data,
		filepath.Join(d.PortalInbox("446"), "."+filepath.Base(committed)+"."+dead+"-3.tmp"): data[:20],
		committed: data,
	}
	for p, b := range leftovers {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	opts := DefaultOptions()
	opts.DataDir, opts.Published = string(d), &fakePublished{}
	p, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if got := files(t, string(d.PortalUploads())); len(got) != 0 {
		t.Errorf("uploads not swept: %v", got)
	}
	if got := files(t, d.PortalInbox()); len(got) != 1 || got[0] != "446/"+filepath.Base(committed) {
		t.Errorf("portal inbox after recovery: %v", got)
	}
	events, _ := ReadAudit(d)
	if len(events) != 1 || events[0].Kind != EventRecovered || events[0].SHA256 != sha(data) || events[0].Unit != "446" || !events[0].Time.Equal(at) {
		t.Fatalf("audit after recovery: %+v", events)
	}
	if _, ok := p.alreadyReceived(sha(data)); !ok {
		t.Error("the recovered file is not known as received")
	}
	// A second start adds nothing.
	if _, err := New(opts); err != nil {
		t.Fatal(err)
	}
	if events, _ := ReadAudit(d); len(events) != 1 {
		t.Errorf("second start: %d lines", len(events))
	}
}

// A line cut short by a crash is skipped, and the next line starts on its
// own.
func TestAuditTornLine(t *testing.T) {
	d := layout.Dir(t.TempDir())
	a := &audit{path: d.PortalAudit()}
	if err := a.Append(Event{Time: testNow, Kind: EventOpened, Link: "a"}, true); err != nil {
		t.Fatal(err)
	}
	fh, _ := os.OpenFile(d.PortalAudit(), os.O_WRONLY|os.O_APPEND, 0)
	fh.WriteString(`{"time":"2026-03-02T03:04:05Z","event":"rece`)
	fh.Close()
	if err := a.Append(Event{Time: testNow, Kind: EventOpened, Link: "b"}, true); err != nil {
		t.Fatal(err)
	}
	events, err := ReadAudit(d)
	if err != nil || len(events) != 2 || events[0].Link != "a" || events[1].Link != "b" {
		t.Errorf("ReadAudit = %+v, %v", events, err)
	}
	if used := LastUsed(events); len(used) != 2 {
		t.Errorf("LastUsed = %v", used)
	}
}

func TestMetrics(t *testing.T) {
	f := newFixture(t, nil)
	_, secret := f.issue("446", time.Time{})
	file := csvReport("Hà Tĩnh,Cẩm Xuyên,2024,dialogues,12", "Hà Tĩnh,Hương Khê,2024,dialogues,7")
	f.send(secret, "dry_run=true", "r.csv", file)
	f.send(secret, "", "r.csv", file)
	f.send(secret, "", "r.csv", file)
	f.send(secret, "", "r.pdf", []byte("%PDF-1.4"))
	var buf bytes.Buffer
	if err := f.p.WriteMetrics(&buf); err != nil {
		t.Fatal(err)
	}
	want := []string{
		`danvan_portal_submissions_total{result="received"} 1`,
		`danvan_portal_submissions_total{result="duplicate"} 1`,
		`danvan_portal_submissions_total{result="previewed"} 1`,
		`danvan_portal_refusals_total{code="pdf"} 1`,
		`danvan_portal_bytes_total{result="received"} ` + itoa(len(file)),
		`danvan_portal_values_total{result="accepted"} 1`,
		`danvan_portal_values_total{result="refused"} 1`,
	}
	for _, w := range want {
		if !strings.Contains(buf.String(), w+"\n") {
			t.Errorf("metrics lack %q:\n%s", w, buf.String())
		}
	}
	// A restarted portal counts the same from the audit log.
	opts := f.p.opts
	p2, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	p2.WriteMetrics(&again)
	for _, w := range want[:5] {
		if !strings.Contains(again.String(), w+"\n") {
			t.Errorf("after restart, metrics lack %q", w)
		}
	}
}

// A district's prose report: figures that name no place are the
// district's, dated by the text.
func TestProseReport(t *testing.T) {
	f := newFixture(t, nil)
	_, secret := f.issue("446", time.Time{})
	text := "BÁO CÁO KẾT QUẢ CÔNG TÁC DÂN VẬN NĂM 2024\n\nTrong năm 2024, người đứng đầu cấp ủy, chính quyền đã tổ chức 28 cuộc tiếp xúc, đối thoại với Nhân dân.\n"
	r := f.send(secret, "dry_run=true", "bao-cao.txt", []byte(text))
	if r.status != 200 || r.num("preview", "accepted_count") != 1 {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	g := r.list("preview", "accepted")[0].(map[string]any)
	v := g["values"].([]any)[0].(map[string]any)
	if g["unit_code"] != "446" || g["period"] != "2024" || g["indicator"] != "dialogues" || v["value"] != 28.0 {
		t.Errorf("read %v", g)
	}
}

// The page lists what the reporting calendar asks of the unit and what
// became of it, counting a file sent through the portal and not yet
// published.
func TestOwed(t *testing.T) {
	f := newFixture(t, nil)
	_, district := f.issue("446", time.Time{})
	f.pub.run = "run1"
	f.pub.values = []PublishedValue{{Key: pipeline.ValueKey{Unit: "446", Period: "2024", Indicator: "dialogues", Disaggregation: "total"},
		Value: 10, Received: time.Date(2025, 1, 5, 0, 0, 0, 0, time.UTC)}}
	if c := f.send(district, "", "h1.csv", csvReport("Hà Tĩnh,Cẩm Xuyên,6 tháng đầu năm 2025,dialogues,4")); c.status != 201 {
		t.Fatalf("%d %s", c.status, c.raw)
	}
	owed := func(secret string) []string {
		var out []string
		for _, o := range f.get(secret, "/api/submissions").list("owed") {
			m := o.(map[string]any)
			out = append(out, fmt.Sprintf("%s %s %s %v %v", m["period"], m["status"], m["deadline"], m["received"], m["waiting"]))
		}
		return out
	}
	want := []string{
		"2025-H1 late 2025-07-15 2026-03-02 true", // sent just now, through the portal
		"2024 on_time 2025-01-15 2025-01-05 false",
		"2024-H1 missing 2024-07-15 <nil> false",
	}
	if got := owed(district); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("a district owes\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	_, commune := f.issue("18754", time.Time{})
	if got := owed(commune); strings.Join(got, "\n") != "2025-H2 missing 2026-01-15 <nil> false" {
		t.Errorf("a new commune owes %q", got)
	}
	_, office := f.issue("42", time.Time{})
	if got := owed(office); len(got) != 0 {
		t.Errorf("a province office owes %q", got)
	}
}

// TestPreviewWarnings: what the readers passed over without refusing it (a
// total typed under the rows, the closing of a form exported as a table)
// is shown in the preview as in `danvan validate`'s summary, in both
// languages, each with its place; it refuses nothing and counts nothing.
func TestPreviewWarnings(t *testing.T) {
	f := newFixture(t, nil)
	_, secret := f.issue("446", time.Time{})
	file := csvReport("Hà Tĩnh,Cẩm Xuyên,2024,dialogues,28", "Hà Tĩnh,Tổng cộng,,,28", ",Người lập biểu,,,")
	r := f.send(secret, "dry_run=true", "r.csv", file)
	if r.status != 200 || r.num("preview", "accepted_count") != 1 || r.num("preview", "refused_count") != 0 {
		t.Fatalf("dry run: %d %s", r.status, r.raw)
	}
	warnings := r.list("preview", "warnings")
	if len(warnings) != 2 {
		t.Fatalf("warnings %v, want the total row and the closing", warnings)
	}
	want := []struct{ ref, code, reason, reasonEN string }{
		{"dòng 3", "total_row", "Dòng tổng \"Tổng cộng\"", "The total row \"Tổng cộng\""},
		{"dòng 4", "document_closing", "phần cuối văn bản", "closing of the document"},
	}
	for i, w := range want {
		got := warnings[i].(map[string]any)
		if got["ref"] != w.ref || got["code"] != w.code || !strings.Contains(got["reason"].(string), w.reason) ||
			!strings.Contains(got["reason_en"].(string), w.reasonEN) {
			t.Errorf("warning %d = %v, want %s at %s (%q / %q)", i, got, w.code, w.ref, w.reason, w.reasonEN)
		}
	}
	// A file without any says so with an empty list, not a missing one.
	r = f.send(secret, "dry_run=true", "s.csv", csvReport("Hà Tĩnh,Cẩm Xuyên,2024,contests,2"))
	if ws, ok := r.body["preview"].(map[string]any)["warnings"].([]any); !ok || len(ws) != 0 {
		t.Errorf("warnings of a clean file: %s", r.raw)
	}
}
