package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/contactpipe/contactpipe/upload"
)

// The 8x8 client subcommands:
//
//	contactpipe batch status [flags] ID
//	contactpipe batch list [flags]
//	contactpipe groups copy [flags] -from N -to M
//
// They print the API's answer as JSON on standard output. Exit status: 0 on success, 1 when the
// API refused or could not be reached, 2 on bad usage.

const batchUsage = `usage:
  contactpipe batch status [flags] ID   show one 8x8 batch job
  contactpipe batch list [flags]        list the account's batch jobs
`

const groupsUsage = `usage:
  contactpipe groups copy [flags] -from N -to M   copy the contacts of group N into group M
`

// clientFlagSet returns a flag set with the 8x8 connection flags.
func clientFlagSet(name string, stderr io.Writer, t *targetFlags) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	t.register8x8(fs)
	return fs
}

// apiFailure prints err and returns the exit status for it.
func apiFailure(stderr io.Writer, cmd string, err error) int {
	fmt.Fprintf(stderr, "contactpipe %s: %v\n", cmd, err)
	var ue usageError
	if errors.As(err, &ue) {
		return exitUsage
	}
	return exitFatal
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func runBatch(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, batchUsage)
		return exitUsage
	}
	var t targetFlags
	switch args[0] {
	case "status":
		fs := clientFlagSet("contactpipe batch status", stderr, &t)
		if err := fs.Parse(args[1:]); err != nil {
			return parseExit(err)
		}
		if fs.NArg() != 1 {
			fmt.Fprintln(stderr, "contactpipe batch status: exactly one batch ID is required")
			return exitUsage
		}
		var c upload.Client
		if err := t.fillClient(&c, nil, nil); err != nil {
			return apiFailure(stderr, "batch status", err)
		}
		b, err := c.BatchStatus(ctx, fs.Arg(0))
		if err != nil {
			return apiFailure(stderr, "batch status", err)
		}
		if err := printJSON(stdout, b); err != nil {
			return apiFailure(stderr, "batch status", err)
		}
		return exitOK
	case "list":
		fs := clientFlagSet("contactpipe batch list", stderr, &t)
		limit := fs.Int("limit", 20, "batches per page (1 to 500)")
		page := fs.Int("page", 0, "page offset: 0 is the first page")
		typ := fs.String("type", "", "only batches of this type (createContacts, copyContacts, …)")
		if err := fs.Parse(args[1:]); err != nil {
			return parseExit(err)
		}
		if fs.NArg() != 0 || *limit < 1 || *limit > 500 || *page < 0 {
			fmt.Fprintln(stderr, "contactpipe batch list: takes no arguments; -limit 1..500, -page ≥ 0")
			return exitUsage
		}
		var c upload.Client
		if err := t.fillClient(&c, nil, nil); err != nil {
			return apiFailure(stderr, "batch list", err)
		}
		p, err := c.ListBatches(ctx, upload.ListBatchesOptions{Limit: *limit, Offset: *page, Type: *typ})
		if err != nil {
			return apiFailure(stderr, "batch list", err)
		}
		if err := printJSON(stdout, p); err != nil {
			return apiFailure(stderr, "batch list", err)
		}
		return exitOK
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, batchUsage)
		return exitOK
	default:
		fmt.Fprintf(stderr, "contactpipe batch: unknown command %q\n%s", args[0], batchUsage)
		return exitUsage
	}
}

func runGroups(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "copy" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "help" || args[0] == "-help" || args[0] == "--help") {
			fmt.Fprint(stdout, groupsUsage)
			return exitOK
		}
		fmt.Fprint(stderr, groupsUsage)
		return exitUsage
	}
	var t targetFlags
	fs := clientFlagSet("contactpipe groups copy", stderr, &t)
	from := fs.Int("from", 0, "source group `id`")
	to := fs.Int("to", 0, "destination group `id`")
	wait := fs.Bool("wait", false, "follow the copy batch until it ends")
	if err := fs.Parse(args[1:]); err != nil {
		return parseExit(err)
	}
	if fs.NArg() != 0 || *from <= 0 || *to <= 0 {
		fmt.Fprintln(stderr, "contactpipe groups copy: -from and -to must be positive group ids")
		return exitUsage
	}
	var c upload.Client
	if err := t.fillClient(&c, nil, nil); err != nil {
		return apiFailure(stderr, "groups copy", err)
	}
	b, err := c.CopyContacts(ctx, *from, *to)
	if err != nil {
		return apiFailure(stderr, "groups copy", err)
	}
	for d := time.Second; *wait && !b.Status.Terminal(); d = min(2*d, 30*time.Second) {
		select {
		case <-ctx.Done():
			return apiFailure(stderr, "groups copy", ctx.Err())
		case <-time.After(d):
		}
		if b, err = c.BatchStatus(ctx, b.ID); err != nil {
			return apiFailure(stderr, "groups copy", err)
		}
	}
	if err := printJSON(stdout, b); err != nil {
		return apiFailure(stderr, "groups copy", err)
	}
	if *wait && b.Status != upload.BatchCompleted {
		fmt.Fprintf(stderr, "contactpipe groups copy: batch %s ended with status %s\n", b.ID, strconv.Quote(string(b.Status)))
		return exitFatal
	}
	return exitOK
}

// parseExit maps a flag parsing error to an exit status.
func parseExit(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	return exitUsage
}
