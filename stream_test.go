package contactpipe_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/contactpipe/contactpipe"
	"github.com/contactpipe/contactpipe/parse"
	"github.com/contactpipe/contactpipe/upload"
)

// TestContactsSameAsImport: the stream yields every row in order, and what it says of each row is
// what Import makes of it.
func TestContactsSameAsImport(t *testing.T) {
	defer goleak.VerifyNone(t)
	imp := runImport(t, openFile(t, "messy.csv"), contactpipe.Config{})
	require.NoError(t, imp.err)

	var accepted [][]string
	rejected, duplicates := map[int]string{}, map[int]int{}
	next := 2
	for o, err := range contactpipe.Contacts(context.Background(), openFile(t, "messy.csv"), contactpipe.Config{}) {
		require.NoError(t, err)
		assert.Equal(t, next, o.Row, "row order")
		next++
		assert.Len(t, o.Raw, 6, "row %d keeps its cells", o.Row)
		switch {
		case o.Err != nil:
			assert.Nil(t, o.Duplicate)
			rejected[o.Row] = o.Err.Code
		case o.Duplicate != nil:
			duplicates[o.Row] = o.Duplicate.DuplicateOf
			assert.NotEmpty(t, o.Contact.Msisdn+o.Contact.Email, "a duplicate carries its contact")
		default:
			assert.True(t, o.Accepted())
			c := o.Contact
			accepted = append(accepted, []string{c.Msisdn, c.FirstName, c.LastName, c.Country, c.Email})
		}
	}
	assert.Equal(t, 14, next, "every row")
	assert.Equal(t, imp.rejected, rejected)
	assert.Equal(t, imp.duplicates, duplicates)
	assert.Equal(t, imp.chunks, accepted)
}

// TestContactsBackPressure: a stalled loop stalls the parser, and breaking out of the loop stops
// every goroutine.
// TestContactsKeptOutcomesStayValid keeps every outcome of a stream long enough for the
// pipeline's buffers to turn over many times (records and E.164 numbers are kept in shared
// buffers): each outcome still holds its own row's values at the end.
func TestContactsKeptOutcomesStayValid(t *testing.T) {
	defer goleak.VerifyNone(t)
	const n = 20_000
	var sb strings.Builder
	sb.WriteString("First Name,Phone,Email,Country\n")
	for i := range n {
		if i%2 == 0 {
			fmt.Fprintf(&sb, "Ann%d,+1201555%04d,ann%d@example.com,US\n", i, i%10000, i)
		} else {
			fmt.Fprintf(&sb, "Jörg%d,0151 2%07d,jorg%d@example.de,DE\n", i, i, i)
		}
	}
	var kept []contactpipe.Outcome
	for o, err := range contactpipe.Contacts(context.Background(), strings.NewReader(sb.String()), contactpipe.Config{NoDedupe: true}) {
		require.NoError(t, err)
		kept = append(kept, o)
	}
	require.Len(t, kept, n)
	for i, o := range kept {
		require.Nil(t, o.Err, "row %d", o.Row)
		want := []string{fmt.Sprintf("Ann%d", i), fmt.Sprintf("+1201555%04d", i%10000), fmt.Sprintf("ann%d@example.com", i), "US", fmt.Sprintf("+1201555%04d", i%10000)}
		if i%2 == 1 {
			want = []string{fmt.Sprintf("Jörg%d", i), fmt.Sprintf("0151 2%07d", i), fmt.Sprintf("jorg%d@example.de", i), "DE", fmt.Sprintf("+491512%07d", i)}
		}
		assert.Equal(t, want[:4], o.Raw, "row %d", o.Row)
		assert.Equal(t, []string{want[0], want[4], want[2]}, []string{o.Contact.FirstName, o.Contact.Msisdn, o.Contact.Email}, "row %d", o.Row)
	}
}

func TestContactsBackPressure(t *testing.T) {
	defer goleak.VerifyNone(t)
	input := bigCSV(200_000)
	src := &countingReader{r: strings.NewReader(input)}
	n := 0
	for o, err := range contactpipe.Contacts(context.Background(), src, contactpipe.Config{NoDedupe: true}) {
		require.NoError(t, err)
		require.True(t, o.Accepted())
		n++
		if n == 1 {
			time.Sleep(100 * time.Millisecond) // the parser runs ahead only a few batches
			assert.Less(t, src.n.Load(), int64(len(input)/4), "the parser must not run ahead of a stalled loop")
		}
		if n == 10_000 {
			break
		}
	}
	assert.Equal(t, 10_000, n)
}

