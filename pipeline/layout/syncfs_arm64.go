//go:build linux

package layout

import "syscall"

// sysSyncfs is syncfs(2)'s number on linux/arm64.
const sysSyncfs = syscall.SYS_SYNCFS
