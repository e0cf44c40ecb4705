package schedule_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/danvan/danvan/pipeline/schedule"
)

// How cmd wires a Runner for `danvan serve`: the refresh comes in as a Job,
// the schedule from configuration, and shutdown gives a running refresh a
// grace period.
func Example() {
	refresh := func(ctx context.Context) (schedule.Result, error) {
		// ingest, transform, test, publish snapshot schedule.RunID(ctx) ...
		return schedule.Result{Snapshot: schedule.RunID(ctx)}, nil
	}
	r, err := schedule.New(os.TempDir()+"/danvan-example", refresh, schedule.Options{Schedule: "0 2 * * *"})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background() // signal.NotifyContext in main
	if err := r.Start(ctx); err != nil {
		fmt.Println(err)
		return
	}
	http.HandleFunc("POST /api/refresh", func(w http.ResponseWriter, req *http.Request) {
		run, err := r.RunBy(req.Context(), schedule.TriggerAPI)
		switch {
		case errors.Is(err, schedule.ErrBusy):
			http.Error(w, err.Error(), http.StatusConflict)
		case err != nil:
			http.Error(w, err.Error(), http.StatusInternalServerError)
		default:
			fmt.Fprintln(w, run.ID, run.Status)
		}
	})
	http.HandleFunc("GET /metrics", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		r.WriteMetrics(w)
	})
	http.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		if ok, why := r.Healthy(26 * time.Hour); !ok {
			http.Error(w, why, http.StatusServiceUnavailable)
		}
	})
	// ... on shutdown:
	grace, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := r.Stop(grace); err != nil {
		fmt.Println(err)
	}
}
