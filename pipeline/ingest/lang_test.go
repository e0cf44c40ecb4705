package ingest

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// English reasons are wholly English, Vietnamese reasons wholly
// Vietnamese (issue 16). Checked twice: every reason template written in
// the code of pipeline and pipeline/ingest, found by parsing it (a template
// added later is checked without anyone listing it here), and every reason
// the bad-input corpus and the form workbooks actually produce, with their
// arguments filled in. What a reason quotes is data, in whatever language
// the file has it ("Số hội thảo", "Toàn tỉnh"), and so are the names of
// provinces and units, codes and column names: those are taken out before
// the words are judged.

// vietnameseLetters are the letters of Vietnamese that English does not
// have: any of them in an English reason is a Vietnamese word.
func vietnameseLetter(r rune) bool {
	if r == 'đ' || r == 'Đ' {
		return true
	}
	d := norm.NFD.String(string(r))
	for _, c := range d {
		if unicode.Is(unicode.Mn, c) {
			return true
		}
	}
	return false
}

// englishWords are words that, in a Vietnamese reason, are English.
var englishWords = map[string]bool{
	"the": true, "is": true, "are": true, "not": true, "of": true, "and": true, "or": true, "by": true,
	"with": true, "file": true, "value": true, "values": true, "row": true, "rows": true, "column": true,
	"sheet": true, "missing": true, "unknown": true, "cannot": true, "must": true, "should": true,
	"please": true, "period": true, "unit": true, "indicator": true, "closest": true, "total": true,
	"line": true, "empty": true, "invalid": true, "expected": true, "found": true, "number": true,
}

