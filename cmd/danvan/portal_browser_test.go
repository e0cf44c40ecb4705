package main

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"github.com/danvan/danvan/pipeline/layout"
	bt "github.com/danvan/danvan/pipeline/serve/browsertest"
)

// formWorkbook is a district's form ("biểu mẫu"): title rows, the province
// and period above the table, one row per unit.
func formWorkbook(t *testing.T, province, period string, columns []string, rows [][]any) []byte {
	t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	sh := "Biểu 1"
	x.SetSheetName("Sheet1", sh)
	set := func(col, row int, v any) {
		c, _ := excelize.CoordinatesToCellName(col, row)
		if err := x.SetCellValue(sh, c, v); err != nil {
			t.Fatal(err)
		}
	}
	set(1, 1, "BAN DÂN VẬN HUYỆN ỦY CẨM XUYÊN")
	set(1, 2, `BÁO CÁO KẾT QUẢ PHONG TRÀO THI ĐUA "DÂN VẬN KHÉO"`)
	set(1, 3, "Tỉnh: "+province)
	set(1, 4, "Kỳ báo cáo: "+period)
	for i, h := range append([]string{"STT", "Đơn vị"}, columns...) {
		set(i+1, 6, h)
	}
	for r, row := range rows {
		set(1, 7+r, r+1)
		for i, v := range row {
			set(i+2, 7+r, v)
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// The acceptance test of the submission portal, in headless Chromium
// against the real binary: a link is issued, opened; a form with one bad
// value is previewed with exactly that refusal; sent; the receipt shows;
// a refresh runs; the dashboard shows the values with the portal file as
// their source; the same file again is recognised as already received.
func TestPortalInTheBrowser(t *testing.T) {
	bctx := bt.Start(t)
	art := bt.NewArtefacts(t)
	data := t.TempDir()
	addr := freeAddr(t)
	link := issueLink(t, data, "446", "--url", "http://"+addr, "--note", "văn phòng Huyện ủy")
	if !strings.HasPrefix(link, "http://"+addr+"/nop/") {
		t.Fatalf("link %q", link)
	}
	startPortal(t, data, addr)

	form := formWorkbook(t, "Hà Tĩnh", "Năm 2024", []string{"Số mô hình đăng ký", "Số mô hình được công nhận", "Số cuộc tiếp xúc, đối thoại"},
		[][]any{{"Cẩm Xuyên", 45, 41, "28,5"}, {"Tổng cộng", 45, 41, 28}})
	formPath := filepath.Join(t.TempDir(), "bao-cao-nam-2024.xlsx")
	if err := os.WriteFile(formPath, form, 0o644); err != nil {
		t.Fatal(err)
	}

	tb := bt.NewTab(t, bctx)
	tb.Open(link)
	if got := bt.Eval[string](tb, `document.getElementById('unit-title').textContent`); got != "huyện Cẩm Xuyên · Hà Tĩnh" {
		t.Errorf("unit title %q", got)
	}
	// The limit is counted in MiB (portal.DefaultMaxBytes): the page says so.
	if got := bt.Eval[string](tb, `document.getElementById('limits').textContent`); !strings.Contains(got, "tối đa 20 MiB.") {
		t.Errorf("limits %q, want the limit in MiB", got)
	}
	tb.Do(chromedp.SetUploadFiles(chromedp.CSS(`#file`), []string{formPath}))
	tb.Do(chromedp.WaitVisible(chromedp.CSS(`#result[data-state="preview"] #summary`)))
	t.Logf("preview shown %s ms after the file was chosen (request to answer, as the page measures it)", bt.Eval[string](tb, `document.body.dataset.previewMs`))
	if got := bt.Eval[string](tb, `document.getElementById('summary').textContent`); got != "2 giá trị sẽ được nhận, 1 giá trị bị từ chối." {
		t.Errorf("summary %q", got)
	}
	refused := bt.Eval[[]string](tb, `[...document.querySelectorAll('#refused li')].map(li => li.innerText)`)
	if len(refused) != 1 || !strings.Contains(refused[0], "Biểu 1!E7") || !strings.Contains(refused[0], "28,5") ||
		!strings.Contains(refused[0], "số nguyên") {
		t.Fatalf("refusals shown: %q, want exactly the cell Biểu 1!E7 (28,5, not a whole number)", refused)
	}
	// What refuses nothing is shown too, as `danvan validate` says it: the
	// total whose detail cell was refused could not be checked.
	warned := bt.Eval[[]string](tb, `[...document.querySelectorAll('#warnings li')].map(li => li.innerText)`)
	if len(warned) != 1 || !strings.Contains(warned[0], "Biểu 1!E8") || !strings.Contains(warned[0], "Không kiểm tra được dòng tổng") ||
		!strings.Contains(warned[0], "Sửa các dòng chi tiết bị từ chối") {
		t.Errorf("warnings shown: %q, want the total of E8 that could not be checked, with its fix", warned)
	}
	accepted := bt.Eval[[][]string](tb, `[...document.querySelectorAll('#accepted tbody tr')].map(tr => [...tr.cells].map(c => c.innerText))`)
	if len(accepted) != 2 || !strings.HasPrefix(accepted[0][3], "45") || !strings.HasPrefix(accepted[1][3], "41") || accepted[0][0] != "Năm 2024" {
		t.Errorf("accepted values shown: %q", accepted)
	}
	if got := files(t, layout.Dir(data).PortalInbox()); len(got) != 0 {
		t.Fatalf("the preview wrote %v", got)
	}
	art.Screenshot(tb, "portal-preview")

	tb.Do(chromedp.Click(chromedp.CSS(`#commit`)))
	tb.Do(chromedp.WaitVisible(chromedp.CSS(`#receipt[data-status="received"] #receipt-code`)))
	code := bt.Eval[string](tb, `document.getElementById('receipt-code').textContent`)
	hash := sha256hex(form)
	if want := strings.ToUpper(hash[0:4] + "-" + hash[4:8] + "-" + hash[8:12] + "-" + hash[12:16]); code != want {
		t.Errorf("confirmation code %q, want %q", code, want)
	}
	if got := bt.Eval[string](tb, `document.getElementById('receipt-hash').textContent`); got != hash {
		t.Errorf("receipt hash %q", got)
	}
	if got := bt.Eval[string](tb, `document.getElementById('receipt-dashboard').textContent`); !strings.Contains(got, "lần cập nhật dữ liệu tiếp theo") {
		t.Errorf("the receipt says the dashboard shows it %q", got)
	}
	art.Screenshot(tb, "portal-receipt")
	inbox := files(t, layout.Dir(data).PortalInbox())
	if len(inbox) != 1 || !strings.HasSuffix(inbox[0], hash+".xlsx") {
		t.Fatalf("portal inbox %v", inbox)
	}

	// The night's refresh, run now.
	if r := danvan(t, nil, "run", "--data", data); r.code != 0 {
		t.Fatalf("run: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	portalFile := filepath.Base(inbox[0])
	dash := bt.NewTab(t, bctx)
	dash.Open("http://" + addr + "/province?province=42&year=2024&indicator=models_registered")
	row := bt.Eval[int](dash, `[...document.querySelectorAll('#rank tbody tr')].findIndex(tr => tr.innerText.includes('Cẩm Xuyên'))`)
	if row < 0 {
		t.Fatalf("the province page does not rank Cẩm Xuyên: %q", bt.Eval[string](dash, `document.getElementById('main').innerText`))
	}
	dash.Do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`#rank tbody tr:nth-child(%d) button.fig`, row+1))))
	dash.Do(chromedp.WaitVisible(chromedp.CSS(`#drill[open] #drill-table`)))
	drill := bt.Eval[[][]string](dash, `[...document.querySelectorAll('#drill-table tbody tr')].map(tr => [...tr.cells].map(c => c.textContent))`)
	if len(drill) != 1 || !strings.Contains(strings.Join(drill[0], "|"), portalFile) || !strings.Contains(strings.Join(drill[0], "|"), "45") {
		t.Errorf("the dashboard's sources of Cẩm Xuyên's 2024 models: %q, want 45 from %s", drill, portalFile)
	}
	art.Screenshot(dash, "portal-dashboard-source")

	// The refusals page lists the portal file with its one refused cell.
	ref := bt.NewTab(t, bctx)
	ref.Open("http://" + addr + "/refusals")
	block := bt.Eval[string](ref, fmt.Sprintf(`document.querySelector('article[data-batch="%s"]')?.innerText ?? ''`, hash))
	if !strings.Contains(block, portalFile) || !strings.Contains(block, "Biểu 1!E7") || !strings.Contains(block, "28,5") {
		t.Errorf("refusals page, the portal file's block: %q", block)
	}

	// Back on the unit's page: the file is on the dashboard; the same file
	// again is recognised as already received.
	tb.Open(link)
	if got := bt.Eval[string](tb, `document.getElementById('files-body').innerText`); !strings.Contains(got, code) || !strings.Contains(got, "đã có trên bảng điều khiển") {
		t.Errorf("the unit's files: %q", got)
	}
	if got := bt.Eval[string](tb, `document.getElementById('periods-body').innerText`); !strings.Contains(got, "Năm 2024") {
		t.Errorf("the unit's periods: %q", got)
	}
	tb.Do(chromedp.SetUploadFiles(chromedp.CSS(`#file`), []string{formPath}))
	tb.Do(chromedp.WaitVisible(chromedp.CSS(`#result[data-state="duplicate"]`)))
	if got := bt.Eval[string](tb, `document.getElementById('status').innerText`); !strings.Contains(got, "đã được nhận lúc") {
		t.Errorf("the same file again: %q", got)
	}
	if got := files(t, layout.Dir(data).PortalInbox()); len(got) != 1 {
		t.Errorf("portal inbox after the same file again: %v", got)
	}

	// A phone, 390 px wide, in English: nothing wider than the screen but
	// the tables, which scroll in their frame.
	phone := bt.NewTab(t, bctx)
	phone.Viewport(390, 844)
	phone.Open(link + "?lang=en")
	if w := bt.Eval[int](phone, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the page is %d px wide on a 390 px screen", w)
	}
	if got := bt.Eval[string](phone, `document.querySelector('h1').textContent`); got != "Send a report" {
		t.Errorf("English title %q", got)
	}
	// A long table with a total typed under its rows, checked in English:
	// the warning is in English.
	totalPath := filepath.Join(t.TempDir(), "bang-dai.csv")
	if err := os.WriteFile(totalPath, []byte("tinh,don_vi,ky_bao_cao,chi_tieu,gia_tri\nHà Tĩnh,Cẩm Xuyên,2024,contests,2\nHà Tĩnh,Tổng cộng,,,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	phone.Do(chromedp.SetUploadFiles(chromedp.CSS(`#file`), []string{totalPath}))
	phone.Do(chromedp.WaitVisible(chromedp.CSS(`#result[data-state="preview"] #summary`)))
	if got := bt.Eval[string](phone, `document.getElementById('warnings')?.innerText ?? ''`); !strings.Contains(got, "dòng 3") ||
		!strings.Contains(got, "The total row \"Tổng cộng\" is no unit's figure") {
		t.Errorf("English warnings shown: %q", got)
	}
	art.Screenshot(phone, "portal-phone-en")

	// The operators' runs page lists the file.
	runs := bt.NewTab(t, bctx)
	runs.Open("http://" + addr + "/runs")
	if got := bt.Eval[string](runs, `document.getElementById('portal-submissions')?.innerText ?? ''`); !strings.Contains(got, code) || !strings.Contains(got, "huyện Cẩm Xuyên") {
		t.Errorf("runs page, portal files: %q", got)
	}

	// A revoked link's page says so, with 403, not a 404.
	if r := danvan(t, nil, "access", "revoke", "--data", data, bt.Eval[string](tb, `document.getElementById('link-line').textContent.split(' ')[3]`)); r.code != 0 {
		t.Fatalf("revoke: %s %s", r.stdout, r.stderr)
	}
	res, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 403 {
		t.Errorf("revoked link's page: %d", res.StatusCode)
	}
	gone := bt.NewTab(t, bctx)
	gone.Expected = []string{"403"}
	gone.Open(link)
	if got := bt.Eval[string](gone, `document.getElementById('main').innerText`); !strings.Contains(got, "đã bị thu hồi") {
		t.Errorf("revoked link's page: %q", got)
	}
	art.Screenshot(gone, "portal-revoked")
}

// files lists the regular files under dir, relative.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	return out
}