func TestContactsErrors(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, tt := range []struct {
		name string
		src  string
		cfg  contactpipe.Config
		want error
	}{
		{"bad config", "msisdn\n+12015550123\n", contactpipe.Config{MaxChunkRows: -1}, contactpipe.ErrConfig},
		{"unknown column", "a,b\n1,2\n", contactpipe.Config{NoHeader: true, Columns: []string{"msisdn", "nickname"}}, parse.ErrUnknownField},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var errs []error
			for o, err := range contactpipe.Contacts(context.Background(), strings.NewReader(tt.src), tt.cfg) {
				assert.Zero(t, o.Row)
				errs = append(errs, err)
			}
			require.Len(t, errs, 1, "one error ends the stream")
			assert.ErrorIs(t, errs[0], tt.want)
		})
	}
}

func TestNormalizer(t *testing.T) {
	m, err := parse.MapHeader([]string{"Mobile Phone", "Name"})
	require.NoError(t, err)
	n, err := contactpipe.NewNormalizer("de", m)
	require.NoError(t, err)
	rec := parse.Record{Row: 2}
	rec.Values[parse.Msisdn] = "0151 23456789"
	c, warns, rerr := n.Normalize(&rec)
	require.Nil(t, rerr)
	assert.Empty(t, warns)
	assert.Equal(t, "+4915123456789", c.Msisdn)

	rec.Values[parse.Msisdn] = "12"
	_, _, rerr = n.Normalize(&rec)
	require.NotNil(t, rerr)
	assert.Equal(t, "invalid_phone", rerr.Code)
	assert.Equal(t, "Mobile Phone", rerr.Column, "errors name the source's column")

	_, err = contactpipe.NewNormalizer("Atlantis", m)
	assert.ErrorIs(t, err, contactpipe.ErrConfig)
}

// memSink keeps every batch it acknowledges; it fails the batches in fail.
type memSink struct {
	batches [][]int // rows of each batch
	names   []string
	fail    map[int]error
}

func (s *memSink) Write(ctx context.Context, b contactpipe.Batch) error {
	if err := s.fail[b.Index]; err != nil {
		return err
	}
	s.batches = append(s.batches, append([]int(nil), b.Rows...))
	for _, c := range b.Contacts {
		s.names = append(s.names, c.FirstName)
	}
	return nil
}

func TestImportToSink(t *testing.T) {
	defer goleak.VerifyNone(t)
	sink := &memSink{}
	rep, err := contactpipe.ImportTo(context.Background(), strings.NewReader(bigCSV(2500)), contactpipe.Config{MaxChunkRows: 1000, NoDedupe: true}, sink)
	require.NoError(t, err)
	checkInvariant(t, rep)
	assert.Equal(t, contactpipe.StatusCompleted, rep.Status)
	assert.Equal(t, 2500, rep.Landed)
	require.Len(t, sink.batches, 3)
	assert.Len(t, sink.batches[0], 1000)
	assert.Len(t, sink.batches[2], 500)
	assert.Equal(t, 2, sink.batches[0][0], "rows in order, the first data row is row 2")
	for i, name := range sink.names {
		if name != fmt.Sprint("First", i) {
			t.Fatalf("contact %d out of order: %s", i, name)
		}
	}
	for _, c := range rep.Chunks {
		assert.Equal(t, "sink", c.Target)
	}
}

func TestImportToSinkBytes(t *testing.T) {
	sink := &memSink{}
	rep, err := contactpipe.ImportTo(context.Background(), strings.NewReader(bigCSV(1000)), contactpipe.Config{MaxChunkBytes: 4 << 10, NoDedupe: true}, sink)
	require.NoError(t, err)
	checkInvariant(t, rep)
	assert.Greater(t, len(rep.Chunks), 10)
	for _, c := range rep.Chunks {
		assert.LessOrEqual(t, c.Bytes, int64(4<<10))
	}
}

func TestImportToSinkFailures(t *testing.T) {
	defer goleak.VerifyNone(t)
	apiErr := &upload.APIError{Status: 500, Message: "database down"}
	sink := &memSink{fail: map[int]error{2: apiErr}}
	rep, err := contactpipe.ImportTo(context.Background(), strings.NewReader(bigCSV(2500)), contactpipe.Config{MaxChunkRows: 1000, NoDedupe: true}, sink)
	require.ErrorIs(t, err, contactpipe.ErrNotLanded)
	var got *upload.APIError
	require.ErrorAs(t, err, &got, "the batch's error is joined")
	assert.Equal(t, "database down", got.Message)
	checkInvariant(t, rep)
	assert.Equal(t, contactpipe.StatusFailed, rep.Status)
	assert.Equal(t, 1500, rep.Landed)
	assert.NotEmpty(t, rep.Chunks[1].Error)

	stop := &memSink{fail: map[int]error{1: fmt.Errorf("no connection: %w", upload.ErrStopImport)}}
	rep, err = contactpipe.ImportTo(context.Background(), strings.NewReader(bigCSV(5000)), contactpipe.Config{MaxChunkRows: 1000, NoDedupe: true}, stop)
	require.ErrorIs(t, err, upload.ErrStopImport)
	checkInvariant(t, rep)
	assert.Empty(t, stop.batches)
	assert.Less(t, rep.Rows, 5000)

	_, err = contactpipe.ImportTo(context.Background(), strings.NewReader(bigCSV(1)), contactpipe.Config{}, nil)
	assert.ErrorIs(t, err, contactpipe.ErrConfig)
	var nilSink *memSink
	_, err = contactpipe.ImportTo(context.Background(), strings.NewReader(bigCSV(1)), contactpipe.Config{}, nilSink)
	assert.ErrorIs(t, err, contactpipe.ErrConfig)
}

