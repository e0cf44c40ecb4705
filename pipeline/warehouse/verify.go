package warehouse

import (
	"path/filepath"
	"sort"
	"sync"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/layout"
)

// verify checks, before the refresh reads or changes anything, the stored
// files it is about to read: the facts of the partitions the plan reads,
// and every rejects file (the rejects view and the export read them all).
// Each must hold the bytes its commit record lists (SHA-256; for records
// written before sums were kept, the Parquet magic bytes). Damaged files
// come back in a *pipeline.DamagedError, for the caller to set their
// batches aside and refresh again: a damaged file then blocks nothing but
// its own batch. Reading the files once more costs little: they are the
// files DuckDB reads next, from the page cache.
func (w *Warehouse) verify(man []layout.Entry, p refreshPlan) error {
	var todo []stored
	for _, st := range p.Steps {
		for _, f := range st.Read {
			todo = append(todo, stored{f.Batch, f.Path})
		}
	}
	return w.check(man, append(todo, rejectsFiles(w.layout, man)...), true)
}

// verifyViews checks, cheaply (sizes, or magic bytes for older records),
// every file the views are about to be built over: DuckDB reads the footer
// of the first facts file to bind them, and every rejects file.
func (w *Warehouse) verifyViews(man []layout.Entry, files []factFile) error {
	todo := rejectsFiles(w.layout, man)
	for _, f := range files {
		todo = append(todo, stored{f.Batch, f.Path})
	}
	return w.check(man, todo, false)
}

// stored is a file of a batch.
type stored struct {
	batch, path string
}

func rejectsFiles(d layout.Dir, man []layout.Entry) []stored {
	var out []stored
	for _, e := range man {
		if e.Status == layout.Loaded && e.RowsRejected > 0 {
			out = append(out, stored{e.Batch, d.RejectsFile(e.Batch)})
		}
	}
	return out
}

// check compares files with their commit records: their SHA-256 when hash
// is set, else their size; the magic bytes for records without sums.
func (w *Warehouse) check(man []layout.Entry, todo []stored, hash bool) error {
	d := w.layout
	sums := map[string]layout.FileSum{}
	entries := map[string]layout.Entry{}
	for _, e := range man {
		entries[e.Batch] = e
		for _, f := range e.Files {
			sums[filepath.Clean(d.Abs(f.Path))] = f
		}
	}
	// A shared facts file is listed by each batch in it: checked once,
	// its damage is each one's.
	var paths []string
	at := map[string]int{}
	for _, t := range todo {
		path := filepath.Clean(t.path)
		if _, ok := at[path]; !ok {
			at[path] = len(paths)
			paths = append(paths, path)
		}
	}
	pathErrs := make([]error, len(paths))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(2, len(paths)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				path := paths[i]
				if s, ok := sums[path]; ok {
					pathErrs[i] = d.Verify(s, hash)
				} else {
					pathErrs[i] = layout.CheckParquet(path)
				}
			}
		}()
	}
	for i := range paths {
		next <- i
	}
	close(next)
	wg.Wait()
	errs := make([]error, len(todo))
	for i, t := range todo {
		errs[i] = pathErrs[at[filepath.Clean(t.path)]]
	}
	var damaged []pipeline.DamagedFile
	for i, err := range errs {
		if err != nil {
			damaged = append(damaged, pipeline.DamagedFile{Batch: todo[i].batch, SourceFile: entries[todo[i].batch].SourceFile,
				Path: d.Rel(todo[i].path), Err: err})
		}
	}
	if len(damaged) == 0 {
		return nil
	}
	sort.Slice(damaged, func(i, j int) bool {
		if damaged[i].Path != damaged[j].Path {
			return damaged[i].Path < damaged[j].Path
		}
		return damaged[i].Batch < damaged[j].Batch
	})
	return &pipeline.DamagedError{Files: damaged}
}
