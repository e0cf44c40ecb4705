package main

import (
	"io"
	"slices"
	"testing"
	"time"
)

// A comparison that alternates measures danvan first in every second
// pair, so neither side always runs after the other's load (or with the
// caches the other warmed); one that does not keeps the floor first.
func TestCompareAlternatesWhichSideGoesFirst(t *testing.T) {
	for _, c := range []struct {
		alternate bool
		want      []string
	}{
		{false, []string{"floor", "danvan", "floor", "danvan", "floor", "danvan", "floor", "danvan"}},
		{true, []string{"floor", "danvan", "danvan", "floor", "floor", "danvan", "danvan", "floor"}},
	} {
		b := &bench{out: io.Discard, pairs: 4, quiet: 1e9}
		var order []string
		side := func(name string) func() (measurement, error) {
			return func() (measurement, error) {
				order = append(order, name)
				return measurement{name: name, wall: time.Second, cpu: time.Second}, nil
			}
		}
		cmp := &comparison{name: "x", alternate: c.alternate}
		if err := b.compare(cmp, side("floor"), side("danvan")); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(order, c.want) {
			t.Errorf("alternate %v: measured %v, want %v", c.alternate, order, c.want)
		}
		for i, p := range cmp.pairs {
			if p.floor.name != "floor" || p.danvan.name != "danvan" {
				t.Errorf("alternate %v: pair %d holds %q as the floor and %q as danvan", c.alternate, i+1, p.floor.name, p.danvan.name)
			}
			if first := c.alternate && i%2 == 1; p.danvanFirst != first {
				t.Errorf("alternate %v: pair %d says danvan first %v, want %v", c.alternate, i+1, p.danvanFirst, first)
			}
		}
	}
}

// A comparison with several runs a side measures them in turn within each
// pair (A B B A A B, A the side that goes first), and the pair's figures
// are each side's sums, so its ratio is that of the sums, not of one run.
func TestCompareRunsEachSideSeveralTimesPerPair(t *testing.T) {
	b := &bench{out: io.Discard, pairs: 2, quiet: 1e9}
	var order []string
	n := map[string]int{}
	side := func(name string, cpu ...time.Duration) func() (measurement, error) {
		return func() (measurement, error) {
			order = append(order, name)
			d := cpu[n[name]%len(cpu)]
			n[name]++
			return measurement{name: name, wall: d, cpu: d, rssKB: int64(d / time.Millisecond), load: float64(n[name])}, nil
		}
	}
	ms := time.Millisecond
	cmp := &comparison{name: "x", runs: 3}
	if err := b.compare(cmp, side("floor", 40*ms, 50*ms, 30*ms), side("danvan", 70*ms, 50*ms, 60*ms)); err != nil {
		t.Fatal(err)
	}
	want := []string{"floor", "danvan", "danvan", "floor", "floor", "danvan", "floor", "danvan", "danvan", "floor", "floor", "danvan"}
	if !slices.Equal(order, want) {
		t.Errorf("measured %v, want %v", order, want)
	}
	if len(cmp.pairs) != 2 {
		t.Fatalf("%d pairs, want 2", len(cmp.pairs))
	}
	for i, p := range cmp.pairs {
		if p.floor.cpu != 120*ms || p.danvan.cpu != 180*ms || p.floor.wall != 120*ms || p.danvan.wall != 180*ms {
			t.Errorf("pair %d: floor %v CPU %v wall, danvan %v CPU %v wall; want each side's sum of 3 runs (120ms, 180ms)",
				i+1, p.floor.cpu, p.floor.wall, p.danvan.cpu, p.danvan.wall)
		}
		if r := p.cpuRatio(); r < 1.4999 || r > 1.5001 {
			t.Errorf("pair %d: CPU ratio %.4f, want 1.5 (the sums' ratio)", i+1, r)
		}
		// The peak RSS is the largest run's, the load the highest any run
		// started at; each run's figures are kept to be printed.
		if p.danvan.rssKB != 70 || p.floor.rssKB != 50 {
			t.Errorf("pair %d: peak RSS %d and %d, want the largest run's (70, 50)", i+1, p.danvan.rssKB, p.floor.rssKB)
		}
		if p.danvan.load != float64(3*(i+1)) {
			t.Errorf("pair %d: danvan's load %.0f, want the highest of its runs' (%d)", i+1, p.danvan.load, 3*(i+1))
		}
		if len(p.floor.runs) != 3 || len(p.danvan.runs) != 3 || p.danvan.runs[0].cpu != 70*ms || p.floor.runs[2].cpu != 30*ms {
			t.Errorf("pair %d: runs kept %v and %v, want the 3 runs of each side in order", i+1, p.floor.runs, p.danvan.runs)
		}
	}
}

