package main

import (
	"flag"
	"os"
	"path/filepath"
)

// dataFlag registers --data, defaulting to $DANVAN_DATA or ./data.
func dataFlag(fs *flag.FlagSet) *string {
	def := os.Getenv("DANVAN_DATA")
	if def == "" {
		def = defaultData
	}
	return fs.String("data", def, "data directory (inbox, warehouse, exports, runs); env DANVAN_DATA")
}

func inboxDir(data string) string { return filepath.Join(data, "inbox") }

// isDemo reports whether the data directory holds the demo inbox, which
// the dashboards then label as such.
func isDemo(data string) bool {
	_, err := os.Stat(filepath.Join(inboxDir(data), "README-DEMO.txt"))
	return err == nil
}
