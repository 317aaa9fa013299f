// Command contactpipe imports a contact list (CSV, XLSX, XLS) and accounts for every row.
//
// Usage:
//
//	contactpipe import [flags] FILE     (FILE "-" reads standard input)
//	contactpipe batch status|list       8x8 batch jobs
//	contactpipe groups copy             copy an 8x8 group's contacts into another group
//	contactpipe version | completion bash|zsh|fish | help [command]
//
// Flags may come before or after FILE, and may be written -name or --name. The out directory (-out,
// default contactpipe-out) then holds chunk-0001.csv, chunk-0002.csv, … (the accepted rows, each
// file under the size limit), rejected.csv (rejected rows with the reason, ready to fix and import
// again), duplicates.csv and report.json. Exit status: 0 when the import finished (rejected rows
// included), 1 on a fatal error, 2 on bad usage, 3 when the import finished but failed its quality
// gate (no row accepted, or more rejected than -max-reject-rate).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/redis/go-redis/v9"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

func main() {
	// go-redis logs its connection retries to stderr; -dedupe-redis reports a Redis it cannot
	// reach as one error of ours instead.
	redis.SetLogger(quietLogger{})
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// After the first signal the import stops and writes its report; a second one kills
		// the process as usual.
		<-ctx.Done()
		stop()
	}()
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// quietLogger discards go-redis's log lines.
type quietLogger struct{}

func (quietLogger) Printf(context.Context, string, ...any) {}

// Exit codes.
const (
	exitOK      = 0
	exitFatal   = 1 // a fatal error, an interrupted import, or accepted rows that did not land
	exitUsage   = 2 // bad usage: nothing was done
	exitQuality = 3 // the import finished but failed its quality gate
)

// usageError marks a problem with the command line or environment (exit status 2).
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

// usagef returns a usageError with a formatted message.
func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// exitError carries an exit status for an error that was already reported (err may be nil when
// nothing more is to be printed).
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// streams are the CLI's standard streams, passed in so tests can drive it.
type streams struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// run is the whole CLI, with its environment passed in so tests can drive it. It returns the exit
// status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	s := &streams{stdin: stdin, stdout: stdout, stderr: stderr}
	root := newRootCmd(s)
	root.SetArgs(normalizeArgs(root, args))
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	if len(args) == 0 {
		// Without a command: the usage on stderr, exit status 2.
		root.SetOut(stderr)
		_ = root.Usage()
		return exitUsage
	}
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return exitOK
	}
	code := exitFatal
	var ee *exitError
	switch {
	case errors.As(err, &ee):
		code = ee.code
		if ee.err == nil {
			return code
		}
	case errors.As(err, new(usageError)), strings.HasPrefix(err.Error(), "unknown command "):
		code = exitUsage
	}
	printError(stderr, err)
	if code == exitUsage && cmd != nil {
		fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
	}
	return code
}

// printError prints err with the one "contactpipe: " prefix (the library's errors carry it
// already).
func printError(w io.Writer, err error) {
	msg := strings.TrimPrefix(err.Error(), "contactpipe: ")
	fmt.Fprintf(w, "contactpipe: %s\n", msg)
}

const rootLong = `contactpipe imports contact lists (CSV, XLSX, XLS) into the 8x8 or Kore.ai contacts APIs, or
into a directory, and accounts for every row: accepted, rejected with a reason, or a duplicate.

Flags may come before or after arguments, and may be written -name or --name.`

const rootExample = `  contactpipe import -out out testdata/messy.csv        # chunks, rejected.csv, report.json in out/
  contactpipe import contacts.xlsx -country DE -target 8x8 -account-id ID -groups 1
  contactpipe help import                                # every import flag
  contactpipe completion bash > /etc/bash_completion.d/contactpipe`

