package query

import (
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// addressSlack is what RLIMIT_AS allows beyond the memory limit: a
// worker's address space is 1.6-1.8 GB of reservations before it runs a
// query (see worker.go), so RLIMIT_AS only backs up RLIMIT_DATA against
// what the latter does not count.
const addressSlack = 4 << 30

// setLimits puts the worker under the kernel's limits, soft and hard
// alike, so that nothing in the process can raise them again: memory
// (RLIMIT_DATA; RLIMIT_AS as a backstop), CPU time (RLIMIT_CPU: SIGXCPU at
// the limit, SIGKILL a second later), and no core dump.
func setLimits(memory int64, cpuTime time.Duration) error {
	cpu := uint64((cpuTime + time.Second - 1) / time.Second)
	for _, l := range []struct {
		res      int
		cur, max uint64
	}{
		{syscall.RLIMIT_DATA, uint64(memory), uint64(memory)},
		{syscall.RLIMIT_AS, uint64(memory) + addressSlack, uint64(memory) + addressSlack},
		{syscall.RLIMIT_CPU, cpu, cpu + 1},
		{syscall.RLIMIT_CORE, 0, 0},
	} {
		if err := syscall.Setrlimit(l.res, &syscall.Rlimit{Cur: l.cur, Max: l.max}); err != nil {
			return err
		}
	}
	return nil
}

// onCPULimit calls f when the process reaches its soft CPU time limit.
func onCPULimit(f func()) (stop func()) {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGXCPU)
	done := make(chan struct{})
	go func() {
		select {
		case <-c:
			f()
		case <-done:
		}
	}()
	return func() {
		signal.Stop(c)
		close(done)
	}
}

// cpuSignal reports whether the process died of its CPU time limit.
func cpuSignal(ps *os.ProcessState) bool {
	ws, ok := ps.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGXCPU
}

// killedBySystem reports a SIGKILL the parent did not send: the kernel's
// out-of-memory killer.
func killedBySystem(ps *os.ProcessState) bool {
	ws, ok := ps.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}

// lowerPriority gives every thread of process pid the lowest CPU priority
// (nice 19): on Linux the nice value is per thread, and threads started
// later inherit their creator's.
func lowerPriority(pid int) {
	tasks, _ := os.ReadDir(filepath.Join("/proc", strconv.Itoa(pid), "task"))
	for _, t := range tasks {
		if tid, err := strconv.Atoi(t.Name()); err == nil {
			syscall.Setpriority(syscall.PRIO_PROCESS, tid, 19)
		}
	}
}

// sysProcAttr kills a worker when the server dies.
func sysProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} }
