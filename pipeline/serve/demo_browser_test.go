package serve

// The pages on the demo data in headless Chromium (issue 17's acceptance):
// the overview opens on the latest complete year; a part-year is marked on
// every page that shows it; completeness shows no period outside the
// reporting calendar; every clickable number opens a non-empty panel; the
// refusals page lists exactly the rows ingest refused; the brief prints on
// one A4 page. Every page is screenshot at 1366 px and 390 px (no
// horizontal overflow at 390) and printed to A4 PDF, into the artefacts
// directory ($DANVAN_SCREENSHOTS when set).

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/danvan/danvan/pipeline/ingest"
)

// figureResult is what clicking one clickable number showed.
type figureResult struct {
	Label string `json:"label"`
	Rows  int    `json:"rows"`
	Open  bool   `json:"open"`
	Error bool   `json:"error"`
	Title string `json:"title"`
}

// walkFigures clicks every clickable number of the page (button.fig), waits
// for the panel to show what is behind it, and fails the test for any
// panel that stays empty or shows an error.
func walkFigures(t *testing.T, tb *tab) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 5*time.Minute)
	defer cancel()
	res, err := chromedp.Run(ctx, chromedp.Evaluate[[]figureResult](`(async () => {
		const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
		const out = [];
		for (const b of [...document.querySelectorAll('button.fig')]) {
			b.click();
			let dlg = document.getElementById('drill');
			for (let k = 0; k < 500; k++) {
				dlg = document.getElementById('drill');
				if (dlg && dlg.open && dlg.querySelector('.drill-body .drill-sub, .drill-body .error')) break;
				await sleep(10);
			}
			const row = b.closest('tr, article, h3, li, p');
			out.push({
				label: (row ? row.textContent : b.textContent).replace(/\s+/g, ' ').trim().slice(0, 90),
				rows: dlg ? dlg.querySelectorAll('#drill-table tbody tr').length : -1,
				open: !!(dlg && dlg.open), error: !!(dlg && dlg.querySelector('.drill-body .error')),
				title: dlg ? dlg.querySelector('#drill-title').textContent : '',
			});
			if (dlg) dlg.close();
		}
		return out;
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("walk the clickable numbers: %v", err)
	}
	empty := 0
	for _, r := range res {
		if !r.Open || r.Error || r.Rows <= 0 {
			empty++
			if empty <= 10 {
				t.Errorf("clicking %q opened an empty panel (open %v, error %v, %d rows, title %q)", r.Label, r.Open, r.Error, r.Rows, r.Title)
			}
		}
	}
	if empty > 10 {
		t.Errorf("… %d empty panels in all", empty)
	}
	return len(res)
}

// atWidth makes the tab's viewport w px wide.
func atWidth(tb *tab, w int64) {
	tb.t.Helper()
	tb.do(chromedp.EmulateViewport(w, 900))
}

// noOverflow fails when the page, or a filter box's drop-downs, are wider
// than the window.
func noOverflow(t *testing.T, tb *tab) {
	t.Helper()
	got := eval[map[string]any](tb, `(() => {
		const doc = document.documentElement;
		const bad = [...document.querySelectorAll('.filters select')].filter((s) => s.getBoundingClientRect().right > s.closest('.filters').getBoundingClientRect().right + 0.5).map((s) => s.id);
		return {scroll: doc.scrollWidth, inner: innerWidth, selects: bad};
	})()`)
	if got["scroll"].(float64) > got["inner"].(float64)+1 {
		t.Errorf("the page is %v px wide in a %v px window", got["scroll"], got["inner"])
	}
	if sel, _ := got["selects"].([]any); len(sel) > 0 {
		t.Errorf("drop-downs stick out of their box: %v", sel)
	}
}

func textOf(tb *tab, sel string) string {
	tb.t.Helper()
	return eval[string](tb, fmt.Sprintf(`(document.querySelector(%q) || {textContent: ''}).textContent`, sel))
}

func textsOf(tb *tab, sel string) []string {
	tb.t.Helper()
	return eval[[]string](tb, fmt.Sprintf(`[...document.querySelectorAll(%q)].map((e) => e.textContent)`, sel))
}

func TestDemoBrowser(t *testing.T) {
	bctx := startBrowser(t)
	dir, sum := demoDir(t)
	art := newArtefacts(t)
	_, ts := newTestServer(t, Options{DataDir: dir, Runs: demoRuns{sum}})
	year, parts := latestComplete(t, dir)
	part := parts[len(parts)-1] // 2026, its first half
	if year != 2025 || part.Year != 2026 {
		t.Fatalf("latest complete year %d, part-year %+v: not the demo's", year, part)
	}
	var units []struct {
		ProvinceCode string   `json:"province_code"`
		UnitName     string   `json:"unit_name"`
		UnitLevel    string   `json:"unit_level"`
		Year         int      `json:"year"`
		Indicator    string   `json:"indicator"`
		Comparable   bool     `json:"comparable"`
		Periods      []string `json:"periods"`
	}
	demoSnapshot(t, dir, "unit_year.json", &units)
	var inds []struct {
		Code   string `json:"code"`
		UnitEN string `json:"unit_en"`
	}
	demoSnapshot(t, dir, "indicators.json", &inds)

	type page struct {
		name, path string
		check      func(t *testing.T, tb *tab)
		pdfMax     int // 0: not printed
	}
	pages := []page{
		{"overview", "/", func(t *testing.T, tb *tab) {
			if got := eval[string](tb, `document.getElementById('year').value`); got != "2025" {
				t.Errorf("the overview opens on %s, want 2025, the latest complete year", got)
			}
			if got := textOf(tb, "[data-field=year-label]"); got != "2025" || textOf(tb, ".part-mark") != "" {
				t.Errorf("a complete year marked as part: %q", got)
			}
			hrefs := eval[[]string](tb, `[...document.querySelectorAll('#cards a.card-link')].map((a) => a.getAttribute('href'))`)
			if len(hrefs) != 3 || !strings.HasPrefix(hrefs[0], "/province?province=38&year=2025") {
				t.Errorf("province cards link to %q", hrefs)
			}
			opts := eval[[]string](tb, `[...document.getElementById('year').options].map((o) => o.textContent)`)
			if !slices.Contains(opts, part.LabelVI) {
				t.Errorf("the part-year cannot be chosen by its name: %q", opts)
			}
		}, 2},
		{"overview-part-year", "/?year=2026", func(t *testing.T, tb *tab) {
			if got := textOf(tb, "[data-field=year-label]"); got != part.LabelVI {
				t.Errorf("part-year title %q, want %q", got, part.LabelVI)
			}
			if n := eval[int](tb, `document.querySelectorAll('#cards .part-mark').length`); n != 3 {
				t.Errorf("%d of 3 cards marked as part of the year", n)
			}
			if got := strings.Join(strings.Fields(textOf(tb, "#all-title")), " "); got != "Tất cả chỉ tiêu – "+part.LabelVI {
				t.Errorf("heading of the table of all indicators %q", got)
			}
			if got := textOf(tb, ".part-note"); !strings.Contains(got, "thiếu 2026-H2") {
				t.Errorf("the part-year's note %q does not say what the year lacks", got)
			}
			notes := textsOf(tb, "#cards [data-field=yoy_note]")
			if len(notes) != 3 || notes[0] != "không so sánh: năm chưa đủ" || textOf(tb, "#cards [data-field=yoy_change]") != "" {
				t.Errorf("a part-year compared with a whole one: %q", notes)
			}
		}, 2},
		{"overview-en", "/?lang=en", func(t *testing.T, tb *tab) {
			ind := eval[string](tb, `document.getElementById('indicator').value`)
			want := ""
			for _, i := range inds {
				if i.Code == ind {
					want = i.UnitEN
				}
			}
			if got := strings.TrimSpace(textOf(tb, "#cards .unit")); want == "" || got != want {
				t.Errorf("English unit %q, want %q", got, want)
			}
			opts := eval[[]string](tb, `[...document.getElementById('year').options].map((o) => o.textContent)`)
			if !slices.Contains(opts, "First half of 2026 (part-year)") {
				t.Errorf("English year options %q", opts)
			}
		}, 0},
		{"trends", "/trends", func(t *testing.T, tb *tab) {
			// Per province a solid series up to 2025 and a dashed one
			// from 2025 into 2026.
			got := eval[[]map[string]any](tb, `(() => {
				const o = echarts.getInstanceByDom(document.getElementById('chart-trend')).getOption();
				const years = o.xAxis[0].data;
				const at = (s, y) => { const v = s.data[years.indexOf(y)]; return v == null ? null : (typeof v === 'object' ? v.value : v); };
				return o.series.map((s) => ({dash: (s.lineStyle || {}).type || 'solid', y2025: at(s, '2025'), y2026: at(s, '2026')}));
			})()`)
			if len(got) != 6 {
				t.Fatalf("%d series, want 2 per province: %v", len(got), got)
			}
			for i := 0; i < 6; i += 2 {
				solid, dashed := got[i], got[i+1]
				if solid["dash"] != "solid" || solid["y2026"] != nil || solid["y2025"] == nil ||
					dashed["dash"] != "dashed" || dashed["y2025"] == nil || dashed["y2026"] == nil {
					t.Errorf("series %d: solid %v, dashed %v; want the line dashed from 2025 into 2026", i/2, solid, dashed)
				}
			}
			rows := textsOf(tb, "#trend tbody tr [data-field=year]")
			if len(rows) == 0 || rows[len(rows)-1] != part.LabelVI {
				t.Errorf("the part-year row says %q", rows)
			}
			if n := eval[int](tb, `[...document.querySelectorAll('#trend tbody tr')].pop().querySelectorAll('.part-mark').length`); n != 3 {
				t.Errorf("%d of 3 figures of the part-year marked", n)
			}
		}, 2},
		{"province", "/province?province=38", func(t *testing.T, tb *tab) {
			if got := eval[string](tb, `document.getElementById('year').value`); got != "2025" {
				t.Errorf("the province page opens on %s, want 2025", got)
			}
			if got := eval[string](tb, `document.getElementById('level').value`); got != "commune" {
				t.Errorf("level %q, want the communes", got)
			}
			// A ranked table, and a chart of the top and bottom 15.
			n := eval[int](tb, `document.querySelectorAll('#rank tbody tr').length`)
			bars := eval[int](tb, `echarts.getInstanceByDom(document.getElementById('chart-rank')).getOption().yAxis[0].data.length`)
			if n <= 30 || bars != 31 {
				t.Errorf("%d ranked communes, %d bars; want all in the table, 15 + 15 in the chart", n, bars)
			}
		}, 3},
		{"province-2023", "/province?province=38&year=2023&level=district&indicator=dialogues", func(t *testing.T, tb *tab) {
			// The city is not the province, and what it did send is said.
			if got := textsOf(tb, "#missing-2023 li"); !slices.Contains(got, "TP. Thanh Hóa (đã gửi 2023-H1)") {
				t.Errorf("units missing the 2023 report: %q", got)
			}
		}, 0},
		{"province-halves", "/province?province=42&year=2024&level=district&indicator=dialogues", func(t *testing.T, tb *tab) {
			// Can Lộc sent both halves and no year: ranked with them,
			// listed as not having sent the annual report.
			if !slices.Contains(textsOf(tb, "#rank [data-field=unit_name]"), "Can Lộc") {
				t.Error("Can Lộc, whose year is its two halves, is not ranked")
			}
			missing := strings.Join(textsOf(tb, "#missing-2024 li"), "|")
			if !strings.Contains(missing, "Can Lộc (đã gửi 2024-H1, 2024-H2") {
				t.Errorf("Can Lộc's halves not said among the missing: %q", missing)
			}
		}, 0},
		{"province-apart", "/province?province=38&year=2021&level=district&indicator=dialogues", func(t *testing.T, tb *tab) {
			var apart []string
			for _, u := range units {
				if u.ProvinceCode == "38" && u.Year == 2021 && u.Indicator == "dialogues" && u.UnitLevel == "district" && !u.Comparable {
					apart = append(apart, u.UnitName)
				}
			}
			got := textsOf(tb, "#apart-table [data-field=unit_name]")
			sort.Strings(apart)
			sort.Strings(got)
			if len(apart) == 0 || !slices.Equal(got, apart) {
				t.Errorf("listed apart %q, want %q", got, apart)
			}
			for _, n := range apart {
				if slices.Contains(textsOf(tb, "#rank [data-field=unit_name]"), n) {
					t.Errorf("%s, which sent another period, is ranked", n)
				}
			}
		}, 0},
		{"province-part-year", "/province?province=40&year=2026", func(t *testing.T, tb *tab) {
			if got := textOf(tb, "[data-field=year-label]"); got != part.LabelVI {
				t.Errorf("part-year title %q", got)
			}
			if textOf(tb, "#province-total .part-mark") == "" {
				t.Error("the province total of a part-year is not marked")
			}
			// Each ranked unit says the periods its figure holds.
			for _, p := range textsOf(tb, "#rank tbody tr td:nth-child(3)") {
				if p != "2026-H1" {
					t.Errorf("a ranked unit of the part-year holds %q, want 2026-H1", p)
					break
				}
			}
		}, 0},
		{"completeness", "/completeness", func(t *testing.T, tb *tab) {
			var comp []struct {
				Period string `json:"period"`
			}
			demoSnapshot(t, dir, "completeness.json", &comp)
			periods := textsOf(tb, "#comp tbody tr td:nth-child(2)")
			if len(periods) != len(comp) {
				t.Errorf("%d rows, completeness.json has %d", len(periods), len(comp))
			}
			calendar := regexp.MustCompile(`^(20(19|2[0-4])(-H1)?|2025-H[12]|2026-H1)$`)
			for _, p := range periods {
				if !calendar.MatchString(p) {
					t.Errorf("period %s is not one the reporting calendar asks for", p)
				}
			}
		}, 2},
		{"refusals", "/refusals", func(t *testing.T, tb *tab) {
			checkRefusals(t, tb, sum, "", "")
		}, 0},
		{"refusals-42", "/refusals?province=42", func(t *testing.T, tb *tab) {
			checkRefusals(t, tb, sum, "42", "")
		}, 0},
		{"refusals-unit", "/refusals?province=40&unit=421", func(t *testing.T, tb *tab) {
			checkRefusals(t, tb, sum, "40", "421")
		}, 0},
		{"runs", "/runs", func(t *testing.T, tb *tab) {
			acc, rej, _ := sum.Totals()
			note := textOf(tb, "#runs tbody tr td:last-child")
			if !strings.Contains(note, viNum(float64(acc), 0)+" giá trị nhận") || !strings.Contains(note, viNum(float64(rej), 0)+" bị từ chối") {
				t.Errorf("runs note %q, want %s accepted and %d refused with separators", note, viNum(float64(acc), 0), rej)
			}
			href := eval[string](tb, `document.querySelector('#runs [data-field=refused]').getAttribute('href')`)
			if href != "/refusals?refresh=20260901T023000Z-demo01" {
				t.Errorf("refused values link to %q", href)
			}
			for _, f := range sum.Files {
				if f.Status == ingest.Quarantined && !strings.Contains(note, f.File) {
					t.Errorf("runs note %q does not list the quarantined %s", note, f.File)
				}
			}
			// The note, which lists the problems, is not squeezed by the times.
			if w := eval[float64](tb, `document.querySelector('#runs tbody tr td:last-child').getBoundingClientRect().width`); w < 320 {
				t.Errorf("the runs' note column is %.0f px wide at 1366 px", w)
			}
			if over := eval[float64](tb, `(() => { const t = document.getElementById('runs'); return t.getBoundingClientRect().right - t.parentElement.getBoundingClientRect().right; })()`); over > 0.5 {
				t.Errorf("the runs table is %.0f px wider than its box at 1366 px", over)
			}
			if got := textOf(tb, "#runs tbody tr td:nth-child(3)"); got != "xong, có vấn đề" {
				t.Errorf("status %q", got)
			}
			if got := textOf(tb, "#runs tbody tr td:nth-child(4)"); !strings.HasSuffix(got, "(giờ Việt Nam)") {
				t.Errorf("start time %q says no time zone", got)
			}
		}, 0},
		{"brief", "/brief", func(t *testing.T, tb *tab) { checkBrief(t, tb, "2025") }, 1},
		{"brief-part-year", "/brief?year=2026", func(t *testing.T, tb *tab) { checkBrief(t, tb, part.LabelVI) }, 1},
		{"brief-en", "/brief?lang=en", func(t *testing.T, tb *tab) { checkBrief(t, tb, "2025") }, 1},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			tb := newTab(t, bctx)
			atWidth(tb, 1366)
			tb.open(ts.URL + p.path)
			p.check(t, tb)
			art.screenshot(tb, p.name+"-1366")
			n := walkFigures(t, tb)
			t.Logf("%s: %d clickable numbers, each opened its facts", p.name, n)
			if p.pdfMax > 0 {
				tb.open(ts.URL + p.path)
				if pages := art.pdf(tb, p.name+"-print"); pages > p.pdfMax || pages == 0 {
					t.Errorf("%s prints on %d A4 pages, want 1 to %d", p.name, pages, p.pdfMax)
				}
			}
			atWidth(tb, 390)
			tb.open(ts.URL + p.path)
			noOverflow(t, tb)
			art.screenshot(tb, p.name+"-390")
		})
	}
}

// checkRefusals compares the refusals page with what ingest refused: every
// refused row (file, place, column, value, reason), and every quarantined
// file with its reason; of province pc only when pc is set, of unit code
// unit when that is.
func checkRefusals(t *testing.T, tb *tab, sum ingest.Summary, pc, unit string) {
	t.Helper()
	var want, quarantined []string
	for _, f := range sum.Files {
		for _, e := range f.Rejects {
			if (pc == "" || e.ProvinceCode == pc) && (unit == "" || e.UnitCode == unit) {
				want = append(want, strings.Join([]string{f.File, e.Ref, e.Column, e.Value, e.Reason}, " | "))
			}
		}
		if f.Status == ingest.Quarantined && pc == "" {
			quarantined = append(quarantined, f.File+" | "+f.FileErr.Reason)
		}
	}
	got := eval[[]string](tb, `[...document.querySelectorAll('.file-block')].flatMap((b) => [...b.querySelectorAll('tbody tr')].map((tr) =>
		[b.querySelector('h3').textContent, ...[...tr.cells].slice(0, 4).map((c) => c.textContent)].join(' | ')))`)
	sort.Strings(want)
	sort.Strings(got)
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("the refusals page lists\n%s\nwant what ingest refused:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	gotQ := eval[[]string](tb, `[...document.querySelectorAll('.file-block')].filter((b) => b.querySelector('.quarantine')).map((b) =>
		b.querySelector('h3').textContent + ' | ' + b.querySelector('.quarantine p').textContent.replace(/^[^:]*: /, ''))`)
	sort.Strings(quarantined)
	sort.Strings(gotQ)
	if pc == "" && (len(quarantined) == 0 || !slices.Equal(gotQ, quarantined)) {
		t.Errorf("quarantined files %q, want %q", gotQ, quarantined)
	}
	if n := eval[int](tb, `document.querySelectorAll('.file-block a.feedback[href^="/download/feedback/"]').length`); n != eval[int](tb, `document.querySelectorAll('.file-block').length`) {
		t.Errorf("%d feedback workbooks for the files listed", n)
	}
}

// checkBrief: the brief's year, three to five sentences, each figure of a
// sentence the text of the cell it names.
func checkBrief(t *testing.T, tb *tab, yearLabel string) {
	t.Helper()
	if got := textOf(tb, "[data-field=year-label]"); got != yearLabel {
		t.Errorf("brief of %q, want %q", got, yearLabel)
	}
	// No figure spills out of its cell, nor the table out of the page, on
	// the screen and as printed.
	for _, media := range []string{"screen", "print"} {
		tb.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: media})
			return err
		}))
		spill := eval[[]string](tb, `[...document.querySelectorAll('#brief-table td, #brief-comp td')].filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => c.id + ' ' + c.textContent)`)
		if len(spill) > 0 {
			t.Errorf("%s: figures wider than their cells: %q", media, spill)
		}
		if eval[bool](tb, `document.getElementById('brief-table').getBoundingClientRect().right > document.querySelector('main.brief').getBoundingClientRect().right + 0.5`) {
			t.Errorf("%s: the table sticks out of the page", media)
		}
	}
	tb.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{})
		return err
	}))
	n := eval[int](tb, `document.querySelectorAll('#sentences li').length`)
	if n < 3 || n > 5 {
		t.Errorf("%d sentences, want 3 to 5", n)
	}
	refs := eval[[][]string](tb, `[...document.querySelectorAll('#sentences .figref')].map((s) => {
		const cell = document.getElementById(s.dataset.ref);
		return [s.dataset.ref, s.textContent, cell ? cell.firstChild.textContent : '(no such cell)'];
	})`)
	if len(refs) < 4 {
		t.Errorf("only %d figures in the sentences", len(refs))
	}
	for _, r := range refs {
		if r[1] != r[2] {
			t.Errorf("a sentence says %q of cell %s, which says %q", r[1], r[0], r[2])
		}
	}
}
