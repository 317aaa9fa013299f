package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/spf13/cobra"

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

const clientLong = `Connection flags as for "contactpipe import -target 8x8"; the API key comes from
$CONTACTPIPE_8X8_API_KEY or --api-key-file. The API's answer is printed as JSON on standard output.
Exit status: 0 on success, 1 when the API refused or could not be reached, 2 on bad usage.`

// groupCmd is a command that only holds subcommands: run alone or with an unknown subcommand it
// prints its usage on stderr and exits with status 2.
func groupCmd(use, short string, s *streams, subs ...*cobra.Command) *cobra.Command {
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		RunE: func(cmd *cobra.Command, args []string) error {
			cmd.SetOut(s.stderr)
			if len(args) > 0 {
				fmt.Fprintf(s.stderr, "contactpipe: unknown command %q for %q\n", args[0], cmd.CommandPath())
			}
			_ = cmd.Usage()
			return &exitError{code: exitUsage}
		},
	}
	cmd.AddCommand(subs...)
	return cmd
}

func newBatchCmd(s *streams) *cobra.Command {
	return groupCmd("batch", "Show 8x8 batch jobs", s, newBatchStatusCmd(s), newBatchListCmd(s))
}

func newGroupsCmd(s *streams) *cobra.Command {
	return groupCmd("groups", "Work with 8x8 contact groups", s, newGroupsCopyCmd(s))
}

func newBatchStatusCmd(s *streams) *cobra.Command {
	var t targetFlags
	cmd := &cobra.Command{
		Use:     "status [flags] ID",
		Short:   "Show one 8x8 batch job",
		Long:    "Show one 8x8 batch job (its status and row counts).\n\n" + clientLong,
		Example: "  contactpipe batch status -account-id ID 1da76ae9-5f8d-40c1-ba71-ae7b00abb23e",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("exactly one batch ID is required")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			var c upload.Client
			if err := t.fillClient(&c, nil, nil); err != nil {
				return err
			}
			b, err := c.BatchStatus(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return printJSON(s.stdout, b)
		},
	}
	cmd.Flags().SortFlags = false
	t.register8x8(cmd.Flags())
	return cmd
}

func newBatchListCmd(s *streams) *cobra.Command {
	var (
		t           targetFlags
		limit, page int
		typ         string
	)
	cmd := &cobra.Command{
		Use:     "list [flags]",
		Short:   "List the account's 8x8 batch jobs, a page at a time",
		Long:    "List the account's 8x8 batch jobs, a page at a time (pages numbered from 1, as the API does).\n\n" + clientLong,
		Example: "  contactpipe batch list -account-id ID -type createContacts -limit 50 -page 2",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if limit < 1 || limit > 500 {
				return usagef("-limit %d: want 1 to 500", limit)
			}
			if page < 1 {
				return usagef("-page %d: pages are numbered from 1", page)
			}
			var c upload.Client
			if err := t.fillClient(&c, nil, nil); err != nil {
				return err
			}
			// The API's offset counts pages from 0 and its answer numbers them from 1.
			p, err := c.ListBatches(cmd.Context(), upload.ListBatchesOptions{Limit: limit, Offset: page - 1, Type: typ})
			if err != nil {
				return err
			}
			return printJSON(s.stdout, p)
		},
	}
	fs := cmd.Flags()
	fs.SortFlags = false
	fs.IntVar(&limit, "limit", 20, "batches per `page` (1 to 500)")
	fs.IntVar(&page, "page", 1, "page `number`, from 1 (as the API numbers pages)")
	fs.StringVar(&typ, "type", "", "only batches of this `type` (createContacts, copyContacts, …)")
	t.register8x8(fs)
	completeWords(cmd, "type", "createContacts", "deleteContacts", "copyContacts", "moveContacts", "deleteGroups")
	return cmd
}

func newGroupsCopyCmd(s *streams) *cobra.Command {
	var (
		t        targetFlags
		from, to int
		wait     bool
	)
	cmd := &cobra.Command{
		Use:     "copy [flags] -from N -to M",
		Short:   "Copy the contacts of one 8x8 group into another",
		Long:    "Copy the contacts of group N into group M (a copyContacts batch).\n\n" + clientLong,
		Example: "  contactpipe groups copy -account-id ID -from 1 -to 2 -wait",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if from <= 0 || to <= 0 {
				return usagef("-from and -to must be positive group ids")
			}
			var c upload.Client
			if err := t.fillClient(&c, nil, nil); err != nil {
				return err
			}
			b, err := c.CopyContacts(cmd.Context(), from, to)
			if err != nil {
				return err
			}
			if wait {
				if b, err = followBatch(cmd.Context(), &c, b); err != nil {
					return err
				}
			}
			if err := printJSON(s.stdout, b); err != nil {
				return err
			}
			if wait && b.Status != upload.BatchCompleted {
				return fmt.Errorf("batch %s ended with status %s", b.ID, strconv.Quote(string(b.Status)))
			}
			return nil
		},
	}
	fs := cmd.Flags()
	fs.SortFlags = false
	fs.IntVar(&from, "from", 0, "source group `id`")
	fs.IntVar(&to, "to", 0, "destination group `id`")
	fs.BoolVar(&wait, "wait", false, "follow the copy batch until it ends")
	t.register8x8(fs)
	return cmd
}

// followBatch polls batch b until its status is terminal.
func followBatch(ctx context.Context, c *upload.Client, b upload.Batch) (upload.Batch, error) {
	var err error
	for d := pollInterval(); !b.Status.Terminal(); d = min(2*d, 30*time.Second) {
		select {
		case <-ctx.Done():
			return b, ctx.Err()
		case <-time.After(d):
		}
		if b, err = c.BatchStatus(ctx, b.ID); err != nil {
			return b, err
		}
	}
	return b, nil
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
