package layout

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// TestReadingRewrittenInPlace: a reading record holds the last Attempt
// set, whatever was there before it, in the same file: a shorter record
// over a longer one is padded with what JSON ignores, and LeftReadings
// finds it with its process.
func TestReadingRewrittenInPlace(t *testing.T) {
	d := Dir(t.TempDir())
	r, err := CreateReading(d, "host")
	if err != nil {
		t.Fatal(err)
	}
	long := Attempt{Batch: batchA, SourceFile: "a.xlsx", SourcePath: "/inbox/" + strings.Repeat("x", 300) + "/a.xlsx", PID: os.Getpid(), Host: "host"}
	short := Attempt{Batch: batchB, SourceFile: "b.csv", SourcePath: "/b.csv", PID: os.Getpid(), Host: "host"}
	for _, a := range []Attempt{long, short, {PID: os.Getpid(), Host: "host"}, short} {
		before, _ := os.Stat(r.f.Name())
		if err := r.Set(a); err != nil {
			t.Fatal(err)
		}
		after, err := os.Stat(r.f.Name())
		if err != nil {
			t.Fatal(err)
		}
		if !os.SameFile(before, after) {
			t.Fatal("the record was replaced by another file")
		}
		b, err := os.ReadFile(r.f.Name())
		if err != nil {
			t.Fatal(err)
		}
		var got Attempt
		if err := json.Unmarshal(b, &got); err != nil || got.Batch != a.Batch || got.SourcePath != a.SourcePath {
			t.Fatalf("record holds %+v (%v), want %+v", got, err, a)
		}
	}
	left, err := LeftReadings(d)
	if err != nil || len(left) != 1 || left[0].PID != os.Getpid() || left[0].Attempt.Batch != batchB {
		t.Fatalf("LeftReadings: %+v, %v", left, err)
	}
	if err := r.Remove(); err != nil {
		t.Fatal(err)
	}
	if left, _ := LeftReadings(d); len(left) != 0 {
		t.Errorf("left after Remove: %+v", left)
	}
}
