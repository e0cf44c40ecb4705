//go:build unix

package main

import (
	"syscall"
	"time"
)

// processCPU is the CPU time (user + system, every thread) this process has
// used so far, for DANVAN_TRACE.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
