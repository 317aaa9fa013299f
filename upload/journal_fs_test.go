package upload

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var errInjected = errors.New("injected failure")

// faultyFS is the real file system with chosen operations failing on the journal file.
type faultyFS struct {
	osFS
	failSync, failTruncate, failSeek, failSyncDir, failWrite bool
}

func (f *faultyFS) OpenFile(name string, flag int, perm os.FileMode) (journalFile, error) {
	jf, err := f.osFS.OpenFile(name, flag, perm)
	if err != nil || filepath.Base(name) != JournalFileName {
		return jf, err
	}
	return &faultyFile{journalFile: jf, fs: f}, nil
}

func (f *faultyFS) SyncDir(dir string) error {
	if f.failSyncDir {
		return errInjected
	}
	return f.osFS.SyncDir(dir)
}

type faultyFile struct {
	journalFile
	fs *faultyFS
}

func (f *faultyFile) Sync() error {
	if f.fs.failSync {
		return errInjected
	}
	return f.journalFile.Sync()
}

func (f *faultyFile) Truncate(n int64) error {
	if f.fs.failTruncate {
		return errInjected
	}
	return f.journalFile.Truncate(n)
}

func (f *faultyFile) Seek(off int64, whence int) (int64, error) {
	if f.fs.failSeek {
		return 0, errInjected
	}
	return f.journalFile.Seek(off, whence)
}

func (f *faultyFile) Write(p []byte) (int, error) {
	if f.fs.failWrite {
		return 0, errInjected
	}
	return f.journalFile.Write(p)
}

// countingUploader counts the chunks it is asked to upload.
type countingUploader struct{ n int }

func (c *countingUploader) Upload(context.Context, Chunk) (Result, error) {
	c.n++
	return Result{Target: "test", Status: "ok"}, nil
}

func TestJournalFileFailures(t *testing.T) {
	// A journal with one entry and a torn last line, so opening it truncates and seeks.
	prepare := func(t *testing.T) string {
		path := filepath.Join(t.TempDir(), JournalFileName)
		j, err := OpenJournal(path, "k")
		require.NoError(t, err)
		require.NoError(t, j.Record(JournalEntry{Chunk: 1, SHA256: "ab", State: JournalFailed}))
		require.NoError(t, j.Close())
		f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
		require.NoError(t, err)
		_, err = f.WriteString(`{"entry":{"chu`)
		require.NoError(t, err)
		require.NoError(t, f.Close())
		return path
	}
	t.Run("truncate fails on open", func(t *testing.T) {
		_, err := openJournal(&faultyFS{failTruncate: true}, prepare(t), "k")
		assert.ErrorIs(t, err, errInjected)
	})
	t.Run("fsync after truncate fails on open", func(t *testing.T) {
		_, err := openJournal(&faultyFS{failSync: true}, prepare(t), "k")
		assert.ErrorIs(t, err, errInjected)
	})
	t.Run("seek fails on open", func(t *testing.T) {
		_, err := openJournal(&faultyFS{failSeek: true}, prepare(t), "k")
		assert.ErrorIs(t, err, errInjected)
	})
	t.Run("fsync fails on create", func(t *testing.T) {
		_, err := openJournal(&faultyFS{failSync: true}, filepath.Join(t.TempDir(), JournalFileName), "k")
		assert.ErrorIs(t, err, errInjected)
	})
	t.Run("directory fsync fails on create", func(t *testing.T) {
		_, err := openJournal(&faultyFS{failSyncDir: true}, filepath.Join(t.TempDir(), JournalFileName), "k")
		assert.ErrorIs(t, err, errInjected)
	})
	for _, tc := range []struct {
		name string
		set  func(*faultyFS)
	}{
		{"fsync fails on record", func(f *faultyFS) { f.failSync = true }},
		{"write fails on record", func(f *faultyFS) { f.failWrite = true }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := &faultyFS{}
			j, err := openJournal(fs, filepath.Join(t.TempDir(), JournalFileName), "k")
			require.NoError(t, err)
			t.Cleanup(func() { _ = j.Close() })
			tc.set(fs)
			inner := &countingUploader{}
			_, err = j.Wrap(inner).Upload(t.Context(), Chunk{Index: 1, SHA256: "ab"})
			require.ErrorIs(t, err, errInjected)
			assert.Zero(t, inner.n, "nothing is sent before its submission is durable")
			_, ok := j.Last(1)
			assert.False(t, ok, "an entry that did not reach the disk is not in the view")
			// The file's end is unknown now: later records fail too, even once the disk recovers.
			*fs = faultyFS{}
			assert.ErrorIs(t, j.Record(JournalEntry{Chunk: 2, SHA256: "cd", State: JournalFailed}), errInjected)
		})
	}
}
