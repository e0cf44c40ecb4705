package serve

import (
	"context"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// guard holds the connections of a server to Options' four timeouts in
// place of net/http's own ReadHeaderTimeout, ReadTimeout, WriteTimeout and
// IdleTimeout, for less CPU per request.
//
// net/http enforces them with a deadline on the connection, set anew
// several times per request (the headers', the whole request's, the
// answer's, the idle wait's): each a clock reading and a timer moved in the
// runtime's timer heap, ~8 % of the server's CPU per /data/ answer in a
// profile under wrk -t2 -c100, where a bare handler without timeouts pays
// none of it. The guard instead notes, per connection, which phase it is
// in and since when (an atomic store at each change of phase, with a
// reading of the monotonic clock, which takes no system call: a timer is
// what costs), and one goroutine looks at every connection once a tick: a
// connection past its limit gets a deadline in the past on the side that
// must stop (reading, writing), which makes net/http's blocked read or
// write fail and close the connection, as its own deadline would have.
// (Until 2026-12-07 the phases were stamped with a coarse clock the
// sweeper moved; when the sweeper ran late, on a loaded machine, a phase
// begun meanwhile counted from its last look, and a connection could be
// cut before its limit.)
//
// The limits are net/http's, measured from the same moments; a connection
// is never cut before its limit, and is cut within one tick after it (a
// tenth of the shortest timeout, at most a second) unless the sweeper
// itself runs late:
//   - headers: from the connection's accept, or from the first bytes of a
//     kept-alive connection's next request, within ReadHeaderTimeout (and
//     ReadTimeout);
//   - the request (headers and body): reading stops ReadTimeout after the
//     headers began;
//   - the answer: writing stops WriteTimeout after the headers began (net/http
//     counts from their end: the difference is the headers' time, at most
//     ReadHeaderTimeout, seconds against WriteTimeout's minutes);
//   - idle: a kept-alive connection that sends nothing for IdleTimeout
//     after its answer is closed.
type guard struct {
	readHeader, read, write, idle time.Duration
	tick                          time.Duration
	start                         time.Time // the phases' clock counts from it

	mu    sync.Mutex
	conns map[*guardedConn]struct{}
}

// Phases of a guarded connection.
const (
	phaseHeader = iota + 1 // reading a request's headers (never 0: no state is 0)
	phaseActive            // its headers read, its body perhaps not yet
	phaseAnswer            // the request read whole, its answer under way
	phaseIdle              // answered, waiting for the next request
)

// state packs a phase (top 8 bits) and the microsecond of the guard's
// clock since which it holds (56 bits: over two thousand years).
func state(phase int, since int64) uint64 { return uint64(phase)<<56 | uint64(since)&(1<<56-1) }

// clock is the guard's time, in microseconds since it started (monotonic).
func (g *guard) clock() int64 { return int64(time.Since(g.start) / time.Microsecond) }

func unpack(s uint64) (phase int, since int64) { return int(s >> 56), int64(s & (1<<56 - 1)) }

func newGuard(readHeader, read, write, idle time.Duration) *guard {
	g := &guard{readHeader: min(readHeader, read), read: read, write: write, idle: idle,
		start: time.Now(), conns: map[*guardedConn]struct{}{}}
	g.tick = min(max(min(g.readHeader, read, write, idle)/10, time.Millisecond), time.Second)
	return g
}

// listener wraps ln so that every connection it accepts is guarded.
func (g *guard) listener(ln net.Listener) net.Listener { return guardedListener{ln, g} }

type guardedListener struct {
	net.Listener
	g *guard
}

func (l guardedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	gc := &guardedConn{Conn: c, g: l.g}
	gc.state.Store(state(phaseHeader, l.g.clock()))
	l.g.mu.Lock()
	l.g.conns[gc] = struct{}{}
	l.g.mu.Unlock()
	return gc, nil
}

// connState is the http.Server's ConnState hook: net/http says when a
// connection's request has been read (active) and when its answer is done
// (idle).
func (g *guard) connState(c net.Conn, s http.ConnState) {
	gc, ok := c.(*guardedConn)
	if !ok {
		return
	}
	switch s {
	case http.StateActive:
		// The request's time counts from its headers' first bytes.
		_, since := unpack(gc.state.Load())
		gc.state.Store(state(phaseActive, since))
	case http.StateIdle:
		gc.state.Store(state(phaseIdle, g.clock()))
	case http.StateHijacked, http.StateClosed:
		g.forget(gc)
	}
}

func (g *guard) forget(gc *guardedConn) {
	g.mu.Lock()
	delete(g.conns, gc)
	g.mu.Unlock()
}

// run cuts the connections past their limits, once a tick, until ctx is
// done.
func (g *guard) run(ctx context.Context) {
	t := time.NewTicker(g.tick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			g.sweep()
		}
	}
}

// sweep is one look at every connection.
func (g *guard) sweep() {
	past := time.Unix(1, 0)
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.clock() // a phase stamped after it has not begun yet (elapsed < 0)
	for c := range g.conns {
		s := c.state.Load()
		phase, since := unpack(s)
		elapsed := time.Duration(now-since) * time.Microsecond
		var read, write bool
		switch phase {
		case phaseHeader:
			read = elapsed > g.readHeader
		case phaseActive:
			read, write = elapsed > g.read, elapsed > g.write
		case phaseAnswer:
			write = elapsed > g.write
		case phaseIdle:
			read = elapsed > g.idle
		}
		if read && c.cutRead != s {
			c.Conn.SetReadDeadline(past)
			c.cutRead = s
		}
		if write && c.cutWrite != s {
			c.Conn.SetWriteDeadline(past)
			c.cutWrite = s
		}
	}
}

// guardedConn is a connection the guard watches.
type guardedConn struct {
	net.Conn
	g     *guard
	state atomic.Uint64 // phase and since (state)
	// The states in which the guard last cut reading and writing, so it
	// cuts each once per phase; the guard's own (sweep).
	cutRead, cutWrite uint64
}

// Read notes the first bytes of a kept-alive connection's next request:
// its headers' time starts.
func (c *guardedConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if n > 0 {
		if phase, _ := unpack(c.state.Load()); phase == phaseIdle {
			c.state.Store(state(phaseHeader, c.g.clock()))
		}
	}
	return n, err
}

// SetReadDeadline notes the end of a request's reading: net/http lifts the
// read deadline (a zero time) once the request's body is read, before it
// waits in the background for the client to go away while the handler
// works. From then on ReadTimeout no longer applies, as with net/http's own:
// a query may run longer than it takes to send.
func (c *guardedConn) SetReadDeadline(t time.Time) error {
	if t.IsZero() {
		s := c.state.Load()
		if phase, since := unpack(s); phase == phaseActive {
			c.state.CompareAndSwap(s, state(phaseAnswer, since))
		}
	}
	return c.Conn.SetReadDeadline(t)
}

func (c *guardedConn) Close() error {
	c.g.forget(c)
	return c.Conn.Close()
}

// ReadFrom and CloseWrite let net/http use the TCP connection's own (a file
// sent with sendfile; a connection half-closed before it is closed).
func (c *guardedConn) ReadFrom(r io.Reader) (int64, error) {
	if rf, ok := c.Conn.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(writerOnly{c.Conn}, r)
}

func (c *guardedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// writerOnly hides a writer's ReadFrom, so io.Copy does not call it back.
type writerOnly struct{ io.Writer }