// newRootCmd builds the command tree.
func newRootCmd(s *streams) *cobra.Command {
	root := &cobra.Command{
		Use:           "contactpipe",
		Short:         "Import contact lists and account for every row",
		Long:          rootLong,
		Example:       rootExample,
		Version:       versionString(),
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetFlagErrorFunc(flagError)
	root.CompletionOptions.HiddenDefaultCmd = false
	root.AddCommand(newImportCmd(s), newInspectCmd(s), newBatchCmd(s), newGroupsCmd(s), newVersionCmd())
	return root
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version and the commit it was built from",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintln(cmd.OutOrStdout(), versionString())
			return nil
		},
	}
}

// versionString is the module version and the VCS commit the binary was built from.
func versionString() string {
	v, rev, at, dirty := "(devel)", "", "", false
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.time":
				at = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	out := "contactpipe " + v
	if rev != "" {
		out += " commit " + rev[:min(12, len(rev))]
		if dirty {
			out += "+dirty"
		}
		if at != "" {
			out += " " + at
		}
	}
	return out + " " + runtime.Version()
}

// noArgs refuses positional arguments with a usage error.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("%s takes no arguments (got %q)", cmd.CommandPath(), args[0])
	}
	return nil
}

// flagError turns pflag's parse errors into usage errors, with a suggestion for a misspelt flag.
func flagError(cmd *cobra.Command, err error) error {
	msg := err.Error()
	const unknown = "unknown flag: --"
	if strings.HasPrefix(msg, unknown) {
		name := strings.TrimPrefix(msg, unknown)
		if s := suggestFlag(cmd, name); s != "" {
			return usagef("unknown flag -%s: did you mean -%s?", name, s)
		}
		return usagef("unknown flag -%s", name)
	}
	return usageError{err}
}

// suggestFlag returns the flag of cmd whose name is nearest to name (a prefix of it, or at most
// two edits away), or "".
func suggestFlag(cmd *cobra.Command, name string) string {
	best, bestD := "", 3
	visit := func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		d := editDistance(name, f.Name)
		if len(name) >= 3 && strings.HasPrefix(f.Name, name) {
			d = min(d, 1)
		}
		if d < bestD {
			best, bestD = f.Name, d
		}
	}
	cmd.Flags().VisitAll(visit)
	cmd.InheritedFlags().VisitAll(visit)
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// normalizeArgs rewrites the single-dash long flags scripts use (-out, -header=false) to the GNU
// form pflag parses (--out, --header=false). A single-dash argument is a long flag when it is
// longer than two characters and starts with a letter; "-" (standard input), "-h", negative
// numbers and the value of a flag that takes one are left alone, and so is everything after "--".
func normalizeArgs(root *cobra.Command, args []string) []string {
	out := make([]string, 0, len(args))
	cmd := root
	positional := false // a positional argument was seen: no more subcommands
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(out, args[i:]...)
		}
		if len(a) > 2 && a[0] == '-' && a[1] != '-' && isLetter(a[1]) {
			a = "-" + a
		}
		out = append(out, a)
		if strings.HasPrefix(a, "--") {
			if takesValue(cmd, a[2:]) && i+1 < len(args) {
				i++
				out = append(out, args[i])
			}
			continue
		}
		if strings.HasPrefix(a, "-") {
			continue
		}
		if !positional {
			if sub := subcommand(cmd, a); sub != nil {
				cmd = sub
				continue
			}
		}
		positional = true
	}
	return out
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// takesValue reports whether the flag named by arg (without dashes, no "=value") is one of cmd's
// flags that needs a value in the next argument.
func takesValue(cmd *cobra.Command, arg string) bool {
	if strings.Contains(arg, "=") {
		return false
	}
	f := cmd.Flags().Lookup(arg)
	if f == nil {
		f = cmd.InheritedFlags().Lookup(arg)
	}
	return f != nil && f.NoOptDefVal == ""
}

func subcommand(cmd *cobra.Command, name string) *cobra.Command {
	for _, c := range cmd.Commands() {
		if c.Name() == name || c.HasAlias(name) {
			return c
		}
	}
	return nil
}
