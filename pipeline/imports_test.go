package pipeline_test

import (
	"go/build"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// imports says, for each package of the module, which of the module's
// packages it may import (docs/design.md): a stage imports the domain
// (pipeline), pipeline/layout and what it owns, never a sibling stage; the
// stages meet in cmd, through pipeline's interfaces. ingest's narrative is
// a parser, not a stage.
var imports = map[string][]string{
	"pipeline":                          {"pipeline/internal/dense", "pipeline/internal/fold", "pipeline/layout"},
	"pipeline/internal/dense":           {},
	"pipeline/internal/fold":            {},
	"pipeline/internal/rowgroup":        {},
	"pipeline/layout":                   {}, // and the standard library only
	"pipeline/narrative":                {"pipeline"},
	"pipeline/ingest":                   {"pipeline", "pipeline/layout", "pipeline/narrative", "pipeline/ingest/internal/workbook"},
	"pipeline/ingest/internal/workbook": {},
	"pipeline/store":                    {"pipeline", "pipeline/layout", "pipeline/internal/dense", "pipeline/internal/rowgroup"},
	"pipeline/warehouse":                {"pipeline", "pipeline/layout", "sql"},
	"pipeline/warehouse/whtest":         {"pipeline", "pipeline/layout", "sql"}, // sql: the models, for ModelsWith
	"pipeline/export":                   {"pipeline/layout"},
	"pipeline/query":                    {"pipeline", "pipeline/layout", "sql"},
	"pipeline/schedule":                 {"pipeline", "pipeline/layout"},
	"pipeline/serve":                    {"pipeline", "pipeline/layout", "dashboards"},
	"pipeline/demo":                     {"pipeline", "pipeline/layout"},
	// The portal runs ingest's own checks (the issue: exactly those of
	// danvan validate), reads the published snapshot through query's
	// sandbox and serves its page from dashboards; only cmd imports it
	// (docs/design.md says why).
	"pipeline/portal":            {"pipeline", "pipeline/layout", "pipeline/ingest", "pipeline/query", "dashboards"},
	"pipeline/serve/browsertest": {}, // the tests' Chromium driver
	"sql":                        {},
	"dashboards":                 {},
}

const module = "github.com/danvan/danvan/"

func TestImportRules(t *testing.T) {
	root := ".."
	seen := map[string]bool{}
	err := filepath.WalkDir(root, func(dir string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, dir)
		rel = filepath.ToSlash(rel)
		if rel == "cmd" || d.Name() == "testdata" || rel != "." && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir // the commands wire everything; data; hidden
		}
		pkg, err := build.ImportDir(dir, 0)
		if err != nil {
			return nil // no Go files here
		}
		seen[rel] = true
		allowed, ok := imports[rel]
		if !ok {
			t.Errorf("package %s is not in the import rules (imports_test.go, docs/design.md)", rel)
			return nil
		}
		for _, imp := range pkg.Imports {
			own, mine := strings.CutPrefix(imp, module)
			switch {
			case mine && !slices.Contains(allowed, own):
				t.Errorf("%s imports %s", rel, own)
			case rel == "pipeline/layout" && strings.Contains(strings.Split(imp, "/")[0], "."):
				t.Errorf("pipeline/layout imports %s: standard library only", imp)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for p := range imports {
		if !seen[p] {
			t.Errorf("the rules name %s, which has no Go files", p)
		}
	}
}
