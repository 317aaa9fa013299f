package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/contactpipe/contactpipe/internal/contactsim"
)

// TestKillAndResume SIGKILLs a real contactpipe process at several points of an 8x8 import into a
// faulty simulator, reruns the same command each time, and checks that in the end every row
// landed and no chunk was uploaded twice (each chunk's file name appears in exactly one batch:
// reconciliation found the ones whose answer was lost; the others had never landed).
func TestKillAndResume(t *testing.T) {
	if !longRun() {
		t.Skip("slow (builds the command, kills it several times): run with -long or CONTACTPIPE_LONG=1")
	}
	bin := filepath.Join(t.TempDir(), "contactpipe")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	require.NoError(t, build.Run())

	sim, base := simServer(t, contactsim.Options{Seed: 11, Faults: contactsim.Faults{
		Latency: 30 * time.Millisecond, ResetAfter: 0.1, Error: 0.05}})
	src := writeContacts(t, 120)
	out := t.TempDir()
	args := []string{"import", "-target", "8x8", "-base-url", base, "-account-id", contactsim.DefaultAccountID,
		"-max-chunk-rows", "10", "-upload-concurrency", "3", "-out", out, src}
	journal := filepath.Join(out, "journal.jsonl")
	lines := func() int {
		b, _ := os.ReadFile(journal)
		return bytes.Count(b, []byte("\n"))
	}
	// runChild runs the command; with killAfter > 0 it is SIGKILLed once the journal has grown by
	// killAfter entries in this run (so kills land between submission, acceptance and polling of
	// various chunks, not during start-up).
	runChild := func(killAfter int) (int, string) {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), envAPIKey+"="+contactsim.DefaultAPIKey)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		start := lines()
		require.NoError(t, cmd.Start())
		done := make(chan struct{})
		if killAfter > 0 {
			go func() {
				for {
					select {
					case <-done:
						return
					case <-time.After(2 * time.Millisecond):
					}
					if lines() >= start+killAfter {
						_ = cmd.Process.Signal(syscall.SIGKILL)
						return
					}
				}
			}()
		}
		err := cmd.Wait()
		close(done)
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		return code, stdout.String() + stderr.String()
	}

	kills := 0
	for _, k := range []int{1, 2, 3, 5, 4, 7, 2, 6, 3} {
		code, _ := runChild(k)
		if code == 0 {
			break // it finished before the kill
		}
		kills++
	}
	code, output := runChild(0)
	require.Equal(t, 0, code, output)
	rep := readReport(t, out)
	assert.Equal(t, 120, rep.Accepted)
	assert.Equal(t, 120, rep.Landed, output)
	assert.Len(t, rep.Chunks, 12)
	assert.Len(t, sim.Contacts(), 120, "every row landed")

	perName := map[string]int{}
	for _, b := range sim.Batches() {
		if b.Type == "createContacts" {
			perName[b.FileName]++
		}
	}
	assert.Len(t, perName, 12)
	for name, n := range perName {
		assert.Equal(t, 1, n, "%s uploaded %d times", name, n)
	}
	st := sim.Stats()
	t.Logf("kill-and-resume: %d SIGKILLs, then a clean run: %d rows landed of %d, %d chunks in %d batches; server saw %d requests, %d faults; last run: %s",
		kills, rep.Landed, rep.Accepted, len(rep.Chunks), len(sim.Batches()), st.Requests, st.Faults(), strings.TrimSpace(lastLine(output)))
	assert.Positive(t, kills, "at least one run was killed mid-import")
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}
