package serve

import (
	"regexp"
	"strings"
	"testing"
)

// Every page carries the one header (header.html) with its own link, and
// only that one, marked as the current page; the rest of the page is its
// own.
func TestPagesShareTheHeader(t *testing.T) {
	a, err := loadAssets()
	if err != nil {
		t.Fatal(err)
	}
	current := regexp.MustCompile(`data-nav="([a-z]+)"[^>]*aria-current="page"`)
	for _, file := range pages {
		name := strings.TrimSuffix(file, ".html")
		body := string(a.files[file].body)
		if strings.Contains(body, "{{") {
			t.Errorf("%s: a template action left in the page", file)
		}
		if n := strings.Count(body, `<nav class="pages"`); n != 1 {
			t.Errorf("%s: %d navigations", file, n)
		}
		for _, page := range pages {
			p := strings.TrimSuffix(page, ".html")
			if !strings.Contains(body, `data-nav="`+p+`"`) {
				t.Errorf("%s: no link to %s", file, p)
			}
		}
		if m := current.FindAllStringSubmatch(body, -1); len(m) != 1 || m[0][1] != name {
			t.Errorf("%s: current page marked %v, want %s alone", file, m, name)
		}
		if !strings.Contains(body, `<body data-page="`+name+`">`) || !strings.Contains(body, `id="demo-banner"`) {
			t.Errorf("%s: not its own page, or the header is incomplete", file)
		}
	}
}

// Every dashboard file is served with its own type, from the table the
// server keeps (assetTypes), never application/octet-stream: a file of a
// new kind needs its type added there.
func TestEveryAssetHasItsType(t *testing.T) {
	a, err := loadAssets()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8",
		"overview.html": "text/html; charset=utf-8", "vendor/ECHARTS-LICENSE": "text/plain; charset=utf-8",
		"vendor/echarts.min.js": "text/javascript; charset=utf-8",
	}
	for p, f := range a.files {
		if f.ctype == "application/octet-stream" {
			t.Errorf("%s served as %s: add its extension to assetTypes", p, f.ctype)
		}
		if w, ok := want[p]; ok && f.ctype != w {
			t.Errorf("%s served as %q, want %q", p, f.ctype, w)
		}
	}
	for p := range want {
		if a.files[p] == nil {
			t.Errorf("no dashboard file %s", p)
		}
	}
}
