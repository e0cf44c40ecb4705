package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/danvan/danvan/pipeline/layout"
)

// dataFlag registers --data, defaulting to $DANVAN_DATA or ./data.
func dataFlag(fs *flag.FlagSet) *string {
	def := os.Getenv("DANVAN_DATA")
	if def == "" {
		def = defaultData
	}
	return fs.String("data", def, "data directory (inbox, warehouse, exports, runs); env DANVAN_DATA")
}

func inboxDir(data string) string { return layout.Dir(data).Inbox() }

// isDemo reports whether the data directory holds the demo inbox, which
// the dashboards then label as such.
func isDemo(data string) bool {
	_, err := os.Stat(filepath.Join(inboxDir(data), layout.DemoMarker))
	return err == nil
}

// clock is the time a run stamps on what it ingests. DANVAN_NOW (RFC 3339)
// pins it, so a run can be reproduced byte for byte, as the crash tests do.
func clock() (func() time.Time, error) {
	s := os.Getenv("DANVAN_NOW")
	if s == "" {
		return time.Now, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return nil, fmt.Errorf("%w: DANVAN_NOW must be an RFC 3339 time: %v", errUsage, err)
	}
	return func() time.Time { return t }, nil
}
