package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/contactpipe/contactpipe"
	"github.com/contactpipe/contactpipe/internal/contactsim"
)

// TestQualityGate: exit status 3 when the import finished but no row was accepted from a file
// with data rows, or more were rejected than -max-reject-rate allows; warnings otherwise.
func TestQualityGate(t *testing.T) {
	for _, tc := range []struct {
		name     string
		stdin    string
		args     []string
		code     int
		stderr   []string
		noStderr []string
	}{
		{"every row rejected", "phone,name\n12,Ann\n34,Bob\n", nil, 3,
			[]string{"quality gate: no row of 2 rows was accepted", "warning: no row was accepted"}, nil},
		{"header only", "phone,name\n", nil, 0, []string{"warning: the file has no data rows"}, []string{"quality gate"}},
		{"messy, no gate", "", []string{messy}, 0,
			[]string{`warning: 1 column not imported: "nickname"`, "warning: 50% of the rows were rejected (6 of 12"}, []string{"quality gate"}},
		{"messy, gate 10%", "", []string{"-max-reject-rate", "10%", messy}, 3,
			[]string{"quality gate: 6 of 12 rows rejected (50.0%), more than -max-reject-rate 10% allows"}, nil},
		{"messy, gate 0.6", "", []string{"-max-reject-rate", "0.6", messy}, 0, nil, []string{"quality gate"}},
		{"quiet gate", "", []string{"-quiet", "-max-reject-rate", "0", messy}, 3, []string{"quality gate"}, []string{"warning"}},
		{"good file", "", []string{"../../testdata/contacts.csv"}, 0, nil, []string{"warning", "quality gate"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out") // created private: no warning about its mode
			args := append([]string{"import", "-out", out}, tc.args...)
			if tc.stdin != "" {
				args = append(args, "-")
			}
			code, _, stderr := runCLI(t, tc.stdin, args...)
			assert.Equal(t, tc.code, code, stderr)
			for _, w := range tc.stderr {
				assert.Contains(t, stderr, w)
			}
			for _, w := range tc.noStderr {
				assert.NotContains(t, stderr, w)
			}
			rep := readReport(t, out)
			assert.Equal(t, contactpipe.StatusCompleted, rep.Status, "the gate judges a finished import")
		})
	}
	for _, bad := range []string{"x", "-1", "150%", "1.5"} {
		code, _, stderr := runCLI(t, "", "import", "-out", t.TempDir(), "-max-reject-rate", bad, messy)
		assert.Equal(t, 2, code, bad)
		assert.Contains(t, stderr, "-max-reject-rate")
	}
}

// TestInterrupted: an interrupted import says how to resume, and report.json says interrupted.
func TestInterrupted(t *testing.T) {
	_, base := simServer(t, contactsim.Options{})
	t.Setenv(envAPIKey, contactsim.DefaultAPIKey)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-target", "dir"}, "-target dir starts over"},
		{[]string{"-target", "8x8", "-base-url", base, "-account-id", contactsim.DefaultAccountID}, "Rerun the same command to resume"},
	} {
		pr, pw := io.Pipe()
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			fmt.Fprintln(pw, "phone,name")
			for i := range 50 {
				fmt.Fprintf(pw, "+6591%06d,N%d\n", i, i)
			}
			time.Sleep(50 * time.Millisecond) // the rows so far are read; the source then stalls
			cancel()
		}()
		out := filepath.Join(t.TempDir(), "out")
		var stdout, stderr bytes.Buffer
		code := run(ctx, append(append([]string{"import", "-out", out}, tc.args...), "-"), pr, &stdout, &stderr)
		pw.Close()
		assert.Equal(t, 1, code, stderr.String())
		assert.Contains(t, stderr.String(), "contactpipe: interrupted after")
		assert.Contains(t, stderr.String(), `says status "interrupted"`)
		assert.Contains(t, stderr.String(), tc.want)
		rep := readReport(t, out)
		assert.Equal(t, contactpipe.StatusInterrupted, rep.Status)
		assert.NotEmpty(t, rep.Error)
		assert.Equal(t, rep.Rows, rep.Accepted+rep.Rejected+rep.Duplicates)
	}
}
