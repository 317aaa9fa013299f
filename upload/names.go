package upload

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// runKey is the context key for runInfo.
type runKey struct{}

// runInfo travels in the context from a Journaled uploader to the uploader it wraps.
type runInfo struct {
	id string
	// onBatch is told about each batch created for a chunk (file name, batch id), before the
	// uploader follows it, so that a crash while polling leaves the batch id in the journal.
	onBatch func(file, batchID string)
	// resend says an earlier run left this chunk in doubt and it is being sent again.
	resend bool
}

// WithRunID returns a context carrying a run id: the API uploaders put it in the names of the files
// they upload, so that the same import resumed later gives its chunks the same names (and a lost
// answer can be reconciled by name). Journaled sets it from the journal.
func WithRunID(ctx context.Context, id string) context.Context {
	ri, _ := ctx.Value(runKey{}).(runInfo)
	ri.id = id
	return context.WithValue(ctx, runKey{}, ri)
}

// RunIDFromContext returns the run id set by WithRunID, or "".
func RunIDFromContext(ctx context.Context) string {
	ri, _ := ctx.Value(runKey{}).(runInfo)
	return ri.id
}

func withBatchHook(ctx context.Context, f func(file, batchID string)) context.Context {
	ri, _ := ctx.Value(runKey{}).(runInfo)
	ri.onBatch = f
	return context.WithValue(ctx, runKey{}, ri)
}

func withResend(ctx context.Context) context.Context {
	ri, _ := ctx.Value(runKey{}).(runInfo)
	ri.resend = true
	return context.WithValue(ctx, runKey{}, ri)
}

func isResend(ctx context.Context) bool {
	ri, _ := ctx.Value(runKey{}).(runInfo)
	return ri.resend
}

func batchHook(ctx context.Context) func(file, batchID string) {
	ri, _ := ctx.Value(runKey{}).(runInfo)
	if ri.onBatch == nil {
		return func(string, string) {}
	}
	return ri.onBatch
}

// NewRunID returns a random 8-hex-digit run id.
func NewRunID() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// UploadName is the file name an API uploader gives chunk index of a run:
// "<prefix>-<run>-chunk-0001.csv". The prefix (typically the source file's base name) is reduced to
// letters, digits, '.', '_' and '-', at most 60 bytes; empty means "contactpipe".
func UploadName(prefix, run string, index int) string {
	p := sanitizeName(prefix)
	if p == "" {
		p = "contactpipe"
	}
	if run == "" {
		return fmt.Sprintf("%s-chunk-%04d.csv", p, index)
	}
	return fmt.Sprintf("%s-%s-chunk-%04d.csv", p, sanitizeName(run), index)
}

func sanitizeName(s string) string {
	s = filepath.Base(s)
	switch strings.ToLower(filepath.Ext(s)) {
	case ".csv", ".xlsx", ".xls", ".txt", ".tsv":
		s = strings.TrimSuffix(s, filepath.Ext(s))
	}
	if s == "." || s == string(filepath.Separator) {
		return ""
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s) && len(b) < 60; i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '_', c == '-':
			b = append(b, c)
		default:
			if len(b) > 0 && b[len(b)-1] != '-' {
				b = append(b, '-')
			}
		}
	}
	return strings.Trim(string(b), "-.")
}

// partName names half of a split upload: x-chunk-0001.csv → x-chunk-0001-a.csv.
func partName(name, half string) string {
	return strings.TrimSuffix(name, ".csv") + "-" + half + ".csv"
}

// disposer is implemented by uploaders that decide what happens to a chunk file after upload.
type disposer interface {
	dispose(c Chunk)
}

// disposeChunk moves the chunk file into keepDir as chunk-0001.csv, or removes it when keepDir is
// empty.
func disposeChunk(c Chunk, keepDir string) {
	if c.Path == "" {
		return
	}
	if keepDir == "" {
		_ = os.Remove(c.Path)
		return
	}
	dst := filepath.Join(keepDir, ChunkFileName(c.Index))
	if dst == c.Path {
		return
	}
	if err := os.Rename(c.Path, dst); err != nil {
		if copyFile(c.Path, dst, false) == nil {
			_ = os.Remove(c.Path)
		}
	}
}

// chunkUploadName is the name an API uploader gives chunk c: the run id the uploader was given,
// else the one in ctx (WithRunID), else the one it made for itself.
func chunkUploadName(ctx context.Context, prefix, configured, own string, c Chunk) string {
	run := configured
	if run == "" {
		run = RunIDFromContext(ctx)
	}
	if run == "" {
		run = own
	}
	return UploadName(prefix, run, c.Index)
}
