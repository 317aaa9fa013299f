package upload

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Dir is an Uploader that moves each chunk into a directory as chunk-0001.csv, chunk-0002.csv, …
// It needs no network: it is the offline target and the one tests and demos use.
type Dir struct {
	// Path is the output directory. It must exist.
	Path string
}

// Validate checks that Path names an existing directory.
func (d Dir) Validate() error {
	if d.Path == "" {
		return configError("dir uploader: no directory given")
	}
	st, err := os.Stat(d.Path)
	if err != nil {
		return configError("dir uploader: %v", err)
	}
	if !st.IsDir() {
		return configError("dir uploader: %s is not a directory", d.Path)
	}
	return nil
}

// ChunkFileName is the name a chunk gets in an output directory: chunk-0001.csv for index 1.
func ChunkFileName(index int) string {
	return fmt.Sprintf("chunk-%04d.csv", index)
}

// Upload moves c's file into d.Path under ChunkFileName(c.Index). It never overwrites a file:
// when the name is taken (by another import writing to the same directory, or a file that was
// there before), the chunk fails with an error wrapping os.ErrExist.
func (d Dir) Upload(ctx context.Context, c Chunk) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{Target: "dir"}, err
	}
	dst := filepath.Join(d.Path, ChunkFileName(c.Index))
	err := os.Link(c.Path, dst) // unlike Rename, Link refuses an existing name
	if err != nil && !errors.Is(err, os.ErrExist) {
		err = copyFile(c.Path, dst, true) // no hard links here (another file system)
	}
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			err = fmt.Errorf("%s already exists, not overwritten: %w", dst, os.ErrExist)
		}
		return Result{Target: "dir"}, fmt.Errorf("upload: write chunk %d: %w", c.Index, err)
	}
	_ = os.Remove(c.Path)
	return Result{Target: "dir", File: dst, Status: "written", Landed: c.Rows}, nil
}

// copyFile copies src to dst (for a rename across file systems), keeping it private (0600). With
// excl, an existing dst is an error wrapping os.ErrExist; without, it is replaced.
func copyFile(src, dst string, excl bool) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	flag := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if excl {
		flag = os.O_WRONLY | os.O_CREATE | os.O_EXCL
	}
	out, err := os.OpenFile(dst, flag, 0o600)
	if err != nil {
		return err
	}
	if _, err := out.ReadFrom(in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
