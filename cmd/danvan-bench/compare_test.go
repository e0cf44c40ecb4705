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
