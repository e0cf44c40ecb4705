package serve

// Browser tests: the real server on loopback, the fixture snapshot, and
// Debian's Chromium in headless mode driven by chromedp. They check that the
// figures shown are the figures of the JSON, that every figure opens its
// sources, that names from data stay text, that no request leaves the
// machine, and they print the overview and the province page to A4 PDF.
//
// Screenshots and PDFs go to t.TempDir(), and also to $DANVAN_SCREENSHOTS
// when set, so a person can look at them.

import (
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/danvan/danvan/pipeline/serve/browsertest"
)

// startBrowser starts one headless Chromium for a test (browsertest.Start).
func startBrowser(t *testing.T) context.Context { return browsertest.Start(t) }

// tab is a browsertest.Tab whose open also checks that the page rendered
// without an error state.
type tab struct {
	*browsertest.Tab
	ctx context.Context
	t   *testing.T
}

func newTab(t *testing.T, bctx context.Context) *tab {
	bt := browsertest.NewTab(t, bctx)
	return &tab{Tab: bt, ctx: bt.Ctx, t: t}
}

// open navigates and waits until the page says it has rendered.
func (tb *tab) open(u string) time.Duration {
	tb.t.Helper()
	elapsed := tb.Open(u)
	if state := eval[string](tb, `document.body.dataset.ready`); state != "1" {
		tb.t.Fatalf("open %s: page state %q", u, state)
	}
	return elapsed
}

func eval[T any](tb *tab, js string) T {
	tb.t.Helper()
	return browsertest.Eval[T](tb.Tab, js)
}

func (tb *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	tb.Do(actions...)
}

// artefacts is where screenshots and PDFs go.
type artefacts struct{ dirs []string }

func newArtefacts(t *testing.T) *artefacts {
	a := &artefacts{dirs: []string{t.TempDir()}}
	if d := os.Getenv("DANVAN_SCREENSHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		a.dirs = append(a.dirs, d)
	}
	return a
}

func (a *artefacts) save(t *testing.T, name string, b []byte) string {
	t.Helper()
	var first string
	for _, d := range a.dirs {
		p := filepath.Join(d, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if first == "" {
			first = p
		}
	}
	t.Logf("saved %s", filepath.Join(a.dirs[len(a.dirs)-1], name))
	return first
}

func (a *artefacts) screenshot(tb *tab, name string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	b, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.t.Fatalf("screenshot %s: %v", name, err)
	}
	a.save(tb.t, name+".png", b)
}

// pdf prints the page on A4 and renders its pages to PNG with pdftoppm, when
// poppler-utils is installed. It returns the number of pages.
func (a *artefacts) pdf(tb *tab, name string) int {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 60*time.Second)
	defer cancel()
	eval[chromedp.Void](tb, `window.__beforeprint = 0; addEventListener('beforeprint', () => window.__beforeprint++)`)
	b, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4),
		chromedp.PDFPreferCSSPageSize(), chromedp.PDFPrintBackground()))
	if err != nil {
		tb.t.Fatalf("print %s: %v", name, err)
	}
	path := a.save(tb.t, name+".pdf", b)
	tb.t.Logf("%s: beforeprint fired %d times", name, eval[int](tb, `window.__beforeprint`))
	pages := 0
	if out, err := exec.Command("pdfinfo", path).Output(); err == nil {
		for line := range strings.Lines(string(out)) {
			if v, ok := strings.CutPrefix(line, "Pages:"); ok {
				pages, _ = strconv.Atoi(strings.TrimSpace(v))
			}
			if v, ok := strings.CutPrefix(line, "Page size:"); ok && !strings.Contains(v, "A4") {
				tb.t.Errorf("%s: page size %s, want A4", name, strings.TrimSpace(v))
			}
		}
	}
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		tb.t.Logf("pdftoppm missing (apt-get install poppler-utils): %s not rendered to PNG", name)
		return pages
	}
	for _, d := range a.dirs {
		if out, err := exec.Command("pdftoppm", "-png", "-r", "70", filepath.Join(d, name+".pdf"), filepath.Join(d, name)).CombinedOutput(); err != nil {
			tb.t.Errorf("pdftoppm %s: %v %s", name, err, out)
		}
	}
	return pages
}

