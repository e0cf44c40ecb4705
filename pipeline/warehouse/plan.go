package warehouse

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"sort"
	"strings"

	"github.com/danvan/danvan/pipeline/layout"
)

// Mode is what kind of refresh ran.
type Mode string

const (
	// Full: the kept tables were rebuilt from scratch (first refresh, or
	// the models or the reference changed).
	Full Mode = "full"
	// Incremental: only the partitions whose batches changed.
	Incremental Mode = "incremental"
	// Unchanged: no partition to re-read; the marts were recomputed.
	Unchanged Mode = "unchanged"
)

// Action is what a refresh does to one partition's staging.
type Action int

const (
	// Rebuild reads all the partition's files and replaces what is staged.
	Rebuild Action = iota + 1
	// Append reads only the batches added since the partition was built
	// (none was removed) and merges them into what is staged.
	Append
	// Drop empties the partition: its last batch is gone.
	Drop
)

func (a Action) String() string {
	switch a {
	case Rebuild:
		return "rebuild"
	case Append:
		return "append"
	case Drop:
		return "drop"
	}
	return "?"
}

// built is what a partition was last built from (wh_partitions).
type built struct {
	hash    string   // hashBatches of batches; failedKey when its data tests failed
	batches []string // the committed batches it holds
}

// failedKey is the key of a partition whose staging failed the data tests
// (refresh): no batch set has it, so the partition is rebuilt, or dropped
// when it has no batch left.
const failedKey = ""

// step is the plan for one partition.
type step struct {
	layout.Partition
	Action Action
	Files  []factFile // the partition's files now
	Read   []factFile // the files to read: Files, or the added ones
}

// refreshPlan is what a refresh will do, decided before it touches anything.
type refreshPlan struct {
	Mode           Mode
	Steps          []step // the partitions that changed, by province, then year
	NewBatches     []string
	RemovedBatches []string
}

// plan decides a refresh: which partitions changed since prev (what each
// was last built from) given the committed files now, and how to bring
// each up to date. full discards prev: every partition is rebuilt.
func plan(prev map[layout.Partition]built, files []factFile, full bool) refreshPlan {
	var p refreshPlan
	if full {
		prev = nil
		p.Mode = Full
	}
	byPart := map[layout.Partition][]factFile{}
	now := map[string]bool{}
	for _, f := range files {
		byPart[f.Partition] = append(byPart[f.Partition], f)
		now[f.Batch] = true
	}
	before := map[string]bool{}
	for _, b := range prev {
		for _, batch := range b.batches {
			before[batch] = true
		}
	}
	for b := range now {
		if !before[b] {
			p.NewBatches = append(p.NewBatches, b)
		}
	}
	for b := range before {
		if !now[b] {
			p.RemovedBatches = append(p.RemovedBatches, b)
		}
	}
	sort.Strings(p.NewBatches)
	sort.Strings(p.RemovedBatches)

	for part, fs := range byPart {
		old, ok := prev[part]
		if ok && old.hash == hashBatches(batchesOf(fs)) {
			continue
		}
		s := step{Partition: part, Action: Rebuild, Files: fs, Read: fs}
		if ok && old.hash != failedKey {
			kept := map[string]bool{}
			for _, b := range old.batches {
				kept[b] = true
			}
			var added []factFile
			for _, f := range fs {
				if !kept[f.Batch] {
					added = append(added, f)
				}
			}
			// Only additions: every batch built before is still here.
			if len(added) > 0 && len(fs)-len(added) == len(kept) {
				s.Action, s.Read = Append, added
			}
		}
		p.Steps = append(p.Steps, s)
	}
	for part := range prev {
		if _, ok := byPart[part]; !ok {
			p.Steps = append(p.Steps, step{Partition: part, Action: Drop})
		}
	}
	slices.SortFunc(p.Steps, func(a, b step) int { return a.Partition.Compare(b.Partition) })
	switch {
	case full:
	case len(p.Steps) == 0:
		p.Mode = Unchanged
	default:
		p.Mode = Incremental
	}
	return p
}

func batchesOf(fs []factFile) []string {
	bs := make([]string, len(fs))
	for i, f := range fs {
		bs[i] = f.Batch
	}
	return bs
}

// hashBatches is a partition's key in wh_partitions: its batch set.
func hashBatches(batches []string) string {
	s := append([]string(nil), batches...)
	sort.Strings(s)
	h := sha256.Sum256([]byte(strings.Join(s, "\n")))
	return hex.EncodeToString(h[:])
}
