package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/layout"
	"github.com/danvan/danvan/pipeline/portal"
)

// cmdAccess manages the submission portal's links: issue, list, revoke.
func cmdAccess(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stderr, `usage:
  danvan access issue --data DIR --unit CODE [--expires DATE|never] [--note TEXT] [--url BASE]
  danvan access issue --data DIR --province CODE --out FILE.csv [--on DATE] [--expires DATE|never] [--note TEXT] [--url BASE]
  danvan access list --data DIR [--unit CODE]
  danvan access revoke --data DIR ID
`)
		if len(args) == 0 {
			return fmt.Errorf("%w: name what to do: issue, list or revoke", errUsage)
		}
		return errHelp
	}
	switch args[0] {
	case "issue":
		return accessIssue(args[1:], stdout, stderr)
	case "list":
		return accessList(args[1:], stdout, stderr)
	case "revoke":
		return accessRevoke(args[1:], stdout, stderr)
	}
	return fmt.Errorf("%w: unknown access command %q: issue, list or revoke", errUsage, args[0])
}

// publicURL is the address the links point at: --url, else
// $DANVAN_PUBLIC_URL, else the server's default address.
func publicURL(flag string) string {
	u := flag
	if u == "" {
		u = os.Getenv("DANVAN_PUBLIC_URL")
	}
	if u == "" {
		u = "http://127.0.0.1:8080"
	}
	return strings.TrimRight(u, "/")
}

// expiry reads --expires: a day (the link works through its end, Vietnam
// time), "never", or empty for a year from now.
func expiry(s string, now time.Time) (time.Time, error) {
	switch strings.TrimSpace(s) {
	case "never", "không":
		return time.Time{}, nil
	case "":
		s = now.In(pipeline.Vietnam).AddDate(1, 0, 0).Format("2006-01-02")
	}
	d, ok := pipeline.ParseDate(s)
	if !ok {
		return time.Time{}, fmt.Errorf("%w: --expires %q: write a day, 31/12/2026 or 2026-12-31, or never", errUsage, s)
	}
	end := time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, pipeline.Vietnam)
	if !end.After(now) {
		return time.Time{}, fmt.Errorf("%w: --expires %s is in the past", errUsage, s)
	}
	return end, nil
}

func accessIssue(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("access issue", stderr)
	data := dataFlag(fs)
	unit := fs.String("unit", "", "code of the unit the link is for: a province (2 digits), a district (3) or a new commune (5)")
	province := fs.String("province", "", "issue a link for every unit of this province that reports on --on, into --out")
	on := fs.String("on", "", "with --province: the day whose reporting units get links (default today: districts before 01/07/2025, communes after)")
	out := fs.String("out", "", `with --province: the CSV file to write (it holds the secrets; created, never overwritten); "-" for standard output`)
	exp := fs.String("expires", "", "last day the link works (31/12/2026 or 2026-12-31), or never; default a year from today")
	note := fs.String("note", "", "a note kept with the link (who it was sent to)")
	base := fs.String("url", "", "the server's address as the units reach it (default $DANVAN_PUBLIC_URL, else http://127.0.0.1:8080)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected %q", errUsage, fs.Arg(0))
	}
	if (*unit == "") == (*province == "") {
		return fmt.Errorf("%w: give --unit CODE or --province CODE", errUsage)
	}
	nowf, err := clock()
	if err != nil {
		return err
	}
	now := nowf()
	expires, err := expiry(*exp, now)
	if err != nil {
		return err
	}
	ref, err := pipeline.DefaultReference()
	if err != nil {
		return err
	}
	links := portal.OpenLinks(layout.Dir(*data))
	url := publicURL(*base)
	if *unit != "" {
		u, prob := ref.Sender(strings.TrimSpace(*unit))
		if prob != nil {
			return fmt.Errorf("%w: --unit %s: %s (%s)", errUsage, *unit, prob.Reason, prob.ReasonEN)
		}
		issued, err := links.Issue([]*pipeline.Unit{u}, expires, *note, now)
		if err != nil {
			return err
		}
		l := issued[0]
		fmt.Fprintf(stdout, "Đã cấp đường dẫn nộp báo cáo cho %s (mã %s), mã liên kết %s, %s.\n", u.Title(), u.Code, l.ID, untilVI(l.Expires))
		fmt.Fprintf(stdout, "%s/nop/%s\n", url, l.Secret)
		fmt.Fprintln(stdout, "Đường dẫn chỉ hiện lần này: danvan chỉ giữ mã băm của nó. Gửi riêng cho đơn vị; thu hồi bằng: danvan access revoke "+l.ID)
		fmt.Fprintln(stdout, "(The link is shown this once: danvan keeps only its hash. Send it to the unit alone; revoke it with: danvan access revoke "+l.ID+")")
		return nil
	}
	if *out == "" {
		return fmt.Errorf("%w: --province needs --out FILE.csv (the file holds the links)", errUsage)
	}
	prov, prob := ref.Sender(strings.TrimSpace(*province))
	if prob != nil || prov.Level != pipeline.LevelProvince {
		return fmt.Errorf("%w: --province %s: not a province code (38, 40, 42)", errUsage, *province)
	}
	day := now
	if *on != "" {
		d, ok := pipeline.ParseDate(*on)
		if !ok {
			return fmt.Errorf("%w: --on %q: write a day, 31/12/2026 or 2026-12-31", errUsage, *on)
		}
		day = d
	}
	units := reportingUnits(ref, prov.Code, day)
	if len(units) == 0 {
		return fmt.Errorf("no unit of %s reports on %s", prov.Title(), day.Format("02/01/2006"))
	}
	w, closeOut, err := createSecretFile(*out, stdout)
	if err != nil {
		return err
	}
	issued, err := links.Issue(units, expires, *note, now)
	if err != nil {
		closeOut(false)
		return err
	}
	cw := csv.NewWriter(w)
	cw.Write([]string{"ma_don_vi", "don_vi", "cap", "ma_lien_ket", "duong_dan", "het_han", "ghi_chu"})
	for i, l := range issued {
		expires := ""
		if !l.Expires.IsZero() {
			expires = l.Expires.Add(-time.Second).In(pipeline.Vietnam).Format("02/01/2006")
		}
		cw.Write([]string{units[i].Code, pipeline.SpreadsheetText(units[i].Title()), levelVI(units[i].Level), l.ID,
			url + "/nop/" + l.Secret, expires, pipeline.SpreadsheetText(*note)})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		closeOut(false)
		return fmt.Errorf("write %s: %w", *out, err)
	}
	if err := closeOut(true); err != nil {
		return err
	}
	if *out != "-" {
		fmt.Fprintf(stdout, "Đã cấp %d đường dẫn cho các đơn vị của %s vào %s (issued %d links into %s). Tệp chứa đường dẫn: gửi từng dòng cho đúng đơn vị, rồi xóa tệp.\n",
			len(issued), prov.Title(), *out, len(issued), *out)
	}
	return nil
}

