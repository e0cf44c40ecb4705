package schedule

import (
	"strings"
	"testing"
	"time"
)

func TestParseSchedule(t *testing.T) {
	from := time.Date(2025, 1, 1, 0, 0, 0, 0, Zone) // a Wednesday
	tests := []struct {
		spec string
		want time.Time
	}{
		{"0 2 * * *", time.Date(2025, 1, 1, 2, 0, 0, 0, Zone)},
		{"  0 2 * * *  ", time.Date(2025, 1, 1, 2, 0, 0, 0, Zone)},
		{"0 2 * * 1", time.Date(2025, 1, 6, 2, 0, 0, 0, Zone)},
		{"30 0 2 * * *", time.Date(2025, 1, 1, 2, 0, 30, 0, Zone)},
		{"* * * * * *", from.Add(time.Second)},
		{"@daily", time.Date(2025, 1, 2, 0, 0, 0, 0, Zone)},
		{"@hourly", from.Add(time.Hour)},
		{"@every 1s", from.Add(time.Second)},
		{"@every 1h30m", from.Add(90 * time.Minute)},
		{"@every 500ms", from.Add(time.Second)},                             // cron's least step
		{"CRON_TZ= 0 2 * * *", time.Date(2025, 1, 1, 2, 0, 0, 0, time.UTC)}, // Go reads an empty zone as UTC
		{"CRON_TZ=UTC 0 2 * * *", time.Date(2025, 1, 1, 2, 0, 0, 0, time.UTC)},
		{"TZ=Asia/Tokyo 0 2 * * *", time.Date(2025, 1, 2, 0, 0, 0, 0, Zone)}, // 02:00 JST is 00:00 in Vietnam
	}
	for _, tt := range tests {
		s, err := ParseSchedule(tt.spec)
		if err != nil {
			t.Errorf("ParseSchedule(%q): %v", tt.spec, err)
			continue
		}
		if got := s.Next(from); !got.Equal(tt.want) {
			t.Errorf("ParseSchedule(%q).Next(%v) = %v, want %v", tt.spec, from, got, tt.want)
		}
		if s.Off() || s.String() != tt.spec {
			t.Errorf("ParseSchedule(%q): Off %v, String %q", tt.spec, s.Off(), s.String())
		}
	}
	// The zone is Vietnam's whatever the machine's: 02:00 there is 19:00 UTC.
	s, _ := ParseSchedule(DefaultSchedule)
	if got, want := s.Next(time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)), time.Date(2025, 6, 1, 19, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("default schedule next = %v, want %v", got, want)
	}
}

func TestParseScheduleOff(t *testing.T) {
	for _, spec := range []string{"off", "OFF", " Off "} {
		s, err := ParseSchedule(spec)
		if err != nil || !s.Off() || !s.Next(time.Now()).IsZero() || s.String() != "off" {
			t.Errorf("ParseSchedule(%q) = %v, %v; want off", spec, s, err)
		}
	}
	if !(Schedule{}).Off() {
		t.Error("zero Schedule is not off")
	}
}

func TestParseScheduleErrors(t *testing.T) {
	tests := []struct{ spec, want string }{
		{"", "empty"},
		{"0 2 * *", "expected 5 to 6 fields, found 4"},
		{"* * * * * * *", "found 7"},
		{"61 * * * *", "above maximum"},
		{"*/0 * * * *", "step"},
		{"@sometimes", "unrecognized descriptor"},
		{"@every x", "failed to parse duration"},
		{"0 0 30 2 *", "never fires"},
		{"TZ=Mars/Olympus 0 2 * * *", "bad location"},
		{"TZ=UTC", "missing the cron expression"},
		{"on", "expected 5 to 6 fields, found 1"},
	}
	for _, tt := range tests {
		_, err := ParseSchedule(tt.spec)
		if err == nil {
			t.Errorf("ParseSchedule(%q): no error", tt.spec)
			continue
		}
		msg := err.Error()
		for _, want := range []string{`lịch chạy "` + tt.spec + `" không hợp lệ: `, `(invalid schedule "` + tt.spec + `": `, tt.want} {
			if !strings.Contains(msg, want) {
				t.Errorf("ParseSchedule(%q) error %q, want it to contain %q", tt.spec, msg, want)
			}
		}
	}
}

func FuzzParseSchedule(f *testing.F) {
	for _, s := range []string{"0 2 * * *", "@every 1s", "* * * * * *", "off", "TZ=UTC 0 2 * * *", "TZ=", "CRON_TZ=x", "1-5/2 */3 1,15 JAN-MAR MON-FRI", "@every -1s"} {
		f.Add(s)
	}
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, Zone)
	f.Fuzz(func(t *testing.T, spec string) {
		s, err := ParseSchedule(spec)
		if err != nil {
			if !strings.Contains(err.Error(), "invalid schedule") {
				t.Fatalf("error without the usual wording: %v", err)
			}
			return
		}
		if s.Off() {
			return
		}
		if next := s.Next(now); !next.After(now) {
			t.Fatalf("ParseSchedule(%q).Next(%v) = %v, not after", spec, now, next)
		}
	})
}
