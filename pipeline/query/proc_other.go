//go:build !linux

package query

import (
	"os"
	"syscall"
	"time"
)

// Elsewhere than Linux the kernel limits are not set: only the wall clock
// (the parent kills the worker) and DuckDB's memory_limit bound a query.

func setLimits(int64, time.Duration) error { return nil }
func onCPULimit(func()) (stop func())      { return func() {} }
func cpuSignal(*os.ProcessState) bool      { return false }
func killedBySystem(*os.ProcessState) bool { return false }
func lowerPriority(int)                    {}
func sysProcAttr() *syscall.SysProcAttr    { return nil }
