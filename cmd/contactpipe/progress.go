package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/contactpipe/contactpipe"
	"github.com/contactpipe/contactpipe/upload"
)

// progress shows a running import on stderr: on a terminal one status line redrawn in place; in a
// log (stderr not a terminal) a plain line every plainEvery. It is fed by the import's Progress
// callback (rows) and by the uploader (chunks). A hand-written line rather than a progress-bar
// library (mpb and the like): the display is one line with a handful of numbers, it must give way
// cleanly to the summary and to warnings, and tests drive it with their own clock and writer.
type progress struct {
	w     io.Writer
	tty   bool
	size  int64 // input bytes, for % and ETA; ≤ 0 when unknown or meaningless (a spreadsheet's bytes are read out of row order: its declared rows, Progress.TotalRows, say how far it is)
	every time.Duration
	now   func() time.Time

	mu        sync.Mutex // guards everything below and writes to w
	start     time.Time
	rows      contactpipe.Progress
	written   int // chunks handed to the uploader
	uploading int
	landed    int
	failed    int
	inDoubt   int
	status    string // the last chunk's final status ("completed", "written", …)
	lastLine  time.Time
	readAll   time.Duration // when every input byte had been read (text with a known size); 0 before
	drawn     bool          // a status line is on the terminal
	done      bool          // the import ended: nothing more is drawn
}

// plainEvery is how often a plain progress line is printed when stderr is not a terminal.
const plainEvery = 10 * time.Second

func newProgress(w io.Writer, tty bool, size int64) *progress {
	now := time.Now()
	// lastLine: the first plain line comes after plainEvery, so a short run prints none.
	return &progress{w: w, tty: tty, size: size, every: plainEvery, now: time.Now, start: now, lastLine: now}
}

// update takes a snapshot of the import (the Config.Progress callback).
func (p *progress) update(s contactpipe.Progress) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rows = s
	if p.readAll == 0 && p.size > 0 && s.BytesRead >= p.size {
		p.readAll = s.Elapsed
	}
	if s.Done {
		p.clear()
		p.done = true
		return
	}
	p.show()
}

// finish removes the line for good, as the import's last Progress (Done) does.
func (p *progress) finish() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
	p.done = true
}

// clockEvery is how often the display's clock redraws the line (a plain line still comes only
// every plainEvery).
const clockEvery = time.Second

// startClock redraws the line every d until the returned stop is called, so that a long wait (a
// request hanging, a batch being processed) shows the time going by instead of a frozen line.
// stop waits for the clock's goroutine to end; nil p: nothing to stop.
func (p *progress) startClock(d time.Duration) (stop func()) {
	if p == nil {
		return func() {}
	}
	quit, ended := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(ended)
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-t.C:
				p.tick()
			}
		}
	}()
	return func() {
		close(quit)
		<-ended
	}
}

// tick redraws the line with the time now.
func (p *progress) tick() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.show()
}

// chunkStarted records a chunk handed to the uploader.
func (p *progress) chunkStarted() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.written++
	p.uploading++
	p.show()
}

// chunkDone records what became of a chunk.
func (p *progress) chunkDone(res upload.Result, err error) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.uploading--
	switch {
	case res.InDoubt:
		p.inDoubt++
	case err != nil:
		p.failed++
	default:
		p.landed++
	}
	if res.Status != "" {
		p.status = res.Status
	}
	p.show()
}

// readTime is how long the import spent reading the file, as the import measured it (its last
// Progress's ReadTime; the wait on uploads after it is not reading); 0 when unknown.
func (p *progress) readTime() time.Duration {
	if p == nil {
		return 0
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.rows.ReadTime
}

// show draws the line (p.mu held): always on a terminal, at most every p.every otherwise.
func (p *progress) show() {
	if p.done {
		return
	}
	now := p.now()
	if !p.tty {
		if now.Sub(p.lastLine) < p.every {
			return
		}
		p.lastLine = now
		fmt.Fprintf(p.w, "contactpipe: %s\n", p.line(now))
		return
	}
	fmt.Fprintf(p.w, "\r%s\x1b[K", p.line(now))
	p.drawn = true
}

// clear removes the status line from the terminal.
func (p *progress) clear() {
	if p.tty && p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drawn = false
	}
}

// line is the status: rows read (and the share of the input), rows/s, ETA, then the chunks.
func (p *progress) line(now time.Time) string {
	s := p.rows
	var b strings.Builder
	b.WriteString(plural(s.Rows, "row", "rows"))
	elapsed := max(s.Elapsed, now.Sub(p.start)) // the last snapshot's may be old: a wait on uploads
	eta := ""
	frac, share, estimate := -1.0, "", true
	switch {
	case s.ReadTime > 0 && (p.size > 0 || s.TotalRows > 0): // read: the rows are final
		frac = 1
	case p.size > 0 && s.BytesRead > 0:
		frac = min(1, float64(s.BytesRead)/float64(p.size))
	case s.TotalRows > 0:
		// A hint: under 100% until reading has ended, whatever it says; no ETA near or past it.
		frac, share = float64(s.Rows)/float64(s.TotalRows), " of "+strconv.Itoa(s.TotalRows)+" declared"
		if frac >= 0.99 {
			frac, estimate = 0.99, false
		}
	}
	if frac >= 0 {
		fmt.Fprintf(&b, " (%.0f%%%s)", 100*frac, share)
		if estimate && frac > 0 && frac < 1 && elapsed > time.Second {
			eta = fmt.Sprintf(", ETA %s", time.Duration(float64(elapsed)*(1-frac)/frac).Round(time.Second))
		}
	}
	parsing := elapsed // rows/s is over the time spent reading, not waiting on uploads after it
	if p.readAll > 0 && p.readAll < parsing {
		parsing = p.readAll
	}
	if s.ReadTime > 0 {
		parsing = s.ReadTime
	}
	if secs := parsing.Seconds(); secs >= 0.5 && s.Rows > 0 {
		fmt.Fprintf(&b, ", %s rows/s", formatRate(float64(s.Rows)/secs))
	}
	fmt.Fprintf(&b, ", %s%s", elapsed.Round(time.Second), eta)
	if p.written > 0 {
		fmt.Fprintf(&b, "; chunks: %d written, %d uploading, %d landed", p.written, p.uploading, p.landed)
		if p.failed > 0 {
			fmt.Fprintf(&b, ", %d failed", p.failed)
		}
		if p.inDoubt > 0 {
			fmt.Fprintf(&b, ", %d in doubt", p.inDoubt)
		}
		if p.status != "" {
			fmt.Fprintf(&b, " (last: %s)", p.status)
		}
	}
	return b.String()
}

// formatRate prints a rate with a decimal when it is small, so that it never reads "0".
func formatRate(r float64) string {
	if r < 10 {
		return fmt.Sprintf("%.1f", r)
	}
	return fmt.Sprintf("%.0f", r)
}
