// Package browsertest drives Debian's headless Chromium (chromedp) for the
// tests of pages served by danvan: it starts the browser, opens tabs that
// record every request, dialog, script error and CSP report, and saves
// screenshots. Tests only; no danvan package imports it.
package browsertest

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Path finds Chromium. Without it the test skips, except in CI, where
// .ci/deps installs it and a skip would hide a failure.
func Path(t testing.TB) string {
	t.Helper()
	for _, p := range []string{os.Getenv("DANVAN_CHROMIUM"), "/usr/bin/chromium", "chromium", "chromium-browser"} {
		if p == "" {
			continue
		}
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is missing and CI is set: browser tests must run in CI (apt-get install -y chromium)")
	}
	t.Skip("chromium is missing: install it with `apt-get update && apt-get install -y chromium` to run the browser tests")
	return ""
}

// Start starts one headless Chromium for a test; tabs are its children.
// It skips in -short mode outside CI.
func Start(t testing.TB) context.Context {
	t.Helper()
	path := Path(t)
	if testing.Short() && os.Getenv("CI") == "" {
		t.Skip("browser tests skipped in -short mode")
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter"),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("lang", "vi-VN"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelBrowser(); cancelAlloc() })
	if err := chromedp.Do(bctx); err != nil { // starts the browser, bound to bctx
		t.Fatalf("start chromium: %v", err)
	}
	return bctx
}

// Tab is one page with what it did: requests, dialogs, errors.
type Tab struct {
	Ctx context.Context
	T   testing.TB

	mu       sync.Mutex
	requests []string
	dialogs  []string
	errors   []string
	// Expected are substrings of browser messages the test expects (a
	// 4xx answer the page handles, say); they are not failures.
	Expected []string
}

// NewTab opens a tab. At the test's end it fails the test on a dialog, a
// script error, a CSP violation or a request to anything but loopback.
func NewTab(t testing.TB, bctx context.Context) *Tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(bctx)
	tb := &Tab{Ctx: ctx, T: t}
	err := chromedp.Listen(ctx, func(ev any) {
		tb.mu.Lock()
		defer tb.mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			tb.requests = append(tb.requests, ev.Request.URL)
		case *page.EventJavascriptDialogOpening:
			tb.dialogs = append(tb.dialogs, string(ev.Type)+": "+ev.Message)
			go chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		case *runtime.EventExceptionThrown:
			tb.errors = append(tb.errors, "exception: "+ev.ExceptionDetails.Text+" "+describe(ev.ExceptionDetails.Exception))
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning {
				var parts []string
				for _, a := range ev.Args {
					parts = append(parts, describe(a))
				}
				tb.errors = append(tb.errors, "console."+string(ev.Type)+": "+strings.Join(parts, " "))
			}
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError || ev.Entry.Level == log.EntryLevelWarning {
				tb.errors = append(tb.errors, "log "+string(ev.Entry.Source)+": "+ev.Entry.Text+" "+ev.Entry.URL)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		tb.check()
		cancel()
	})
	return tb
}

func describe(o *runtime.RemoteObject) string {
	if o == nil {
		return ""
	}
	if len(o.Value) > 0 {
		return string(o.Value)
	}
	return o.Description
}

func (tb *Tab) check() {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for _, d := range tb.dialogs {
		tb.T.Errorf("a JavaScript dialog opened (script injection?): %s", d)
	}
next:
	for _, e := range tb.errors {
		for _, x := range tb.Expected {
			if strings.Contains(e, x) {
				continue next
			}
		}
		tb.T.Errorf("browser reported: %s", e)
	}
	for _, r := range tb.requests {
		u, err := url.Parse(r)
		if err != nil || (u.Scheme != "data" && u.Hostname() != "127.0.0.1") {
			tb.T.Errorf("request to a non-loopback host: %s", r)
		}
	}
}

// Requests returns the URLs the tab asked for so far.
func (tb *Tab) Requests() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return append([]string(nil), tb.requests...)
}

// TakeErrors returns what the browser reported so far and forgets it, for a
// test that expects reports (a failed fetch the page handles).
func (tb *Tab) TakeErrors() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	errs := tb.errors
	tb.errors = nil
	return errs
}

// Open navigates and waits until the page says it has rendered
// (body[data-ready]); it returns how long that took.
func (tb *Tab) Open(u string) time.Duration {
	tb.T.Helper()
	start := time.Now()
	ctx, cancel := context.WithTimeout(tb.Ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(u), chromedp.WaitReady(chromedp.CSS(`body[data-ready]`))); err != nil {
		tb.T.Fatalf("open %s: %v", u, err)
	}
	return time.Since(start)
}

// Do runs actions, failing the test on an error.
func (tb *Tab) Do(actions ...chromedp.Action[chromedp.Void]) {
	tb.T.Helper()
	ctx, cancel := context.WithTimeout(tb.Ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.T.Fatal(err)
	}
}

// Viewport sets the tab's viewport (a phone: 390 × 844).
func (tb *Tab) Viewport(width, height int64) {
	tb.T.Helper()
	tb.Do(chromedp.EmulateViewport(width, height))
}

// Eval evaluates a JavaScript expression.
func Eval[T any](tb *Tab, js string) T {
	tb.T.Helper()
	ctx, cancel := context.WithTimeout(tb.Ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		tb.T.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// Artefacts is where screenshots go: the test's temp dir, and
// $DANVAN_SCREENSHOTS when set, so a person can look at them.
type Artefacts struct{ dirs []string }

// NewArtefacts returns the test's artefacts.
func NewArtefacts(t testing.TB) *Artefacts {
	a := &Artefacts{dirs: []string{t.TempDir()}}
	if d := os.Getenv("DANVAN_SCREENSHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		a.dirs = append(a.dirs, d)
	}
	return a
}

// Screenshot saves a screenshot of the whole page as name.png.
func (a *Artefacts) Screenshot(tb *Tab, name string) {
	tb.T.Helper()
	ctx, cancel := context.WithTimeout(tb.Ctx, 30*time.Second)
	defer cancel()
	b, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.T.Fatalf("screenshot %s: %v", name, err)
	}
	for _, d := range a.dirs {
		if err := os.WriteFile(filepath.Join(d, name+".png"), b, 0o644); err != nil {
			tb.T.Fatal(err)
		}
	}
	tb.T.Logf("saved %s", filepath.Join(a.dirs[len(a.dirs)-1], name+".png"))
}
