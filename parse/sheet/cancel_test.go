package sheet

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// slowReaderAt stands for a workbook that takes long to read: each read
// sleeps for delay nanoseconds, as a loaded disk or a huge hostile file
// would make it.
type slowReaderAt struct {
	r     io.ReaderAt
	delay *atomic.Int64
}

func (s slowReaderAt) ReadAt(p []byte, off int64) (int, error) {
	time.Sleep(time.Duration(s.delay.Load()))
	return s.r.ReadAt(p, off)
}

// emptyRowsXLSX is a worksheet of n empty rows and then one row of data
// (issue 12: such a workbook ignored cancellation for 18 s).
func emptyRowsXLSX(tb testing.TB, n int) []byte {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, `<row r="%d"/>`, i)
	}
	fmt.Fprintf(&b, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>last</t></is></c></row>`, n+1, n+1)
	return craftXLSX(tb, b.String(), "", "", false)
}

var errShutdown = errors.New("shutting down")

// TestCancel cancels the reading of hostile workbooks (issue 12 §3: an XLS
// ignored cancellation for 59 s, an XLSX of empty rows for 18 s) while they
// are opened and while their rows are read. The readers check the context
// before every read of the file, so they return within milliseconds; the
// test allows 2 s, as the machine running it may be loaded. The error wraps
// context.Canceled and the cause, and no goroutine is left behind.
func TestCancel(t *testing.T) {
	defer goleak.VerifyNone(t)
	xls := continueFlood(1_000_000)
	xlsx := emptyRowsXLSX(t, 300_000)
	for _, tc := range []struct {
		name string
		open func(context.Context, io.ReaderAt, int64, Options) (Reader, error)
		data []byte
	}{
		{"xls", OpenXLSContext, xls},
		{"xlsx", OpenXLSXContext, xlsx},
	} {
		t.Run(tc.name+"/already canceled", func(t *testing.T) {
			ctx, cancel := context.WithCancelCause(context.Background())
			cancel(errShutdown)
			_, err := tc.open(ctx, bytes.NewReader(tc.data), int64(len(tc.data)), Options{})
			assert.ErrorIs(t, err, context.Canceled)
			assert.ErrorIs(t, err, errShutdown)
		})
		for _, phase := range []string{"opening", "reading rows"} {
			t.Run(tc.name+"/while "+phase, func(t *testing.T) {
				ctx, cancel := context.WithCancelCause(context.Background())
				var delay atomic.Int64
				r := slowReaderAt{bytes.NewReader(tc.data), &delay}
				var (
					rd  Reader
					err error
				)
				if phase == "reading rows" {
					rd, err = tc.open(ctx, r, int64(len(tc.data)), Options{})
					require.NoError(t, err)
				}
				delay.Store(int64(time.Millisecond))
				var stopped atomic.Int64
				timer := time.AfterFunc(50*time.Millisecond, func() {
					stopped.Store(time.Now().UnixNano())
					cancel(errShutdown)
				})
				defer timer.Stop()
				if rd == nil {
					rd, err = tc.open(ctx, r, int64(len(tc.data)), Options{})
				}
				if err == nil {
					_, err = drainErr(rd)
					_, _, again := rd.Next()
					assert.ErrorIs(t, again, context.Canceled, "the error is sticky")
				}
				end := time.Now()
				require.NotZero(t, stopped.Load(), "read before the cancellation")
				assert.Less(t, end.Sub(time.Unix(0, stopped.Load())), 2*time.Second)
				assert.ErrorIs(t, err, context.Canceled)
				assert.ErrorIs(t, err, errShutdown)
			})
		}
	}
}

// drainErr reads every row of r, closes it and returns the number of rows
// read and the error that ended the reading (nil at the end of the sheet).
func drainErr(r Reader) (int, error) {
	defer r.Close()
	n := 0
	for {
		_, _, err := r.Next()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n++
	}
}