// TestImportInvalidFieldDrop: a bad phone beside a good e-mail rejects the row by default; with
// InvalidField "drop" the row is accepted without the phone, and the phone is a warning.
func TestImportInvalidFieldDrop(t *testing.T) {
	src := "Name,Phone,Email,Country\nAnn Lee,12,ann@example.com,US\nBo Chen,12,,US\nCy Wu,+12015550123,not-an-email,Atlantis\nDi Ma,+12015550124,di@example.com,US\n"
	r := runImport(t, strings.NewReader(src), contactpipe.Config{})
	require.NoError(t, r.err)
	assert.Equal(t, map[int]string{2: "invalid_phone", 3: "invalid_phone", 4: "invalid_country"}, r.rejected)

	var warns []contactpipe.Warning
	r = runImport(t, strings.NewReader(src), contactpipe.Config{InvalidField: contactpipe.InvalidFieldDrop, OnWarning: func(w contactpipe.Warning) { warns = append(warns, w) }})
	require.NoError(t, r.err)
	assert.Equal(t, map[int]string{3: "invalid_phone"}, r.rejected, "a row whose only address is invalid is still rejected, for that address")
	assert.Equal(t, [][]string{
		{"", "Ann", "Lee", "US", "ann@example.com"},
		{"+12015550123", "Cy", "Wu", "", ""},
		{"+12015550124", "Di", "Ma", "US", "di@example.com"},
	}, r.chunks)
	require.Len(t, warns, 3)
	assert.Equal(t, contactpipe.Warning{Row: 2, Column: "Phone", Field: "msisdn", Value: "12", Code: "invalid_phone", Err: warns[0].Err}, warns[0])
	assert.Equal(t, []string{"Country", "Email"}, []string{warns[1].Column, warns[2].Column})
	assert.Equal(t, 3, r.rep.Warnings)

	_, err := contactpipe.Import(context.Background(), strings.NewReader(src), contactpipe.Config{WorkDir: t.TempDir(), InvalidField: "ignore"})
	assert.ErrorIs(t, err, contactpipe.ErrConfig)
}

// TestImportDryRun: a dry run counts every row and cuts the chunks as a real run does, and
// writes nothing.
func TestImportDryRun(t *testing.T) {
	src := bigCSV(3000) + "+12015550000,Dup,Row,dup@example.com\nbad,Bad,Row,\n"
	real := runImport(t, strings.NewReader(src), contactpipe.Config{MaxChunkBytes: 16 << 10})
	require.NoError(t, real.err)
	work := t.TempDir()
	rep, err := contactpipe.Import(context.Background(), strings.NewReader(src), contactpipe.Config{MaxChunkBytes: 16 << 10, DryRun: true, WorkDir: work})
	require.NoError(t, err)
	assert.Equal(t, [4]int{real.rep.Rows, real.rep.Accepted, real.rep.Rejected, real.rep.Duplicates}, [4]int{rep.Rows, rep.Accepted, rep.Rejected, rep.Duplicates})
	require.Equal(t, len(real.rep.Chunks), len(rep.Chunks))
	for i, c := range rep.Chunks {
		assert.Equal(t, real.rep.Chunks[i].Rows, c.Rows)
		assert.Equal(t, real.rep.Chunks[i].Bytes, c.Bytes)
		assert.Equal(t, "dry-run", c.Status)
	}
	assert.Zero(t, rep.Landed)
	assert.Empty(t, mustReadDir(t, work), "nothing written")
	// A dry run writes nothing to a Sink either.
	sink := &memSink{}
	rep, err = contactpipe.ImportTo(context.Background(), strings.NewReader(src), contactpipe.Config{DryRun: true}, sink)
	require.NoError(t, err)
	assert.Equal(t, real.rep.Accepted, rep.Accepted)
	assert.Empty(t, sink.batches)
	// No WorkDir and no Uploader is fine for a dry run.
	_, err = contactpipe.Import(context.Background(), strings.NewReader(src), contactpipe.Config{DryRun: true})
	require.NoError(t, err)
}

