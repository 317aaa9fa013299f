package redistest

import (
	"os/exec"
	"runtime"
	"syscall"
)

// startChild starts cmd so that the kernel kills it when this process dies, even by SIGKILL or
// a test timeout, when Kill never runs: no redis-server outlives its test binary. The parent-death
// signal is tied to the OS thread that starts the child, so the goroutine holds its thread while
// it does; Go does not end a thread that was merely locked and unlocked.
func startChild(cmd *exec.Cmd) error {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	return cmd.Start()
}
