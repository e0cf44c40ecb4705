package portal

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"sync"
)

// counters are the portal's Prometheus counters. They start from the audit
// log, so they survive a restart as far back as the log goes, and go up
// with each request.
type counters struct {
	mu          sync.Mutex
	submissions map[string]float64 // received, duplicate, previewed
	refusals    map[string]float64 // by code
	bytes       map[string]float64 // received (files committed), other (files checked or refused)
	values      map[string]float64 // accepted, refused: the values of the files received
}

func (c *counters) init() {
	if c.submissions == nil {
		c.submissions, c.refusals, c.bytes, c.values = map[string]float64{}, map[string]float64{}, map[string]float64{}, map[string]float64{}
	}
}

// observe counts the events of the audit log.
func (c *counters) observe(events []Event) {
	for _, e := range events {
		switch e.Kind {
		case EventReceived, EventRecovered:
			c.received(e)
		case EventDuplicate:
			c.submission("duplicate", e.Size)
		case EventPreviewed:
			c.submission("previewed", e.Size)
		case EventRefused:
			if e.Code != "" && e.Code != string(Expired) && e.Code != string(Revoked) {
				c.refused(e.Code, e.Size)
			}
		}
	}
}

func (c *counters) received(e Event) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.init()
	c.submissions["received"]++
	c.bytes["received"] += float64(e.Size)
	c.values["accepted"] += float64(e.Accepted)
	c.values["refused"] += float64(e.Refused)
}

func (c *counters) submission(result string, size int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.init()
	c.submissions[result]++
	c.bytes["other"] += float64(size)
}

func (c *counters) refused(code string, size int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.init()
	c.refusals[code]++
	c.bytes["other"] += float64(size)
}

// WriteMetrics writes the portal's counters in the Prometheus text format.
func (p *Portal) WriteMetrics(w io.Writer) error {
	c := &p.metrics
	c.mu.Lock()
	defer c.mu.Unlock()
	c.init()
	bw := bufio.NewWriter(w)
	family := func(name, help string) { fmt.Fprintf(bw, "# HELP %s %s\n# TYPE %s counter\n", name, help, name) }
	sample := func(name, label, value string, v float64) {
		fmt.Fprintf(bw, "%s{%s=%q} %s\n", name, label, value, strconv.FormatFloat(v, 'g', -1, 64))
	}
	family("danvan_portal_submissions_total", "Files sent through the submission portal, by result: received (committed to the inbox), duplicate (received before), previewed (checked, nothing kept).")
	for _, k := range []string{"received", "duplicate", "previewed"} {
		sample("danvan_portal_submissions_total", "result", k, c.submissions[k])
	}
	family("danvan_portal_refusals_total", "Requests of the submission portal refused, by reason (too_large, busy, rate_link, rate_address, cross_site, nothing_accepted, ...).")
	for _, k := range slices.Sorted(maps.Keys(c.refusals)) {
		sample("danvan_portal_refusals_total", "code", k, c.refusals[k])
	}
	family("danvan_portal_bytes_total", "Bytes of files the submission portal took in: received (committed) or other (checked, duplicates, refused).")
	for _, k := range []string{"received", "other"} {
		sample("danvan_portal_bytes_total", "result", k, c.bytes[k])
	}
	family("danvan_portal_values_total", "Values of the files received through the portal, accepted or refused by the checks.")
	for _, k := range []string{"accepted", "refused"} {
		sample("danvan_portal_values_total", "result", k, c.values[k])
	}
	return bw.Flush()
}