// With runs > 1 each side is measured that many times in a pair, in the
// order A B B A A B (A the side that goes first in that pair), and each
// side's runs are merged into the pair's measurement of that side.
func TestCompareMeasuresEachSideSeveralTimesPerPair(t *testing.T) {
	b := &bench{out: io.Discard, pairs: 2, quiet: 1e9}
	var order []string
	walls := map[string][]time.Duration{
		"floor":  {30, 10, 20, 60, 50, 40},
		"danvan": {1, 3, 2, 4, 6, 5},
	}
	side := func(name string) func() (measurement, error) {
		return func() (measurement, error) {
			order = append(order, name)
			w := walls[name][0]
			walls[name] = walls[name][1:]
			return measurement{name: name, wall: w * time.Millisecond, cpu: time.Second, rows: 100, gcs: 2}, nil
		}
	}
	cmp := &comparison{name: "x", alternate: true, runs: 3, merge: medianRun}
	if err := b.compare(cmp, side("floor"), side("danvan")); err != nil {
		t.Fatal(err)
	}
	want := []string{"floor", "danvan", "danvan", "floor", "floor", "danvan", "danvan", "floor", "floor", "danvan", "danvan", "floor"}
	if !slices.Equal(order, want) {
		t.Errorf("measured %v, want %v", order, want)
	}
	if len(cmp.pairs) != 2 {
		t.Fatalf("%d pairs, want 2", len(cmp.pairs))
	}
	for i, w := range []struct{ floor, danvan time.Duration }{{20, 2}, {50, 5}} {
		p := cmp.pairs[i]
		if p.floor.wall != w.floor*time.Millisecond || p.danvan.wall != w.danvan*time.Millisecond {
			t.Errorf("pair %d: floor %s, danvan %s; want the medians %s and %s", i+1, p.floor.wall, p.danvan.wall,
				w.floor*time.Millisecond, w.danvan*time.Millisecond)
		}
		if p.floor.cpu != 3*time.Second || p.danvan.rows != 300 || p.danvan.gcs != 6 {
			t.Errorf("pair %d: CPU %s, %d requests, %d collections; want the three runs' sums", i+1, p.floor.cpu, p.danvan.rows, p.danvan.gcs)
		}
	}
}

// A side's runs merged: the median p99 (of an even number, the mean of the
// middle two), the sums of CPU, requests and collections, the highest load
// and peak RSS.
func TestMedianRun(t *testing.T) {
	ms := []measurement{
		{name: "s", wall: 14 * time.Millisecond, cpu: time.Second, rows: 10, gcs: 1, load: 0.2, rssKB: 5},
		{name: "s", wall: 10 * time.Millisecond, cpu: time.Second, rows: 20, gcs: 2, load: 0.9, rssKB: 7},
		{name: "s", wall: 11 * time.Millisecond, cpu: time.Second, rows: 30, gcs: 3, load: 0.4, rssKB: 6},
		{name: "s", wall: 20 * time.Millisecond, cpu: time.Second, rows: 40, gcs: 4, load: 0.1, rssKB: 1},
	}
	m := medianRun(ms[:3])
	if m.wall != 11*time.Millisecond || m.cpu != 3*time.Second || m.rows != 60 || m.gcs != 6 || m.load != 0.9 || m.rssKB != 7 || m.name != "s" {
		t.Errorf("three runs merged: %+v", m)
	}
	if m := medianRun(ms); m.wall != 12500*time.Microsecond || m.rows != 100 {
		t.Errorf("four runs merged: wall %s, %d requests; want 12.5ms, 100", m.wall, m.rows)
	}
}
