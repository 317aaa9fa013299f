package upload

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
)

// splitChunkFile writes the two halves of a CSV chunk file (header row first) as new files beside
// it, each starting with the same header, and returns their paths and data-row counts. The bytes of
// every record are copied unchanged (records may span lines inside quotes). The caller removes the
// halves.
func splitChunkFile(path string) (a, b string, rowsA, rowsB int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return "", "", 0, 0, err
	}
	defer f.Close()
	offsets, err := recordOffsets(f)
	if err != nil {
		return "", "", 0, 0, fmt.Errorf("upload: split %s: %w", filepath.Base(path), err)
	}
	// offsets[0] is the end of the header; offsets[i] the end of data row i.
	rows := len(offsets) - 1
	if rows < 2 {
		return "", "", 0, 0, fmt.Errorf("upload: split %s: %d data rows, cannot split", filepath.Base(path), rows)
	}
	rowsA = rows / 2
	rowsB = rows - rowsA
	headerEnd, mid, end := offsets[0], offsets[rowsA], offsets[rows]
	stem := strings.TrimSuffix(filepath.Base(path), ".csv")
	a, err = writeRange(f, filepath.Dir(path), stem+"-a-*.csv", headerEnd, headerEnd, mid)
	if err != nil {
		return "", "", 0, 0, err
	}
	b, err = writeRange(f, filepath.Dir(path), stem+"-b-*.csv", headerEnd, mid, end)
	if err != nil {
		os.Remove(a)
		return "", "", 0, 0, err
	}
	return a, b, rowsA, rowsB, nil
}

// recordOffsets returns the byte offset after each record of a CSV file.
func recordOffsets(r io.Reader) ([]int64, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	var offs []int64
	for {
		_, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		offs = append(offs, cr.InputOffset())
	}
	if len(offs) == 0 {
		return nil, errors.New("empty file")
	}
	return offs, nil
}

// writeRange writes bytes [0,header) then [from,to) of src into a new private file in dir.
func writeRange(src *os.File, dir, pattern string, header, from, to int64) (string, error) {
	out, err := os.CreateTemp(dir, pattern) // created 0600
	if err != nil {
		return "", err
	}
	_, err = io.Copy(out, io.NewSectionReader(src, 0, header))
	if err == nil {
		_, err = io.Copy(out, io.NewSectionReader(src, from, to-from))
	}
	// A record's end offset excludes nothing but may lack a final newline at EOF: add one so the
	// half stays a well-formed CSV.
	if err == nil && to > from {
		last := make([]byte, 1)
		if _, rerr := src.ReadAt(last, to-1); rerr == nil && last[0] != '\n' {
			_, err = out.Write([]byte("\n"))
		}
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(out.Name())
		return "", err
	}
	return out.Name(), nil
}

// partUploader uploads one file (a chunk or part of one) under name.
type partUploader func(ctx context.Context, path, name string, rows int) (Result, error)

// splitter uploads a chunk, splitting it when the target finds it too large. One per chunk; not
// safe for concurrent use.
type splitter struct {
	up     partUploader
	budget *RetryBudget
	stats  *Stats
	log    *slog.Logger
	// refused is the size of the smallest part the target refused as too large (0: none yet).
	// A part at least that large would be refused too: it is not sent.
	refused int64
	// single is set once the target refused a single row as too large: it is broken or its limit
	// is below any row, and nothing more of the chunk is sent.
	single error
}

// uploadSplitting uploads a file with up and, when the target says it is too large, splits it in
// two (header kept in both) and uploads the halves the same way, recursively. The merged Result
// accounts for every row: the second half's rejected lines are shifted by the first half's rows.
//
// Splitting is bounded: each split spends one retry of the run's budget; a part no smaller than
// one already refused is split without being sent; and a single row still too large fails after
// its one try (or without one, when a smaller part was already refused), after which nothing
// more of the chunk is sent. A target that answers 413 to everything thus costs a chunk of n
// rows about log2(n) requests, not 2n.
func uploadSplitting(ctx context.Context, path, name string, rows int, budget *RetryBudget, stats *Stats, log *slog.Logger, up partUploader) (Result, error) {
	s := &splitter{up: up, budget: budget, stats: stats, log: log}
	return s.upload(ctx, path, name, rows)
}