var (
	// Quoted text is data: "…", “…”, %q.
	reQuoted = regexp.MustCompile(`"[^"]*"|“[^”]*”|%q`)
	// Names and identifiers: the provinces, verbs of fmt, column names
	// (ky_bao_cao), extensions, codes, a JSON value's place
	// ([1].values[0], a conflict's reason names the other).
	reIdent = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z]|[a-z]+_[a-z_]+|\.[a-z]{2,4}\b|\b[A-Z0-9]{2,}\b|(\[\d+\]\.)?values\[\d+\]`)
)

// names are proper names a reason of either language may use unquoted.
var names = []string{"Thanh Hóa", "Thanh Hoá", "Nghệ An", "Hà Tĩnh", "Dân vận khéo", "LibreOffice", "OpenDocument",
	"PowerPoint", "Excel", "Word", "Unicode", "Office Open XML", "JSON Lines", "Windows-1258", "danvan"}

func stripData(s string, extra ...string) string {
	s = reQuoted.ReplaceAllString(s, " ")
	for _, n := range append(names, extra...) {
		if n != "" {
			s = strings.ReplaceAll(s, n, " ")
		}
	}
	return reIdent.ReplaceAllString(s, " ")
}

// checkEnglish reports the Vietnamese left in an English reason.
func checkEnglish(s string, extra ...string) string {
	rest := stripData(s, extra...)
	var bad []string
	for _, w := range strings.FieldsFunc(rest, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) }) {
		if strings.ContainsFunc(w, vietnameseLetter) {
			bad = append(bad, w)
		}
	}
	return strings.Join(bad, " ")
}

// checkVietnamese reports the English left in a Vietnamese reason, and
// whether it reads as Vietnamese at all.
func checkVietnamese(s string, extra ...string) string {
	rest := stripData(s, extra...)
	var bad []string
	for _, w := range strings.FieldsFunc(rest, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) }) {
		if englishWords[strings.ToLower(w)] {
			bad = append(bad, w)
		}
	}
	return strings.Join(bad, " ")
}

// reasonPair is a Vietnamese and an English template found in the code.
type reasonPair struct {
	at     string
	vi, en []string // the string constants of each side
}

// reasonTemplates finds every pair of reason templates in the Go files of
// dirs: the calls of problem, fileError, noValues and notSpreadsheet, and
// the literals of Problem, FileError, RowError, Ignored, fileKind and Fix
// (the fixes of pipeline/fix.go).
func reasonTemplates(t *testing.T, dirs ...string) []reasonPair {
	t.Helper()
	var out []reasonPair
	fset := token.NewFileSet()
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range files {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				add := func(vi, en ast.Expr) {
					out = append(out, reasonPair{at: fset.Position(n.Pos()).String(), vi: strs(vi), en: strs(en)})
				}
				switch x := n.(type) {
				case *ast.CallExpr:
					name := ""
					switch fn := x.Fun.(type) {
					case *ast.Ident:
						name = fn.Name
					case *ast.SelectorExpr:
						name = fn.Sel.Name
					}
					switch {
					case name == "problem" && len(x.Args) >= 3:
						add(x.Args[1], x.Args[2])
					case name == "fileError" && len(x.Args) >= 4:
						add(x.Args[2], x.Args[3])
					case (name == "noValues" || name == "notSpreadsheet") && len(x.Args) >= 3:
						add(x.Args[1], x.Args[2])
					case (name == "kindImage" || name == "kindArchive") && len(x.Args) == 2:
						add(x.Args[0], x.Args[1])
					}
				case *ast.CompositeLit:
					if mt, ok := x.Type.(*ast.MapType); ok {
						if id, ok := mt.Value.(*ast.Ident); ok && id.Name == "Fix" {
							for _, e := range x.Elts {
								if kv, ok := e.(*ast.KeyValueExpr); ok {
									if v, ok := kv.Value.(*ast.CompositeLit); ok && len(v.Elts) == 2 {
										add(v.Elts[0], v.Elts[1])
									}
								}
							}
						}
					}
					typ := ""
					switch tt := x.Type.(type) {
					case *ast.Ident:
						typ = tt.Name
					case *ast.SelectorExpr:
						typ = tt.Sel.Name
					}
					switch typ {
					case "Problem":
						if len(x.Elts) == 3 {
							add(x.Elts[1], x.Elts[2])
						}
					case "Fix":
						if len(x.Elts) == 2 {
							add(x.Elts[0], x.Elts[1])
						}
					case "fileKind":
						if len(x.Elts) >= 4 {
							add(x.Elts[0], x.Elts[1])
							add(x.Elts[2], x.Elts[3])
						}
					case "FileError", "RowError", "Ignored":
						var vi, en ast.Expr
						for _, e := range x.Elts {
							kv, ok := e.(*ast.KeyValueExpr)
							if !ok {
								continue
							}
							switch kv.Key.(*ast.Ident).Name {
							case "Reason":
								vi = kv.Value
							case "ReasonEN":
								en = kv.Value
							}
						}
						if vi != nil && en != nil {
							add(vi, en)
						}
					}
				}
				return true
			})
		}
	}
	return out
}

// strs is the string constants in an expression.
func strs(e ast.Expr) []string {
	var out []string
	ast.Inspect(e, func(n ast.Node) bool {
		if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
			if s, err := strconv.Unquote(lit.Value); err == nil {
				out = append(out, s)
			}
		}
		return true
	})
	return out
}

func TestReasonTemplatesOneLanguage(t *testing.T) {
	pairs := reasonTemplates(t, "..", ".")
	if len(pairs) < 60 {
		t.Fatalf("found only %d reason templates; has the code moved?", len(pairs))
	}
	for _, p := range pairs {
		vi := strings.Join(p.vi, " ")
		if bad := checkEnglish(strings.Join(p.en, " ")); bad != "" {
			t.Errorf("%s: English template has Vietnamese words %q: %q", p.at, bad, p.en)
		}
		if bad := checkVietnamese(vi); bad != "" {
			t.Errorf("%s: Vietnamese template has English words %q: %q", p.at, bad, p.vi)
		}
	}
}

// TestReasonsOneLanguage checks the reasons actually given, arguments and
// all, for every case of the bad-input corpus and every form workbook.
func TestReasonsOneLanguage(t *testing.T) {
	in := newTestIngester(t)
	dir := t.TempDir()
	var paths []string
	for _, c := range badCases(t) {
		if c.make != nil || c.ignored != "" {
			continue
		}
		p := filepath.Join(dir, c.name, c.file)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, c.data, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	paths = append(paths, formsDir)
	sum, err := in.Check(context.Background(), paths)
	if err != nil {
		t.Fatal(err)
	}
	ref := in.opts.Reference
	var unitNames []string
	for _, u := range ref.Units {
		unitNames = append(unitNames, u.Name)
	}
	for _, ind := range ref.Indicators {
		unitNames = append(unitNames, ind.LabelVI)
	}
	check := func(file, vi, en string) {
		if bad := checkEnglish(en, unitNames...); bad != "" {
			t.Errorf("%s: English reason has Vietnamese words %q: %s", file, bad, en)
		}
		if bad := checkVietnamese(vi, unitNames...); bad != "" {
			t.Errorf("%s: Vietnamese reason has English words %q: %s", file, bad, vi)
		}
		if !strings.ContainsFunc(stripData(vi, unitNames...), vietnameseLetter) {
			t.Errorf("%s: Vietnamese reason is not Vietnamese: %s", file, vi)
		}
	}
	// Sheet names are data too: "Biểu 1!C6".
	for _, f := range sum.Files {
		for _, e := range f.Rejects {
			if sheet, _, ok := strings.Cut(e.Ref, "!"); ok {
				unitNames = append(unitNames, sheet)
			}
		}
		for _, w := range f.Warnings {
			if sheet, _, ok := strings.Cut(w.Ref, "!"); ok {
				unitNames = append(unitNames, sheet)
			}
		}
	}
	n := 0
	for _, f := range sum.Files {
		if f.FileErr != nil {
			check(f.File, f.FileErr.Reason, f.FileErr.ReasonEN)
			n++
		}
		for _, e := range f.Rejects {
			check(f.File, e.Reason, e.ReasonEN)
			n++
		}
		for _, w := range f.Warnings {
			check(f.File, w.Reason, w.ReasonEN)
			n++
		}
	}
	if n < 60 {
		t.Fatalf("only %d reasons checked", n)
	}
}
