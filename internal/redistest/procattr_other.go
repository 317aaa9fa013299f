//go:build !linux

package redistest

import "os/exec"

// startChild starts cmd. Outside Linux a redis-server whose test binary is killed before Kill
// runs is left running.
func startChild(cmd *exec.Cmd) error { return cmd.Start() }
