package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/danvan/danvan/pipeline"
	datadir "github.com/danvan/danvan/pipeline/layout"
)

// onlyFile is what the sink holds after ingest was given one file.
func onlyFile(t *testing.T, m *memSink) memFile {
	t.Helper()
	if len(m.files) != 1 {
		t.Fatalf("%d files in the sink, want 1 (calls: %v)", len(m.files), m.log)
	}
	for _, f := range m.files {
		return f
	}
	return memFile{}
}

// A file the portal committed to the inbox is held to the unit of its
// folder and dated by its name, in every format; the same file elsewhere
// in the inbox is anybody's.
func TestPortalFilesInTheInbox(t *testing.T) {
	d := datadir.Dir(t.TempDir())
	at := time.Date(2026, 1, 10, 3, 4, 5, 0, time.UTC)
	csv := "tinh,don_vi,ky_bao_cao,chi_tieu,gia_tri,ngay_gui\n" +
		"Hà Tĩnh,Cẩm Xuyên,2024,dialogues,12,02/01/2026\n" +
		"Hà Tĩnh,Hương Khê,2024,dialogues,7,02/01/2026\n"
	json := `{"province": "Hà Tĩnh", "unit": "Hương Khê", "period": "2024", "values": [{"indicator": "dialogues", "value": 3}]}`
	write := func(path, data string) string {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	in, err := New(Options{Now: func() time.Time { return at.Add(time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	portalCSV := write(d.ReceivedFile(datadir.Received{Unit: "446", At: at, Hash: batchOf(csv), Ext: ".csv"}), csv)
	portalJSON := write(d.ReceivedFile(datadir.Received{Unit: "446", At: at, Hash: batchOf(json), Ext: ".json"}), json)
	plain := write(filepath.Join(d.Inbox(), "bao-cao.csv"), csv)
	unknown := write(d.ReceivedFile(datadir.Received{Unit: "99", At: at, Hash: batchOf(csv + "x"), Ext: ".csv"}), csv+"\n")

	for _, c := range []struct {
		path              string
		accepted, refused int
		quarantined       string
		submitted         time.Time
	}{
		{portalCSV, 1, 1, "", at},  // streamed
		{portalJSON, 0, 1, "", at}, // read whole
		{plain, 2, 0, "", time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)},
		{unknown, 0, 0, "unknown_sender", time.Time{}},
	} {
		sink := newMemSink()
		sum, err := in.Files(context.Background(), []string{c.path}, sink)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(c.path)
		got := onlyFile(t, sink)
		if c.quarantined != "" {
			if got.FileErr == nil || got.FileErr.Code != c.quarantined {
				t.Errorf("%s: quarantined %+v, want %s", name, got.FileErr, c.quarantined)
			}
			continue
		}
		if len(got.Records) != c.accepted || len(got.Rejects) != c.refused || len(sum.Files) != 1 || sum.Files[0].Rejected != c.refused {
			t.Errorf("%s: %d accepted, %d refused, want %d and %d", name, len(got.Records), len(got.Rejects), c.accepted, c.refused)
		}
		for _, e := range got.Rejects {
			if e.Code != "other_unit" {
				t.Errorf("%s: refused %s (%s), want other_unit", name, e.Code, e.Reason)
			}
		}
		for _, r := range got.Records {
			if !r.SubmittedAt.Equal(c.submitted) {
				t.Errorf("%s: submitted_at %s, want %s", name, r.SubmittedAt, c.submitted)
			}
		}
	}

	// Submitted runs the same checks on a file anywhere (the portal's
	// upload, before it is committed).
	sender, _ := in.opts.Reference.Sender("446")
	sink := newMemSink()
	res, err := in.Submitted(context.Background(), plain, pipeline.Submission{Sender: sender, ReceivedAt: at}, sink)
	if err != nil {
		t.Fatal(err)
	}
	got := onlyFile(t, sink)
	if res.Accepted != 1 || res.Rejected != 1 || len(got.Records) != 1 || !got.Records[0].SubmittedAt.Equal(at) {
		t.Errorf("Submitted: %+v, records %+v", res, got.Records)
	}
}

func batchOf(data string) string {
	sum := sha256.Sum256([]byte(data))
	return hex.EncodeToString(sum[:])
}
