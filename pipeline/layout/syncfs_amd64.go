//go:build linux

package layout

// sysSyncfs is syncfs(2)'s number on linux/amd64 (golang.org/x/sys/unix's
// SYS_SYNCFS; the standard library's syscall list predates it).
const sysSyncfs = 306