// reportingUnits are the units of a province that report to it on day:
// its districts before the reform, its new communes after.
func reportingUnits(ref *pipeline.Reference, province string, day time.Time) []*pipeline.Unit {
	units := ref.UnitsOn(province, pipeline.LevelDistrict, day)
	for _, u := range ref.UnitsOn(province, pipeline.LevelCommune, day) {
		if !u.From.Before(pipeline.ReformDate) {
			units = append(units, u)
		}
	}
	return units
}

// createSecretFile creates the CSV of links readable by its owner only,
// refusing to overwrite a file; "-" is stdout. The CSV starts with a byte
// order mark so Excel reads it as UTF-8. closeOut(false) removes a file
// half written.
func createSecretFile(path string, stdout io.Writer) (io.Writer, func(ok bool) error, error) {
	if path == "-" {
		return stdout, func(bool) error { return nil }, nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return nil, nil, fmt.Errorf("%w: %s exists; links are never written over a file (choose another --out)", errUsage, path)
	}
	if err != nil {
		return nil, nil, err
	}
	if _, err := f.WriteString("\uFEFF"); err != nil {
		f.Close()
		os.Remove(path)
		return nil, nil, err
	}
	return f, func(ok bool) error {
		err := f.Sync()
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if !ok || err != nil {
			os.Remove(path)
		}
		return err
	}, nil
}

func levelVI(l pipeline.Level) string {
	switch l {
	case pipeline.LevelProvince:
		return "tỉnh"
	case pipeline.LevelDistrict:
		return "huyện"
	}
	return "xã"
}

func untilVI(t time.Time) string {
	if t.IsZero() {
		return "không hết hạn"
	}
	return "hiệu lực đến hết ngày " + t.Add(-time.Second).In(pipeline.Vietnam).Format("02/01/2006")
}

func accessList(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("access list", stderr)
	data := dataFlag(fs)
	unit := fs.String("unit", "", "only the links of this unit")
	if err := parse(fs, args); err != nil {
		return err
	}
	d := layout.Dir(*data)
	links, err := portal.OpenLinks(d).List()
	if err != nil {
		return err
	}
	events, err := portal.ReadAudit(d)
	if err != nil {
		return err
	}
	used := portal.LastUsed(events)
	nowf, err := clock()
	if err != nil {
		return err
	}
	now := nowf()
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "MÃ (ID)\tĐƠN VỊ (UNIT)\tTRẠNG THÁI (STATE)\tCẤP (ISSUED)\tHẾT HẠN (EXPIRES)\tDÙNG LẦN CUỐI (LAST USED)\tGHI CHÚ (NOTE)")
	n := 0
	for _, l := range links {
		if *unit != "" && l.Unit != *unit {
			continue
		}
		n++
		last := "chưa dùng (never)"
		if t, ok := used[l.ID]; ok {
			last = t.In(pipeline.Vietnam).Format("02/01/2006 15:04")
		}
		expires := "không (never)"
		if !l.Expires.IsZero() {
			expires = l.Expires.Add(-time.Second).In(pipeline.Vietnam).Format("02/01/2006")
		}
		state := map[portal.State]string{portal.Active: "hiệu lực (active)", portal.Expired: "hết hạn (expired)", portal.Revoked: "thu hồi (revoked)"}[l.State(now)]
		if l.State(now) == portal.Revoked {
			state += " " + l.Revoked.In(pipeline.Vietnam).Format("02/01/2006")
		}
		fmt.Fprintf(tw, "%s\t%s (%s)\t%s\t%s\t%s\t%s\t%s\n", l.ID, printable(l.UnitName), l.Unit, state,
			l.Created.In(pipeline.Vietnam).Format("02/01/2006"), expires, last, printable(l.Note))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d đường dẫn (links)\n", n)
	return nil
}

func accessRevoke(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("access revoke", stderr)
	data := dataFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: name the link to revoke: danvan access revoke ID (danvan access list shows the ids)", errUsage)
	}
	nowf, err := clock()
	if err != nil {
		return err
	}
	l, err := portal.OpenLinks(layout.Dir(*data)).Revoke(fs.Arg(0), nowf())
	if errors.Is(err, portal.ErrNoLink) {
		return fmt.Errorf("không có đường dẫn mã %q (no link with id %q; danvan access list shows them)", fs.Arg(0), fs.Arg(0))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Đã thu hồi đường dẫn %s của %s (revoked); trang nộp của nó báo đã thu hồi từ nay.\n", l.ID, printable(l.UnitName))
	return nil
}
