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

// parser is robfig/cron's, for 5 fields or 6 (seconds first), the
// descriptors, "@every <duration>" and a leading CRON_TZ= or TZ= zone.
var parser = cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseSchedule reads a schedule with robfig/cron's parser:
//
//   - standard cron with 5 fields, minute hour day-of-month month day-of-week
//     ("0 2 * * *" is 02:00 every day);
//   - 6 fields, with seconds first ("*/5 * * * * *"), meant for tests;
//   - descriptors: @yearly, @monthly, @weekly, @daily, @midnight, @hourly and
//     "@every <duration>" (cron runs it every whole second at least);
//   - a leading "CRON_TZ=<zone> " (or "TZ=<zone> ").
//
// What it adds to cron's: "off" (any case) disables scheduling; a spec
// without a zone is read in Asia/Ho_Chi_Minh, not the machine's zone; a spec
// that can never fire (such as 30 February) is refused; errors say what is
// wrong in Vietnamese, then in cron's English.
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
	zoned := strings.HasPrefix(text, "TZ=") || strings.HasPrefix(text, "CRON_TZ=")
	if zoned && !strings.Contains(text, " ") {
		// cron slices past the end of such a spec.
		return fail("thiếu biểu thức cron sau múi giờ", "missing the cron expression after the time zone")
	}
	// The cron parser has panicked on odd input before; a bad spec from a
	// config file must be an error, not a crash.
	defer func() {
		if r := recover(); r != nil {
			s, err = fail("sai cú pháp cron", fmt.Sprint(r))
		}
	}()
	sched, perr := parser.Parse(text)
	if perr != nil {
		return fail("sai cú pháp cron (phút giờ ngày tháng thứ, có thể thêm giây ở đầu; hoặc @daily, @every 1h)", perr.Error())
	}
	loc := Zone
	if ss, ok := sched.(*cron.SpecSchedule); ok {
		if !zoned {
			ss.Location = Zone
		}
		loc = ss.Location
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