// viNum formats like Intl.NumberFormat('vi-VN', {maximumFractionDigits: d}):
// "." between thousands, "," before decimals, half away from zero.
func viNum(v float64, digits int) string {
	p := math.Pow(10, float64(digits))
	r := math.Round(v*p) / p
	s := strconv.FormatFloat(math.Abs(r), 'f', digits, 64)
	ip, frac, _ := strings.Cut(s, ".")
	frac = strings.TrimRight(frac, "0")
	var b strings.Builder
	for i, c := range ip {
		if i > 0 && (len(ip)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	out := b.String()
	if frac != "" {
		out += "," + frac
	}
	if r < 0 {
		out = "-" + out
	}
	return out
}

// viFixed formats with exactly digits decimals, as the pages show per-capita
// figures and percentages: 3,0 and 3,8.
func viFixed(v float64, digits int) string {
	s := viNum(v, digits)
	if digits == 0 {
		return s
	}
	ip, frac, _ := strings.Cut(s, ",")
	return ip + "," + frac + strings.Repeat("0", digits-len(frac))
}

func TestVINum(t *testing.T) {
	for _, c := range []struct {
		v    float64
		d    int
		want string
	}{{1234.5, 1, "1.234,5"}, {15560, 1, "15.560"}, {412500000000, 1, "412.500.000.000"}, {2.25, 1, "2,3"}, {-3.04, 1, "-3"}, {999.96, 1, "1.000"}} {
		if got := viNum(c.v, c.d); got != c.want {
			t.Errorf("viNum(%v, %d) = %q, want %q", c.v, c.d, got, c.want)
		}
	}
	for _, c := range []struct {
		v    float64
		want string
	}{{3, "3,0"}, {3.84, "3,8"}, {1234.56, "1.234,6"}, {-0.04, "0,0"}} {
		if got := viFixed(c.v, 1); got != c.want {
			t.Errorf("viFixed(%v, 1) = %q, want %q", c.v, got, c.want)
		}
	}
}

type provinceYear struct {
	ProvinceCode string   `json:"province_code"`
	Year         int      `json:"year"`
	Indicator    string   `json:"indicator"`
	Value        float64  `json:"value"`
	Basis        string   `json:"basis"`
	Per100k      *float64 `json:"per_100k"`
	Periods      []string `json:"periods"`
}

type unitYear struct {
	ProvinceCode string   `json:"province_code"`
	UnitCode     string   `json:"unit_code"`
	UnitName     string   `json:"unit_name"`
	UnitLevel    string   `json:"unit_level"`
	Year         int      `json:"year"`
	Period       string   `json:"period"`
	Indicator    string   `json:"indicator"`
	Value        float64  `json:"value"`
	Rank         int      `json:"rank"`
	Per100k      *float64 `json:"per_100k"`
}

type fact struct {
	Indicator  string  `json:"indicator"`
	UnitCode   string  `json:"unit_code"`
	UnitName   string  `json:"unit_name"`
	Period     string  `json:"period"`
	Value      float64 `json:"value"`
	SourceFile string  `json:"source_file"`
	SourceRef  string  `json:"source_ref"`
	Quote      *string `json:"quote"`
}

type completeness struct {
	ProvinceCode string  `json:"province_code"`
	Period       string  `json:"period"`
	Rate         float64 `json:"rate"`
	Missing      []struct {
		UnitName string `json:"unit_name"`
	} `json:"missing"`
}

func facts(t *testing.T, pc string, year int) []fact {
	var fs []fact
	readJSON(t, filepath.Join(fixtureSnapshot, "sources", fmt.Sprintf("%s-%d.json", pc, year)), &fs)
	return fs
}

// drillRows reads the drill-down panel once it lists rows.
func drillRows(tb *tab) [][]string {
	tb.t.Helper()
	tb.do(chromedp.WaitVisible(chromedp.CSS(`#drill[open] #drill-table, #drill[open] .drill-body p + p`)))
	return eval[[][]string](tb, `[...document.querySelectorAll('#drill-table tbody tr')].map(tr => [...tr.cells].map(c => c.textContent))`)
}

// checkDrill compares the panel with the facts: unit, period, value, file, ref.
func checkDrill(t *testing.T, rows [][]string, want []fact) {
	t.Helper()
	if len(rows) != len(want) || len(want) == 0 {
		t.Fatalf("drill-down lists %d sources, want %d", len(rows), len(want))
	}
	key := func(unit, period, file, ref string) string { return unit + "|" + period + "|" + file + "|" + ref }
	got := map[string]string{}
	for _, r := range rows {
		got[key(r[0], r[1], r[4], r[5])] = r[2]
	}
	for _, f := range want {
		v, ok := got[key(f.UnitName, f.Period, f.SourceFile, f.SourceRef)]
		if !ok {
			t.Errorf("drill-down misses %s %s %s %s", f.UnitName, f.Period, f.SourceFile, f.SourceRef)
			continue
		}
		if !strings.HasSuffix(v, viNum(f.Value, 2)) {
			t.Errorf("drill-down value of %s %s: %q, want %s", f.UnitName, f.Period, v, viNum(f.Value, 2))
		}
	}
}

func TestBrowser(t *testing.T) {
	bctx := startBrowser(t)
	art := newArtefacts(t)
	next := time.Date(2025, 12, 2, 2, 0, 0, 0, time.UTC)
	_, ts := newTestServer(t, Options{DataDir: dataDir(t), Runs: fakeRuns{next}})
	if !strings.HasPrefix(ts.URL, "http://127.0.0.1:") {
		t.Fatalf("test server not on loopback: %s", ts.URL)
	}
	var pys []provinceYear
	readJSON(t, filepath.Join(fixtureSnapshot, "province_year.json"), &pys)
	findPY := func(pc string, year int, ind string) provinceYear {
		for _, r := range pys {
			if r.ProvinceCode == pc && r.Year == year && r.Indicator == ind {
				return r
			}
		}
		t.Fatalf("fixture has no %s %d %s", pc, year, ind)
		return provinceYear{}
	}

	t.Run("overview", func(t *testing.T) {
		tb := newTab(t, bctx)
		tb.open(ts.URL + "/") // warm: the browser caches the versioned assets
		elapsed := tb.open(ts.URL + "/?year=2024&indicator=dialogues")
		readyMs := eval[string](tb, `document.body.dataset.readyMs`)
		t.Logf("overview usable after %v (navigation to rendered, warm cache); page reports %s ms from navigation start", elapsed.Round(time.Millisecond), readyMs)

		cards := eval[map[string]map[string]string](tb, `Object.fromEntries([...document.querySelectorAll('#cards [data-province]')].map(c =>
			[c.dataset.province, {name: c.querySelector('h3').textContent, value: c.querySelector('[data-field=value]').textContent,
			 per: c.querySelector('[data-field=per_100k]').textContent, yoy: c.querySelector('[data-field=yoy_change]').textContent}]))`)
		for _, pc := range []string{"38", "40", "42"} {
			r := findPY(pc, 2024, "dialogues")
			c := cards[pc]
			if c["value"] != viNum(r.Value, 1) || c["per"] != viFixed(*r.Per100k, 1) {
				t.Errorf("card %s: shows %q / %q per 100k, JSON has %s / %s", pc, c["value"], c["per"], viNum(r.Value, 1), viFixed(*r.Per100k, 1))
			}
		}
		if cards["40"]["name"] != "Nghệ An" || cards["42"]["name"] != "Hà Tĩnh" {
			t.Errorf("province names %v", cards)
		}
		all := eval[[][]string](tb, `[...document.querySelectorAll('#all tbody tr')].map(tr => [...tr.cells].map(c => c.textContent))`)
		if len(all) != 5 {
			t.Fatalf("all-indicators table has %d rows", len(all))
		}
		for _, row := range all {
			if strings.HasPrefix(row[0], "Kinh phí Nhân dân đóng góp") {
				if want := viNum(findPY("38", 2024, "funds_mobilized_vnd").Value, 1); row[1] != want {
					t.Errorf("funds of Thanh Hóa: %q, want %q", row[1], want)
				}
			}
		}
		if got := eval[string](tb, `document.querySelector('.title-row .as-of-date').textContent`); got != "30/11/2025" {
			t.Errorf("data as of %q", got)
		}
		if !eval[bool](tb, `!document.getElementById('demo-banner').hidden && document.getElementById('demo-banner').textContent === 'Dữ liệu minh họa (demo)'`) {
			t.Error("demo banner not shown for a demo manifest")
		}
		if n := eval[int](tb, `['chart-abs','chart-per'].filter(id => { const c = echarts.getInstanceByDom(document.getElementById(id)); const cv = document.querySelector('#'+id+' canvas'); return c && cv && cv.width > 300 && c.getOption().series[0].data.length === 3 }).length`); n != 2 {
			t.Errorf("%d of 2 charts rendered", n)
		}
		if !eval[bool](tb, `location.search.includes('year=2024') && location.search.includes('indicator=dialogues')`) {
			t.Error("filters are not in the URL")
		}
		art.screenshot(tb, "overview")

		// Change the indicator through the filter: the URL follows.
		tb.do(chromedp.SetValue(chromedp.ID("indicator"), "models_registered"),
			chromedp.Evaluate[chromedp.Void](`document.getElementById('indicator').dispatchEvent(new Event('change'))`))
		if !eval[bool](tb, `new URLSearchParams(location.search).get('indicator') === 'models_registered'`) {
			t.Error("indicator filter not written to the URL")
		}
		if got, want := eval[string](tb, `document.querySelector('#cards [data-province="42"] [data-field=value]').textContent`), viNum(findPY("42", 2024, "models_registered").Value, 1); got != want {
			t.Errorf("after the filter change: %q, want %q", got, want)
		}

		// Province report: the panel shows the province's own report.
		tb.do(chromedp.Click(chromedp.CSS(`#cards [data-province="42"] button.fig`)))
		var want []fact
		for _, f := range facts(t, "42", 2024) {
			if f.Indicator == "models_registered" && f.UnitCode == "42" {
				want = append(want, f)
			}
		}
		rows := drillRows(tb)
		checkDrill(t, rows, want)
		if len(rows) > 0 && !strings.Contains(rows[0][6], "Năm 2024, toàn tỉnh Hà Tĩnh") {
			t.Errorf("quote not shown: %q", rows[0])
		}
		art.screenshot(tb, "overview-drill")
		tb.do(chromedp.Click(chromedp.CSS(`#drill button.close`)))
		if pages := art.pdf(tb, "overview-print"); pages > 2 {
			t.Errorf("overview prints on %d A4 pages, want at most 2", pages)
		}
	})

	t.Run("overview-2025-sum-of-units", func(t *testing.T) {
		tb := newTab(t, bctx)
		tb.open(ts.URL + "/?year=2025&indicator=models_registered")
		r := findPY("38", 2025, "models_registered")
		tb.do(chromedp.Click(chromedp.CSS(`#cards [data-province="38"] button.fig`)))
		var want []fact
		for _, f := range facts(t, "38", 2025) {
			if f.Indicator == "models_registered" && slices.Contains(r.Periods, f.Period) {
				want = append(want, f)
			}
		}
		checkDrill(t, drillRows(tb), want)
	})

	t.Run("province-and-xss", func(t *testing.T) {
		tb := newTab(t, bctx)
		tb.open(ts.URL + "/province?province=42&year=2024&indicator=dialogues")
		var uys []unitYear
		readJSON(t, filepath.Join(fixtureSnapshot, "unit_year.json"), &uys)
		var want []unitYear
		for _, u := range uys {
			if u.ProvinceCode == "42" && u.Year == 2024 && u.Indicator == "dialogues" {
				want = append(want, u)
			}
		}
		slices.SortFunc(want, func(a, b unitYear) int { return a.Rank - b.Rank })
		rows := eval[[][]string](tb, `[...document.querySelectorAll('#rank tbody tr')].map(tr => [...tr.cells].map(c => c.textContent))`)
		if len(rows) != len(want) {
			t.Fatalf("ranked table has %d rows, want %d", len(rows), len(want))
		}
		xssRow := -1
		for i, u := range want {
			if rows[i][1] != u.UnitName || rows[i][3] != viNum(u.Value, 1) {
				t.Errorf("rank %d: %q %q, want %q %q", i+1, rows[i][1], rows[i][3], u.UnitName, viNum(u.Value, 1))
			}
			if strings.HasPrefix(u.UnitName, "<img") {
				xssRow = i
			}
		}
		if xssRow < 0 {
			t.Fatal("fixture lost its <img> unit")
		}
		if n := eval[int](tb, `document.querySelectorAll('img, b').length`); n != 0 {
			t.Errorf("%d elements made from data", n)
		}
		missing := eval[[]string](tb, `[...document.querySelectorAll('#missing-2024 li')].map(li => li.textContent)`)
		if !slices.Equal(missing, []string{"<img src=x onerror=alert(1)>", "Vũ Quang"}) {
			t.Errorf("missing units %q", missing)
		}
		art.screenshot(tb, "province")

		tb.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`#rank tbody tr:nth-child(%d) button.fig`, xssRow+1))))
		var wantFacts []fact
		for _, f := range facts(t, "42", 2024) {
			if f.Indicator == "dialogues" && f.UnitCode == want[xssRow].UnitCode {
				wantFacts = append(wantFacts, f)
			}
		}
		checkDrill(t, drillRows(tb), wantFacts)
		if !eval[bool](tb, `document.getElementById('drill').innerText.includes('<img src=x onerror=alert(1)>')`) {
			t.Error("the <img> unit name is not shown literally in the panel")
		}
		art.screenshot(tb, "province-drill-xss")
		tb.do(chromedp.Click(chromedp.CSS(`#drill button.close`)))
		if pages := art.pdf(tb, "province-print"); pages > 3 {
			t.Errorf("province page prints on %d A4 pages, want at most 3", pages)
		}

		// After the reform: communes, and the switch to districts of 2025-H1.
		tb.open(ts.URL + "/province?province=42&year=2025&indicator=dialogues")
		if got := eval[string](tb, `document.getElementById('level').value`); got != "commune" {
			t.Errorf("2025 level %q, want commune", got)
		}
		if got := eval[string](tb, `document.querySelector('#rank tbody tr td:nth-child(3)').textContent`); got != "2025-H2" {
			t.Errorf("2025 commune period %q", got)
		}
		if got := eval[string](tb, `document.querySelector('#missing-2025-H2 li').textContent`); got != "Vũ Quang" {
			t.Errorf("2025-H2 missing %q", got)
		}
	})

	t.Run("trends", func(t *testing.T) {
		tb := newTab(t, bctx)
		tb.open(ts.URL + "/trends?indicator=models_registered")
		ml := eval[string](tb, `JSON.stringify(echarts.getInstanceByDom(document.getElementById('chart-trend')).getOption().series[0].markLine.data[0])`)
		if !strings.Contains(ml, `"xAxis":"2025"`) {
			t.Errorf("no markLine at 2025: %s", ml)
		}
		if got := eval[string](tb, `echarts.getInstanceByDom(document.getElementById('chart-trend')).getOption().series[0].markLine.label.formatter`); got != "Sắp xếp đơn vị hành chính 01/07/2025" {
			t.Errorf("markLine label %q", got)
		}
		rows := eval[[][]string](tb, `[...document.querySelectorAll('#trend tbody tr')].map(tr => [...tr.cells].map(c => c.textContent))`)
		if len(rows) != 5 {
			t.Fatalf("%d years", len(rows))
		}
		for _, row := range rows {
			y, _ := strconv.Atoi(row[0])
			for i, pc := range []string{"38", "40", "42"} {
				if want := viNum(findPY(pc, y, "models_registered").Value, 1); strings.TrimPrefix(row[1+2*i], "≈\u202f") != want {
					t.Errorf("%d %s: %q, want %q", y, pc, row[1+2*i], want)
				}
			}
		}
		art.screenshot(tb, "trends")
	})

	t.Run("completeness", func(t *testing.T) {
		tb := newTab(t, bctx)
		tb.open(ts.URL + "/completeness")
		var cs []completeness
		readJSON(t, filepath.Join(fixtureSnapshot, "completeness.json"), &cs)
		rates := eval[[]string](tb, `[...document.querySelectorAll('#comp [data-field=rate]')].map(e => e.textContent)`)
		if len(rates) != len(cs) {
			t.Fatalf("%d rows, want %d", len(rates), len(cs))
		}
		for i, c := range cs { // the page orders by province, then period, as the fixture does
			if want := viFixed(c.Rate*100, 1) + "%"; rates[i] != want {
				t.Errorf("rate %s %s: %q, want %q", c.ProvinceCode, c.Period, rates[i], want)
			}
		}
		art.screenshot(tb, "completeness")
	})

	t.Run("runs", func(t *testing.T) {
		tb := newTab(t, bctx)
		tb.open(ts.URL + "/runs")
		rows := eval[[][]string](tb, `[...document.querySelectorAll('#runs tbody tr')].map(tr => [...tr.cells].map(c => c.textContent))`)
		if len(rows) != 3 || rows[0][0] != "20251201T020000Z-7f3a9c" || rows[0][1] != "theo lịch" || !strings.Contains(rows[1][7], "<b>models_effective</b>") {
			t.Errorf("runs table %q", rows)
		}
		// A run that published with problems says so, and lists each with its fix.
		if len(rows) == 3 && (rows[2][2] != "xong, có vấn đề" || !strings.Contains(rows[2][7], "inbox/<i>vu-quang</i>.csv: Không có quyền đọc tệp. Cách sửa: chmod a+r")) {
			t.Errorf("run with problems: %q", rows[2])
		}
		if next := eval[string](tb, `document.getElementById('next-run').textContent`); next != "02/12/2025 09:00 (giờ Việt Nam)" { // 02:00 UTC in Vietnam time, and says so
			t.Errorf("next run %q", next)
		}
		art.screenshot(tb, "runs")
	})

	t.Run("english", func(t *testing.T) {
		tb := newTab(t, bctx)
		tb.open(ts.URL + "/?lang=en&year=2023&indicator=land_donated_m2")
		got := eval[map[string]string](tb, `({h1: document.querySelector('h1').textContent, lang: document.documentElement.lang,
			sw: document.getElementById('lang-switch').textContent, nav: document.querySelector('nav a[data-nav=trends]').search})`)
		if got["h1"] != "The three provinces side by side" || got["lang"] != "en" || got["sw"] != "Tiếng Việt" || !strings.Contains(got["nav"], "lang=en") {
			t.Errorf("English page: %v", got)
		}
		art.screenshot(tb, "overview-en")
	})
}

