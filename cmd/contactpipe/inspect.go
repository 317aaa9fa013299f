package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/contactpipe/contactpipe"
	"github.com/contactpipe/contactpipe/parse"
)

const inspectLong = `Show how contactpipe reads a contact list and what an import would make of it, without writing
or uploading anything: the format, encoding, delimiter and sheet; the header row and what each
column feeds (and how that was decided: alias, content, -map, -columns) or that it is ignored; per
column the share of values that normalize and validate; the reasons rows would be rejected, with
counts and example rows; the duplicates; and the first contacts as they would be sent.

The flags that say how to read the file are import's.`

const inspectExample = `  contactpipe inspect testdata/messy.csv
  contactpipe inspect -rows 1000 -country DE export.xlsx
  contactpipe inspect -json contacts.csv | jq .columns`

func newInspectCmd(s *streams) *cobra.Command {
	var (
		f       importFlags
		rows    int
		jsonOut bool
	)
	cmd := &cobra.Command{
		Use:               "inspect [flags] FILE",
		Short:             "Show how a file would be read and imported, writing nothing",
		Long:              inspectLong,
		Example:           inspectExample,
		Args:              oneFile,
		ValidArgsFunction: completeContactFile,
		RunE: func(cmd *cobra.Command, args []string) error {
			if rows < 0 {
				return usagef("-rows must not be negative")
			}
			return runInspect(cmd.Context(), &f, args[0], rows, jsonOut, s)
		},
	}
	fs := cmd.Flags()
	f.registerInput(fs)
	fs.IntVar(&rows, "rows", 0, "read only the first `n` data rows (0: all)")
	fs.BoolVar(&jsonOut, "json", false, "print the inspection as one JSON document")
	completeWords(cmd, "format", "auto", "csv", "xlsx", "xls")
	completeWords(cmd, "encoding", "utf-8", "utf-16le", "utf-16be", "windows-1252", "latin1")
	completeWords(cmd, "invalid-field", "reject", "drop")
	return cmd
}

func runInspect(ctx context.Context, f *importFlags, name string, rows int, jsonOut bool, s *streams) error {
	cfg, err := f.config()
	if err != nil {
		return usageError{err}
	}
	var src io.Reader = s.stdin
	cfg.Source = "stdin"
	if name != "-" {
		file, err := os.Open(name)
		if err != nil {
			return err
		}
		defer file.Close()
		src, cfg.Source = file, filepath.Base(name)
	}
	if src, err = f.checkContent(src, cfg.Source); err != nil {
		return err
	}
	in, err := contactpipe.Inspect(ctx, src, cfg, rows)
	if err != nil && !(errors.Is(err, parse.ErrNoAddressColumn) && in.Format != "") {
		if isConfigError(err) {
			return usageError{err}
		}
		return err
	}
	// A file with no address column is previewed, then refused as import refuses it.
	var perr error
	if jsonOut {
		perr = printJSON(s.stdout, in)
	} else {
		perr = printInspection(s.stdout, in)
	}
	if err != nil {
		return usageError{err}
	}
	return perr
}