// TestImportReportsHowTheFileWasRead: report.json says the encoding, delimiter and sheet read,
// and how each column was mapped.
func TestImportReportsHowTheFileWasRead(t *testing.T) {
	src := "Vorname;Telefon;Notiz;Land\nJürgen;+49 151 23456789;x;DE\n"
	r := runImport(t, strings.NewReader(src), contactpipe.Config{ColumnMap: map[string]string{"Telefon": "msisdn"}})
	require.NoError(t, r.err)
	assert.Equal(t, "utf-8", r.rep.Encoding)
	assert.Equal(t, ";", r.rep.Delimiter)
	assert.Empty(t, r.rep.Sheet)
	details := map[string]contactpipe.ColumnDetail{}
	for _, d := range r.rep.ColumnDetails {
		details[d.Column] = d
	}
	assert.Equal(t, contactpipe.ColumnDetail{Column: "Telefon", Field: "msisdn", Method: "map", Status: "mapped"}, details["Telefon"])
	assert.Equal(t, "alias", details["Vorname"].Method)
	assert.Equal(t, "ignored", details["Notiz"].Status)
	assert.Equal(t, "msisdn", r.rep.Columns["Telefon"], "the columns map keeps its shape")

	xlsx := runImport(t, openFile(t, "contacts.xlsx"), contactpipe.Config{Sheet: "Contacts"})
	require.NoError(t, xlsx.err)
	assert.Equal(t, "Contacts", xlsx.rep.Sheet)
	assert.Empty(t, xlsx.rep.Delimiter)

	_, err := contactpipe.Import(context.Background(), strings.NewReader(src), contactpipe.Config{WorkDir: t.TempDir(), StrictColumns: true})
	assert.ErrorIs(t, err, contactpipe.ErrConfig, "an ignored column refuses the file under StrictColumns")
	_, err = contactpipe.Import(context.Background(), strings.NewReader(src), contactpipe.Config{WorkDir: t.TempDir(), ColumnMap: map[string]string{"Handy": "msisdn"}})
	assert.ErrorIs(t, err, contactpipe.ErrConfig, "a ColumnMap naming no column")
	_, err = contactpipe.Import(context.Background(), strings.NewReader("Notiz,Info\nx,y\n"), contactpipe.Config{WorkDir: t.TempDir()})
	assert.ErrorIs(t, err, parse.ErrNoAddressColumn)
	assert.ErrorIs(t, err, contactpipe.ErrConfig)
}

// flakySink fails each batch's first failures Writes, then acknowledges it.
type flakySink struct {
	failures int
	tries    map[int]int
}

func (s *flakySink) Write(ctx context.Context, b contactpipe.Batch) error {
	s.tries[b.Index]++
	if s.tries[b.Index] <= s.failures {
		return fmt.Errorf("database busy (try %d)", s.tries[b.Index])
	}
	return nil
}

func TestImportToSinkRetry(t *testing.T) {
	defer goleak.VerifyNone(t)
	policy := &upload.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}
	sink := &flakySink{failures: 2, tries: map[int]int{}}
	rep, err := contactpipe.ImportTo(context.Background(), strings.NewReader(bigCSV(2500)), contactpipe.Config{MaxChunkRows: 1000, NoDedupe: true, SinkRetry: policy}, sink)
	require.NoError(t, err)
	assert.Equal(t, 2500, rep.Landed)
	for _, c := range rep.Chunks {
		assert.Equal(t, 3, c.Attempts, "batch %d", c.Index)
	}

	sink = &flakySink{failures: 3, tries: map[int]int{}}
	rep, err = contactpipe.ImportTo(context.Background(), strings.NewReader(bigCSV(1500)), contactpipe.Config{MaxChunkRows: 1000, NoDedupe: true, SinkRetry: policy}, sink)
	require.ErrorIs(t, err, contactpipe.ErrNotLanded)
	assert.Contains(t, err.Error(), "database busy (try 3)")
	assert.Zero(t, rep.Landed)
	assert.Equal(t, map[int]int{1: 3, 2: 3}, sink.tries, "MaxAttempts tries per batch")

	sink = &flakySink{failures: 1, tries: map[int]int{}}
	_, err = contactpipe.ImportTo(context.Background(), strings.NewReader(bigCSV(10)), contactpipe.Config{NoDedupe: true}, sink)
	require.Error(t, err, "no SinkRetry: no retry")
	assert.Equal(t, map[int]int{1: 1}, sink.tries)
}
