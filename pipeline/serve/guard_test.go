package serve

import (
	"net"
	"net/http"
	"sync"
	"testing"
	"time"
)

// deadlineConn records the deadlines the guard sets.
type deadlineConn struct {
	net.Conn
	mu          sync.Mutex
	read, write time.Time
}

func (c *deadlineConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.read = t
	return nil
}

func (c *deadlineConn) SetWriteDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.write = t
	return nil
}

func (c *deadlineConn) readCut() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return !c.read.IsZero()
}

// A connection that goes idle while the guard's sweeper is late (a loaded
// machine: its goroutine not run for a while) is not cut before
// IdleTimeout: its idle time counts from when it went idle, not from the
// sweeper's last look. Each round only judges a sweep that came, by this
// test's own clock, before the connection could have been idle for
// IdleTimeout; a round delayed past that by the machine proves nothing and
// is tried again.
func TestGuardNeverCutsBeforeTheLimit(t *testing.T) {
	const idle = 400 * time.Millisecond
	judged := 0
	for round := 0; round < 5 && judged < 2; round++ {
		g := newGuard(10*time.Second, 30*time.Second, 10*time.Minute, idle)
		fc := &deadlineConn{}
		gc := &guardedConn{Conn: fc, g: g}
		g.mu.Lock()
		g.conns[gc] = struct{}{}
		g.mu.Unlock()
		g.sweep()
		time.Sleep(300 * time.Millisecond) // the sweeper late: no look for 300 ms
		wentIdle := time.Now()
		g.connState(gc, http.StateIdle)
		g.sweep()
		time.Sleep(idle / 2)
		g.sweep()
		if time.Since(wentIdle) >= idle {
			continue // this round was delayed past the limit: it judges nothing
		}
		judged++
		if fc.readCut() {
			t.Fatalf("an idle connection cut after at most %s, IdleTimeout %s (it went idle while the sweeper was late)",
				time.Since(wentIdle).Round(time.Millisecond), idle)
		}
		// Past the limit, and a tick, it is cut.
		time.Sleep(idle/2 + 2*g.tick)
		g.sweep()
		if !fc.readCut() {
			t.Fatalf("an idle connection not cut after %s, IdleTimeout %s", time.Since(wentIdle).Round(time.Millisecond), idle)
		}
	}
	if judged == 0 {
		t.Skip("the machine delayed every round past the limit: nothing judged")
	}
}