func (s *splitter) upload(ctx context.Context, path, name string, rows int) (Result, error) {
	var size int64
	if st, err := os.Stat(path); err == nil {
		size = st.Size()
	}
	if s.single != nil {
		return Result{File: name}, fmt.Errorf("upload: %s not sent: %w", name, s.single)
	}
	var r Result
	var err error
	if s.refused > 0 && size >= s.refused {
		// The target would refuse it: split it without asking.
		r = Result{File: name}
		err = fmt.Errorf("%w: %s (%d bytes) not sent: a part of %d bytes was already refused as too large",
			ErrFileTooLarge, name, size, s.refused)
	} else {
		r, err = s.up(ctx, path, name, rows)
		if err == nil || !errors.Is(err, ErrFileTooLarge) {
			return r, err
		}
		if s.refused == 0 || size < s.refused {
			s.refused = size
		}
	}
	if rows < 2 {
		s.single = fmt.Errorf("upload: %s: a single row (%d bytes with the header) is refused as too large: %w", name, size, err)
		return r, s.single
	}
	if s.budget != nil && !s.budget.Take() {
		return r, fmt.Errorf("%w: not splitting %s further: %w", ErrRetryBudgetExhausted, name, err)
	}
	a, b, rowsA, rowsB, serr := splitChunkFile(path)
	if serr != nil {
		return r, errors.Join(err, serr)
	}
	defer os.Remove(a)
	defer os.Remove(b)
	s.stats.splits.Add(1)
	s.log.Info("target refused the file as too large; splitting it in two", "file", name, "rows", rows)
	resA, errA := s.upload(ctx, a, partName(name, "a"), rowsA)
	var resB Result
	var errB error
	if errA == nil || !(errors.Is(errA, ErrUnauthorized) || errors.Is(errA, ErrRetryBudgetExhausted) || s.single != nil || ctx.Err() != nil) {
		resB, errB = s.upload(ctx, b, partName(name, "b"), rowsB)
	} else {
		// errA is in the joined error already: repeating it here would double the message at
		// every level of splitting (2^levels copies of the cause).
		errB = fmt.Errorf("upload: second half of %s (%d rows) not sent: its first half failed", name, rowsB)
	}
	out := mergeParts(resA, resB, rowsA)
	out.Attempts += r.Attempts
	out.Resent += r.Resent
	out.Splits++
	out.File = name
	return out, errors.Join(errA, errB)
}

// mergeParts combines the results of two halves; b's lines are shifted by rowsA.
func mergeParts(a, b Result, rowsA int) Result {
	out := Result{
		Target:     a.Target,
		Attempts:   a.Attempts + b.Attempts,
		InDoubt:    a.InDoubt || b.InDoubt,
		Landed:     a.Landed + b.Landed,
		Unmatched:  a.Unmatched + b.Unmatched,
		Splits:     a.Splits + b.Splits,
		Reconciled: a.Reconciled || b.Reconciled,
		Resent:     a.Resent + b.Resent,
	}
	if out.Target == "" {
		out.Target = b.Target
	}
	out.BatchIDs = append(append([]string(nil), a.BatchIDs...), b.BatchIDs...)
	if len(out.BatchIDs) > 0 {
		out.BatchID = out.BatchIDs[0]
	}
	switch {
	case a.Status == b.Status:
		out.Status = a.Status
	case a.Status == string(BatchCompleted) || a.Status == "created":
		out.Status = b.Status
	default:
		out.Status = a.Status
	}
	out.ServerRejected = append(out.ServerRejected, a.ServerRejected...)
	for _, s := range b.ServerRejected {
		out.ServerRejected = append(out.ServerRejected, ServerRejection{Line: s.Line + rowsA, Message: s.Message})
	}
	if a.Counts != nil || b.Counts != nil {
		var c BatchCounts
		for _, x := range []*BatchCounts{a.Counts, b.Counts} {
			if x != nil {
				c.Total += x.Total
				c.Inserted += x.Inserted
				c.Errors += x.Errors
				c.Duplicated += x.Duplicated
			}
		}
		out.Counts = &c
	}
	return out
}
