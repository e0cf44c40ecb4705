package export

// Self-repair: a file of the current snapshot is hard-linked into the next
// one only when its bytes are still those its snapshot's manifest lists
// (size and SHA-256). A file damaged on disk (truncated, overwritten) is
// written afresh instead, so its damage is never carried forward under a
// manifest that lies about it, and the next snapshot is whole. The files
// found damaged are named in Snapshot.Repaired for the caller to log.

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/danvan/danvan/pipeline/layout"
)

// checkFile reports whether the file at path has want's SHA-256 and, when
// wantSize > 0, that size, returning its size. A file that cannot be read
// is not intact.
func checkFile(path string, wantSize int64, wantSHA string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return 0, err
	}
	if wantSize > 0 && fi.Size() != wantSize {
		return fi.Size(), fmt.Errorf("%d bytes, its manifest says %d", fi.Size(), wantSize)
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return fi.Size(), err
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != wantSHA {
		return fi.Size(), fmt.Errorf("SHA-256 %s, its manifest says %s", got, wantSHA)
	}
	return fi.Size(), nil
}

// checkFiles runs check on each of n files, two at a time (a core hashes
// about 1.5 GB/s; the largest snapshots link a few hundred MB).
func checkFiles(n int, check func(i int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(2, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				check(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// Damage is a file of a snapshot whose bytes are not those its manifest
// lists.
type Damage struct {
	Path string // relative to the snapshot, slash-separated
	Err  error
}

func (d Damage) String() string { return d.Path + ": " + d.Err.Error() }

// Verify checks every file a snapshot's manifest.json and tables/index.json
// list against its size and SHA-256, and reports the damaged ones, sorted.
// It is what `danvan check` asks of each kept snapshot, and what Publish
// asks of a snapshot before re-publishing it as it is.
func Verify(snapDir string) ([]Damage, error) {
	man, err := layout.ReadSnapshotManifest(snapDir)
	if err != nil {
		return nil, err
	}
	type file struct {
		rel  string
		size int64
		sha  string
	}
	var ix layout.TableIndex
	if hasTables(snapDir) {
		if ix, err = layout.ReadTableIndex(snapDir); err != nil {
			return []Damage{{layout.TableIndexFile, err}}, nil
		}
	}
	var files []file
	for name, o := range man.Outputs {
		f := file{name, 0, o.SHA256}
		// The index knows the size of a sources file.
		if s, ok := ix.Sources[strings.TrimPrefix(name, layout.SourcesDir+"/")]; ok && s.SHA256 == o.SHA256 {
			f.size = s.Size
		}
		files = append(files, f)
	}
	for _, t := range ix.Tables {
		for _, f := range t.Files {
			files = append(files, file{layout.TablesDir + "/" + f.Path, f.Size, f.SHA256})
		}
	}
	errs := make([]error, len(files))
	checkFiles(len(files), func(i int) {
		_, errs[i] = checkFile(filepath.Join(snapDir, filepath.FromSlash(files[i].rel)), files[i].size, files[i].sha)
	})
	var out []Damage
	for i, err := range errs {
		if err != nil {
			out = append(out, Damage{files[i].rel, err})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// inSnapshot makes the paths of damage relative to exports/snapshots.
func inSnapshot(name string, damage []Damage) []Damage {
	for i := range damage {
		damage[i].Path = name + "/" + damage[i].Path
	}
	return damage
}
