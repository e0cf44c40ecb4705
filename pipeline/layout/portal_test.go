package layout

import (
	"path/filepath"
	"testing"
	"time"
)

func TestReceivedRoundTrip(t *testing.T) {
	d := Dir("/srv/danvan")
	r := Received{Unit: "446", At: time.Date(2026, 12, 6, 3, 15, 1, 123456789, time.FixedZone("ICT", 7*3600)), Hash: batchA, Ext: ".xlsx"}
	path := d.ReceivedFile(r)
	if want := filepath.FromSlash("/srv/danvan/inbox/portal/446/20261205T201501.123Z-" + batchA + ".xlsx"); path != want {
		t.Fatalf("ReceivedFile = %s, want %s", path, want)
	}
	got, ok := ParseReceived(path)
	if !ok {
		t.Fatalf("ParseReceived(%s) refused its own name", path)
	}
	want := r
	want.At = r.At.UTC().Truncate(time.Millisecond)
	if got != want {
		t.Errorf("ParseReceived = %+v, want %+v", got, want)
	}
}

func TestParseReceivedRefuses(t *testing.T) {
	name := "20261205T201501.123Z-" + batchA + ".csv"
	for _, p := range []string{
		"/d/inbox/portal/446/20261205T201501.123Z-" + batchA + "0.csv", // the hash runs on
		"/d/inbox/446/" + name,                                        // not under portal
		"/d/inbox/portal/" + name,                                     // no unit
		"/d/inbox/portal/44a/" + name,                                 // a unit code is digits
		"/d/inbox/portal/4466/" + name,                                // of 2, 3 or 5
		"/d/other/portal/446/" + name,                                 // not in an inbox
		"/d/inbox/portal/446/20261305T201501.123Z-" + batchA + ".csv", // month 13
		"/d/inbox/portal/446/20261205T201501.123Z-" + batchA[:63] + ".csv",
		"/d/inbox/portal/446/20261205T201501.123Z-" + batchA,      // no extension
		"/d/inbox/portal/446/bao-cao.xlsx",                        // a file someone copied in by hand
		"/d/inbox/portal/446/.20261205T201501.123Z-x.csv.1-2.tmp", // a temp file
	} {
		if r, ok := ParseReceived(p); ok {
			t.Errorf("ParseReceived(%s) = %+v, want not a portal file", p, r)
		}
	}
	if _, ok := ParseReceived("/d/inbox/portal/42/" + name); !ok {
		t.Errorf("a province's folder refused")
	}
	if _, ok := ParseReceived("rel/inbox/portal/18754/" + name); !ok {
		t.Errorf("a relative path refused")
	}
}