// printInspection prints in for a person.
func printInspection(w io.Writer, in contactpipe.Inspection) error {
	var b strings.Builder
	read := []string{in.Format}
	if in.Encoding != "" {
		read = append(read, "encoding "+in.Encoding)
	}
	if in.Delimiter != "" {
		read = append(read, fmt.Sprintf("delimiter %q", in.Delimiter))
	}
	if in.Sheet != "" {
		read = append(read, fmt.Sprintf("sheet %q", in.Sheet))
	}
	fmt.Fprintf(&b, "%s: %s\n", in.Source, strings.Join(read, ", "))
	if len(in.Sheets) > 0 {
		fmt.Fprintf(&b, "the workbook's sheets: %s\n", strings.Join(quoteAll(in.Sheets), ", "))
	}
	if in.RejectedFile {
		b.WriteString("a rejected.csv written by contactpipe: its error_* columns are left out, its formula apostrophes removed\n")
	}
	switch {
	case in.HeaderRow == 0:
		fmt.Fprintf(&b, "no header row; columns: %s\n", strings.Join(quoteAll(in.Header), ", "))
	case len(in.SkippedRows) > 0:
		fmt.Fprintf(&b, "header (row %d; rows %s skipped): %s\n", in.HeaderRow, joinInts(in.SkippedRows), strings.Join(quoteAll(in.Header), ", "))
	default:
		fmt.Fprintf(&b, "header (row %d): %s\n", in.HeaderRow, strings.Join(quoteAll(in.Header), ", "))
	}

	b.WriteString("\n")
	var table strings.Builder
	tw := tabwriter.NewWriter(&table, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "COLUMN\tFEEDS\tHOW\tVALID\t")
	for _, c := range in.Columns {
		feeds, how, valid := c.Field, c.Method, ""
		if feeds == "" {
			feeds = "-"
		}
		if c.Status != "" && c.Status != "mapped" {
			how = strings.TrimSpace(how + " " + c.Status)
		}
		if c.Values > 0 {
			valid = fmt.Sprintf("%d%% of %d", 100*c.Valid/c.Values, c.Values)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t", columnName(c.ColumnInfo), feeds, how, valid)
		if c.Reason != "" {
			fmt.Fprintf(tw, "%s", c.Reason)
		}
		fmt.Fprintln(tw)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, line := range strings.SplitAfter(table.String(), "\n") {
		text, nl := strings.CutSuffix(line, "\n")
		b.WriteString(strings.TrimRight(text, " "))
		if nl {
			b.WriteString("\n")
		}
	}

	more := ""
	if in.Truncated {
		more = " (the first ones only: -rows)"
	}
	fmt.Fprintf(&b, "\n%s%s: %d accepted, %d rejected, %s", plural(in.Rows, "row", "rows"), more, in.Accepted, in.Rejected,
		plural(in.Duplicates, "duplicate", "duplicates"))
	if in.Warnings > 0 {
		fmt.Fprintf(&b, ", %s dropped", plural(in.Warnings, "invalid value", "invalid values"))
	}
	b.WriteString("\n")
	if len(in.RejectReasons) > 0 {
		b.WriteString("\nwould be rejected:\n")
		for _, r := range in.RejectReasons {
			fmt.Fprintf(&b, "  %s: %s\n", r.Code, plural(r.Count, "row", "rows"))
			for _, e := range r.Examples {
				fmt.Fprintf(&b, "    %s\n", e.Message)
			}
		}
	}
	if len(in.Contacts) > 0 {
		b.WriteString("\nfirst contacts as they would be sent:\n")
		for _, c := range in.Contacts {
			fields := make([]string, 0, len(c))
			for _, name := range contactFieldOrder {
				if v, ok := c[name]; ok {
					fields = append(fields, name+"="+strconv.Quote(v))
				}
			}
			fmt.Fprintf(&b, "  %s\n", strings.Join(fields, " "))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// columnName is how a column is named in the table: its header, or for a column without one
// "(column N)".
func columnName(c parse.ColumnInfo) string {
	if strings.TrimSpace(c.Header) == "" || strings.HasPrefix(c.Header, " (column ") {
		return fmt.Sprintf("(column %d)", c.Index+1)
	}
	return c.Header
}

// contactFieldOrder is the order contacts' fields are printed in.
var contactFieldOrder = []string{"msisdn", "extension", "email", "salutation", "firstName", "lastName", "country", "externalId",
	"weChatUserId", "facebookUserId", "zaloId", "lineId", "kakaoTalkId"}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ", ")
}

// isConfigError reports whether err is a refusal of the flags or the file's header (exit 2).
func isConfigError(err error) bool { return errors.Is(err, contactpipe.ErrConfig) }
