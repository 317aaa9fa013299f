package sheet

import "io"

// aheadReader inflates a zip part on a goroutine of its own, a few buffers
// ahead of the reader, so that inflating (about a third of the work of
// reading a worksheet) runs beside the scanning rather than before it. It
// holds aheadBuffers×aheadBufSize bytes. Read and Close must be called from
// one goroutine; Close stops the inflating goroutine and waits for it (it
// is at most in one Read of the part, which the canceler bounds).
type aheadReader struct {
	rc     io.ReadCloser
	full   chan aheadChunk
	free   chan []byte
	done   chan struct{}
	exited chan struct{}
	cur    []byte // unread bytes of the buffer being read
	buf    []byte // that buffer, returned to free once read
	err    error  // the error that ended the part, once received
	closed bool

	readErr error // the error that ended fill's reading (read once it exited)
}

type aheadChunk struct {
	b   []byte
	err error
}

const (
	aheadBuffers = 4
	aheadBufSize = 128 << 10
)

// newAheadReader starts inflating rc.
func newAheadReader(rc io.ReadCloser) *aheadReader {
	a := &aheadReader{
		rc:     rc,
		full:   make(chan aheadChunk, aheadBuffers),
		free:   make(chan []byte, aheadBuffers),
		done:   make(chan struct{}),
		exited: make(chan struct{}),
	}
	for range aheadBuffers {
		a.free <- make([]byte, aheadBufSize)
	}
	go a.fill()
	return a
}

// fill reads the part into free buffers and hands them on, until the
// part ends, fails, or the reader is closed.
func (a *aheadReader) fill() {
	defer close(a.exited)
	defer func() {
		if r := recover(); r != nil {
			// There is room: the buffer being filled was not handed on.
			a.full <- aheadChunk{err: xlsxErr("inflating the part: %v", r)}
		}
	}()
	for {
		var b []byte
		select {
		case b = <-a.free:
		case <-a.done:
			return
		}
		n, err := 0, error(nil)
		for n < len(b) && err == nil {
			var k int
			k, err = a.rc.Read(b[n:])
			n += k
		}
		if err != nil {
			a.readErr = err
		}
		select {
		case a.full <- aheadChunk{b[:n], err}:
		case <-a.done:
			return
		}
		if err != nil {
			return
		}
	}
}

// Read implements io.Reader.
func (a *aheadReader) Read(p []byte) (int, error) {
	if a.closed {
		return 0, errReaderClosed
	}
	for len(a.cur) == 0 {
		if a.err != nil {
			return 0, a.err
		}
		if a.buf != nil {
			a.free <- a.buf[:cap(a.buf)] // never blocks: there are as many slots as buffers
			a.buf = nil
		}
		c := <-a.full
		a.buf, a.cur, a.err = c.b, c.b, c.err
	}
	n := copy(p, a.cur)
	a.cur = a.cur[n:]
	return n, nil
}

// Close stops the inflating goroutine and closes the part. An error that
// ended the reading ahead is Read's to report, not Close's: the part's
// Close would return it again (a cancelled read, say, that the reader
// never asked for).
func (a *aheadReader) Close() error {
	if a.closed {
		return nil
	}
	a.closed = true
	close(a.done)
	<-a.exited
	err := a.rc.Close()
	if a.readErr != nil {
		return nil
	}
	return err
}
