package portal

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limiter is a token bucket per key (a link id, a client address), from
// golang.org/x/time/rate. Buckets that have been full for an hour are
// dropped, so the map stays as small as the set of recent clients. It runs
// on the real clock, never the pinned one (DANVAN_NOW), which would never
// refill a bucket.
type limiter struct {
	rate  rate.Limit
	burst int

	mu    sync.Mutex
	m     map[string]*bucket
	calls int
}

type bucket struct {
	lim  *rate.Limiter
	last time.Time
}

func newLimiter(r rate.Limit, burst int) *limiter {
	return &limiter{rate: r, burst: burst, m: map[string]*bucket{}}
}

// allow takes a token for key, or says how long until one is free.
func (l *limiter) allow(key string) (bool, time.Duration) {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.calls++; l.calls%1024 == 0 {
		for k, b := range l.m {
			if now.Sub(b.last) > time.Hour {
				delete(l.m, k)
			}
		}
	}
	b := l.m[key]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(l.rate, l.burst)}
		l.m[key] = b
	}
	b.last = now
	r := b.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// busySet holds the links with an upload in progress: one at a time each.
type busySet struct {
	mu sync.Mutex
	m  map[string]bool
}

func (b *busySet) try(id string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.m == nil {
		b.m = map[string]bool{}
	}
	if b.m[id] {
		return false
	}
	b.m[id] = true
	return true
}

func (b *busySet) done(id string) {
	b.mu.Lock()
	delete(b.m, id)
	b.mu.Unlock()
}
