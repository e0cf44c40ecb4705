// Package schedule runs the nightly refresh: it parses the cron schedule,
// fires the refresh on time, never lets two refreshes run at once (in this
// process or across processes sharing the data directory), retries transient
// failures, keeps a history of runs under DIR/runs/ and reports on them as
// Prometheus metrics and a health verdict.
//
// The refresh itself is not this package's business: it arrives as a Job.
// Everything that happens to a run is recorded as one JSON file per run,
// written atomically, so `danvan run`, the server's POST trigger and the
// nightly schedule all leave the same trace, and a crash leaves a record that
// the next start recognises as interrupted.
package schedule

import (
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // the schedule's zone must resolve on hosts without zoneinfo

	"github.com/robfig/cron/v3"
)

// Zone is the time zone schedules are read in: the reports' home, Vietnam
// (UTC+7, no daylight saving).
var Zone = loadZone()

func loadZone() *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		return time.FixedZone("ICT", 7*60*60)
	}
	return loc
}

// DefaultSchedule is 02:00 every night, Vietnam time.
const DefaultSchedule = "0 2 * * *"

// Off is the spec that disables the schedule.
const Off = "off"

// Schedule is a parsed schedule. The zero value is off: it never fires.
// It satisfies cron.Schedule.
type Schedule struct {
	spec  string
	sched cron.Schedule
}

// Next returns the first activation strictly after t, in Zone, or the zero
// time when the schedule is off.
func (s Schedule) Next(t time.Time) time.Time {
	if s.sched == nil {
		return time.Time{}
	}
	return s.sched.Next(t.In(Zone))
}

// Off reports whether the schedule never fires.
func (s Schedule) Off() bool { return s.sched == nil }

// String returns the spec the schedule was parsed from ("off" when off).
func (s Schedule) String() string {
	if s.sched == nil {
		return Off
	}
	return s.spec
}

var (
	parser5 = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
	parser6 = cron.NewParser(cron.Second | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
)

// ParseSchedule reads a schedule:
//
//   - standard cron with 5 fields, minute hour day-of-month month day-of-week
//     ("0 2 * * *" is 02:00 every day);
//   - 6 fields, with seconds first ("*/5 * * * * *"), meant for tests;
//   - descriptors: @yearly, @monthly, @weekly, @daily, @midnight, @hourly and
//     "@every <duration>" (whole seconds, at least 1s);
//   - "off" (any case) to disable scheduling.
//
// Times are read in Asia/Ho_Chi_Minh unless the spec starts with
// "CRON_TZ=<zone> " (or "TZ=<zone> "). A spec that can never fire (such as
// 30 February) is refused.
func ParseSchedule(spec string) (s Schedule, err error) {
	text := strings.TrimSpace(spec)
	if strings.EqualFold(text, Off) {
		return Schedule{spec: Off}, nil
	}
	fail := func(vi, en string) (Schedule, error) {
		return Schedule{}, &scheduleError{spec: spec, reason: vi, reasonEN: en}
	}
	if text == "" {
		return fail("lịch trống; dùng biểu thức cron như \"0 2 * * *\" hoặc \"off\"",
			"empty; use a cron expression such as \"0 2 * * *\" or \"off\"")
	}
	// The cron parser has panicked on odd input before; a bad spec from a
	// config file must be an error, not a crash.
	defer func() {
		if r := recover(); r != nil {
			s, err = fail("sai cú pháp cron", fmt.Sprint(r))
		}
	}()

	loc := Zone
	if strings.HasPrefix(text, "TZ=") || strings.HasPrefix(text, "CRON_TZ=") {
		name, rest, ok := strings.Cut(text[strings.Index(text, "=")+1:], " ")
		rest = strings.TrimSpace(rest)
		if !ok || rest == "" {
			return fail("thiếu biểu thức cron sau múi giờ", "missing the cron expression after the time zone")
		}
		l, lerr := time.LoadLocation(name)
		if lerr != nil || name == "" {
			return fail(fmt.Sprintf("không biết múi giờ %q", name), fmt.Sprintf("unknown time zone %q", name))
		}
		loc, text = l, rest
	}

	var sched cron.Schedule
	if strings.HasPrefix(text, "@") {
		if d, ok := strings.CutPrefix(text, "@every "); ok {
			dur, derr := time.ParseDuration(strings.TrimSpace(d))
			switch {
			case derr != nil:
				return fail(fmt.Sprintf("khoảng thời gian %q không đọc được", d), fmt.Sprintf("cannot read duration %q", d))
			case dur < time.Second || dur%time.Second != 0:
				return fail("@every cần số giây nguyên, ít nhất 1s", "@every needs whole seconds, at least 1s")
			}
			return Schedule{spec: spec, sched: cron.Every(dur)}, nil
		}
		var perr error
		if sched, perr = parser5.Parse(text); perr != nil {
			return fail("không biết mô tả này; dùng @daily, @hourly, @weekly, @monthly, @yearly hoặc @every 1h",
				"unknown descriptor; use @daily, @hourly, @weekly, @monthly, @yearly or @every 1h")
		}
	} else {
		fields := strings.Fields(text)
		p := parser5
		switch len(fields) {
		case 5:
		case 6:
			p = parser6
		default:
			return fail(fmt.Sprintf("cần 5 trường (phút giờ ngày tháng thứ) hoặc 6 trường (giây trước), có %d", len(fields)),
				fmt.Sprintf("need 5 fields (minute hour day month weekday) or 6 (seconds first), got %d", len(fields)))
		}
		var perr error
		if sched, perr = p.Parse(strings.Join(fields, " ")); perr != nil {
			return fail("sai cú pháp cron", perr.Error())
		}
	}
	if ss, ok := sched.(*cron.SpecSchedule); ok {
		ss.Location = loc
	}
	if sched.Next(time.Now().In(loc)).IsZero() {
		return fail("lịch này không bao giờ chạy", "it never fires")
	}
	return Schedule{spec: spec, sched: sched}, nil
}

// scheduleError says, in Vietnamese then English, why a spec was refused.
type scheduleError struct {
	spec, reason, reasonEN string
}

func (e *scheduleError) Error() string {
	return fmt.Sprintf("lịch chạy %q không hợp lệ: %s (invalid schedule %q: %s)", e.spec, e.reason, e.spec, e.reasonEN)
}
