package sheet

import (
	"context"
	"fmt"
	"io"
)

// canceler lets the readers see that their context is done. Every byte of a
// workbook is read through ctxReaderAt, which checks it before each read, so
// that the work between two checks is bounded by what one read of at most
// 64 KiB (inflated at most 1:100 for large XLSX parts) takes to process:
// well under a millisecond on a loaded core.
type canceler struct {
	ctx  context.Context
	done <-chan struct{}
}

func newCanceler(ctx context.Context) canceler {
	if ctx == nil {
		ctx = context.Background()
	}
	return canceler{ctx: ctx, done: ctx.Done()}
}

// err returns nil, or the error telling that the context is done.
func (c canceler) err() error {
	select {
	case <-c.done:
		return canceledError(c.ctx)
	default:
		return nil
	}
}

// stopped returns the cancellation error in place of err when the context is
// done: a read cut short by cancellation surfaces as whatever error the
// reader made of it (often ErrMalformed), which must not be reported.
func (c canceler) stopped(err error) error {
	if err == nil || err == io.EOF {
		return err
	}
	if cerr := c.err(); cerr != nil {
		return cerr
	}
	return err
}

// canceledError wraps ctx.Err() (so errors.Is finds context.Canceled or
// context.DeadlineExceeded) and the cause given to context.WithCancelCause,
// when there is one, so that errors.Is finds it too.
func canceledError(ctx context.Context) error {
	err := ctx.Err()
	if cause := context.Cause(ctx); cause != nil && cause != err {
		return fmt.Errorf("sheet: reading stopped: %w: %w", err, cause)
	}
	return fmt.Errorf("sheet: reading stopped: %w", err)
}

// ctxReaderAt is an io.ReaderAt that fails once its context is done.
type ctxReaderAt struct {
	r io.ReaderAt
	c canceler
}

func (r ctxReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if err := r.c.err(); err != nil {
		return 0, err
	}
	return r.r.ReadAt(p, off)
}