// TestBrowserNoSnapshot: a page of data opened before any snapshot is
// published (make run serves while its first refresh runs) says that no
// data is published yet, and shows the data by itself once a snapshot is;
// a page whose data fails otherwise says it could not load it.
func TestBrowserNoSnapshot(t *testing.T) {
	bctx := startBrowser(t)
	dir := t.TempDir()
	_, ts := newTestServer(t, Options{DataDir: dir})
	tb := newTab(t, bctx)
	ctx, cancel := context.WithTimeout(tb.ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/"), chromedp.WaitReady(chromedp.CSS(`body[data-ready="preparing"]`))); err != nil {
		t.Fatal(err)
	}
	if msg := eval[string](tb, `document.querySelector('.preparing[role=status]').textContent`); msg != "Chưa có dữ liệu được công bố: lần làm mới đầu tiên chưa xong. Trang sẽ tự tải lại khi có dữ liệu." {
		t.Errorf("message while no data is published: %q", msg)
	}
	tb.TakeErrors() // the browser reports the 503s of the waiting page
	addSnapshot(t, dir, fixtureRunID(t), nil)
	publish(t, dir, fixtureRunID(t))
	if err := chromedp.Do(ctx, chromedp.WaitReady(chromedp.CSS(`body[data-ready="1"]`))); err != nil {
		t.Fatalf("the page did not show the data once published: %v", err)
	}
	if n := eval[int](tb, `document.querySelectorAll('.preparing').length`); n != 0 {
		t.Errorf("%d notes that no data is published, after it was", n)
	}
	tb.TakeErrors()

	// A snapshot whose data cannot be read: the error, at once.
	broken := t.TempDir()
	addSnapshot(t, broken, fixtureRunID(t), nil)
	publish(t, broken, fixtureRunID(t))
	if err := os.Remove(filepath.Join(broken, "exports", "snapshots", fixtureRunID(t), "province_year.json")); err != nil {
		t.Fatal(err)
	}
	_, ts2 := newTestServer(t, Options{DataDir: broken})
	if err := chromedp.Do(ctx, chromedp.Navigate(ts2.URL+"/"), chromedp.WaitReady(chromedp.CSS(`body[data-ready="error"]`))); err != nil {
		t.Fatal(err)
	}
	if msg := eval[string](tb, `document.querySelector('.error[role=alert]').textContent`); msg != "Không tải được dữ liệu. Hãy thử tải lại trang." {
		t.Errorf("error message %q", msg)
	}
	if len(tb.TakeErrors()) == 0 {
		t.Error("the failed fetch was not reported: the error listener sees nothing")
	}
}
