package contactpipe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
)

// Outcome is what became of one row of the source: an accepted contact, a rejected row, or a
// duplicate of an earlier row.
type Outcome struct {
	Row int      // 1-based row as a spreadsheet shows it (the header is row 1)
	Raw []string // the row's original cells (shared with nothing else: the caller may keep it)
	// Contact is the row as a canonical contact: set for an accepted row and for a duplicate.
	Contact Contact
	// Err says why the row is rejected; nil when it is not.
	Err *RowError
	// Duplicate says which earlier row holds one of the row's addresses; nil when it is not a
	// duplicate.
	Duplicate *Duplicate
	// Warnings are the invalid values dropped from the row (Config.InvalidField "drop").
	Warnings []Warning
}

// Accepted reports whether the row is accepted: neither rejected nor a duplicate.
func (o *Outcome) Accepted() bool { return o.Err == nil && o.Duplicate == nil }

// Contacts reads contacts from src and yields what became of each row, in row order: the
// pipeline Import runs — parse, normalize and validate on every core, dedupe in row order —
// without chunk files or uploads, for a program that wants the contacts as Go values:
//
//	for o, err := range contactpipe.Contacts(ctx, src, cfg) {
//		if err != nil { … }          // fatal: the last value yielded
//		if o.Accepted() { save(o.Contact) }
//	}
//
// A fatal error (a config error wrapping ErrConfig, an unreadable file, a cancelled ctx, a
// Deduper failure) is yielded once, with a zero Outcome, and ends the sequence. The stream has
// back-pressure: rows are parsed only a few batches ahead of the loop, so a slow loop slows the
// parsing and memory stays bounded. Breaking out of the loop stops every goroutine the stream
// started before the loop ends (for a source blocked in Read, see Import). The fields of cfg
// about chunks, uploads, progress and the OnRejected and OnDuplicate callbacks are not used;
// the dedupe compares every kind of address.
func Contacts(ctx context.Context, src io.Reader, cfg Config) iter.Seq2[Outcome, error] {
	return func(yield func(Outcome, error) bool) {
		if err := cfg.check(false); err != nil {
			yield(Outcome{}, err)
			return
		}
		if isNil(src) {
			yield(Outcome{}, fmt.Errorf("contactpipe: %w: no source to read", ErrConfig))
			return
		}
		cfg = cfg.withDefaults()
		e, err := openEngine(ctx, src, cfg)
		if err != nil {
			yield(Outcome{}, err)
			return
		}
		errBreak := errors.New("the loop broke")
		err = e.run(ctx, func(b *batch) error {
			for i := range b.recs {
				rec, r := &b.recs[i], &b.outs[i]
				o := Outcome{Row: rec.Row, Raw: rec.Raw, Contact: r.contact, Err: r.err, Warnings: r.warns}
				if r.dup {
					d := e.duplicate(b, i)
					o.Duplicate = &d
				}
				if !yield(o, nil) {
					return errBreak
				}
			}
			return nil
		})
		switch {
		case err == errBreak:
		case ctx.Err() != nil:
			yield(Outcome{}, ctxError(ctx))
		case err != nil:
			yield(Outcome{}, err)
		}
	}
}
