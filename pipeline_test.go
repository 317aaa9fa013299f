package contactpipe_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/contactpipe/contactpipe"
	"github.com/contactpipe/contactpipe/parse"
	"github.com/contactpipe/contactpipe/upload"
)

// result is what an import did with each row.
type result struct {
	rep        contactpipe.Report
	err        error
	chunks     [][]string // every chunk's rows (header excluded), in order
	headers    [][]string
	rejected   map[int]string // row → code
	duplicates map[int]int    // row → duplicate of
	rejections []contactpipe.Rejected
}

func runImport(t *testing.T, src io.Reader, cfg contactpipe.Config) result {
	t.Helper()
	dir := t.TempDir()
	cfg.WorkDir = dir
	r := result{rejected: map[int]string{}, duplicates: map[int]int{}}
	cfg.OnRejected = func(rj contactpipe.Rejected) {
		_, seen := r.rejected[rj.Err.Row]
		assert.False(t, seen, "row %d rejected twice", rj.Err.Row)
		r.rejected[rj.Err.Row] = rj.Err.Code
		r.rejections = append(r.rejections, rj)
	}
	cfg.OnDuplicate = func(d contactpipe.Duplicate) { r.duplicates[d.Row] = d.DuplicateOf }
	r.rep, r.err = contactpipe.Import(context.Background(), src, cfg)
	for _, c := range r.rep.Chunks {
		data, err := os.ReadFile(filepath.Join(dir, c.File))
		require.NoError(t, err)
		assert.EqualValues(t, len(data), c.Bytes, "chunk %d size", c.Index)
		recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
		require.NoError(t, err)
		r.headers = append(r.headers, recs[0])
		r.chunks = append(r.chunks, recs[1:]...)
	}
	checkInvariant(t, r.rep)
	return r
}

// checkInvariant asserts that the report accounts for every row.
func checkInvariant(t *testing.T, rep contactpipe.Report) {
	t.Helper()
	assert.Equal(t, rep.Rows, rep.Accepted+rep.Rejected+rep.Duplicates, "rows = accepted + rejected + duplicates")
	sum := 0
	for _, c := range rep.Chunks {
		sum += c.Rows
	}
	assert.Equal(t, rep.Accepted, sum, "chunk rows add up to accepted")
	reasons := 0
	for code, n := range rep.RejectReasons {
		if code != contactpipe.CodeServerRejected {
			reasons += n
		}
	}
	assert.Equal(t, rep.Rejected, reasons, "reject reasons add up to rejected")
}

func openFile(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	require.NoError(t, err)
	t.Cleanup(func() { f.Close() })
	return f
}

var wantContacts = [][]string{
	// msisdn, firstName, lastName, externalId, country, email
	{"+12015550123", "Ann", "Lee", "crm-001", "US", "ann.lee@example.com"},
	{"+5511961234567", "Bruno", "Silva", "crm-002", "BR", "bruno@example.com.br"},
	{"+33612345678", "Chloé", "Martin", "crm-003", "FR", "chloe.martin@example.fr"},
	{"+4915123456789", "Dieter", "Müller", "crm-004", "DE", "dieter@example.de"},
	{"+447911123456", "Emma", "Smith", "crm-005", "GB", "emma.smith@example.co.uk"},
	{"+923001234567", "Farah", "Khan", "crm-006", "PK", "farah@example.pk"},
	{"+8613800138000", "Gao", "Wei", "crm-007", "CN", "gao.wei@example.cn"},
	{"+819012345678", "Hiro", "Tanaka", "crm-008", "JP", "hiro@example.jp"},
	{"+34612345678", "Isabel", "García", "crm-009", "ES", "isabel@example.es"},
	// Row 11, Jon's 16502530000 without a country, is refused: it could be
	// +1 650 253 0000 or a national number elsewhere (a Chinese mobile).
}

func TestImportContactsCSV(t *testing.T) {
	r := runImport(t, openFile(t, "contacts.csv"), contactpipe.Config{Source: "contacts.csv"})
	require.NoError(t, r.err)
	assert.Equal(t, 10, r.rep.Rows)
	assert.Equal(t, 9, r.rep.Accepted)
	assert.Equal(t, map[int]string{11: "phone_needs_country"}, r.rejected)
	assert.Equal(t, "csv", r.rep.Format)
	assert.Equal(t, 9, r.rep.Landed)
	require.Len(t, r.headers, 1)
	assert.Equal(t, []string{"msisdn", "firstName", "lastName", "externalId", "country", "email"}, r.headers[0])
	assert.Equal(t, wantContacts, r.chunks)
	assert.Equal(t, map[string]string{
		"First Name": "firstName", "Last Name": "lastName", "Phone": "msisdn", "E-mail": "email", "Country": "country", "External ID": "externalId",
	}, r.rep.Columns)
	assert.Empty(t, r.rep.IgnoredColumns)
}

func TestImportHeaderlessCSV(t *testing.T) {
	r := runImport(t, openFile(t, "contacts-noheader.csv"), contactpipe.Config{
		NoHeader: true, Columns: []string{"msisdn", "firstName", "lastName", "email", "country"},
	})
	require.NoError(t, r.err)
	assert.Equal(t, 5, r.rep.Accepted)
	assert.Equal(t, []string{"msisdn", "firstName", "lastName", "country", "email"}, r.headers[0])
	var want [][]string
	for _, c := range wantContacts[:5] {
		want = append(want, []string{c[0], c[1], c[2], c[4], c[5]})
	}
	assert.Equal(t, want, r.chunks)
}

func TestImportHeaderlessNeedsColumns(t *testing.T) {
	_, err := contactpipe.Import(context.Background(), strings.NewReader("+12015550123,Ann\n"), contactpipe.Config{NoHeader: true, WorkDir: t.TempDir()})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "columns")
	assert.ErrorIs(t, err, contactpipe.ErrConfig)
	_, err = contactpipe.Import(context.Background(), strings.NewReader("+12015550123,Ann\n"), contactpipe.Config{NoHeader: true, Columns: []string{"msisdn", "nickname"}, WorkDir: t.TempDir()})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "nickname")
	assert.ErrorIs(t, err, contactpipe.ErrConfig)
	assert.ErrorIs(t, err, parse.ErrUnknownField)
}

// TestImportSpreadsheetsSameAsCSV: the same contacts as XLSX (excelize) and XLS (xlwt) give the
// same chunks as the CSV.
func TestImportSpreadsheetsSameAsCSV(t *testing.T) {
	csvRes := runImport(t, openFile(t, "contacts.csv"), contactpipe.Config{})
	for _, tt := range []struct{ file, format string }{{"contacts.xlsx", "xlsx"}, {"contacts.xls", "xls"}} {
		t.Run(tt.format, func(t *testing.T) {
			r := runImport(t, openFile(t, tt.file), contactpipe.Config{})
			require.NoError(t, r.err)
			assert.Equal(t, tt.format, r.rep.Format)
			assert.Equal(t, csvRes.headers, r.headers)
			assert.Equal(t, csvRes.chunks, r.chunks)
		})
	}
}

func TestImportMessy(t *testing.T) {
	r := runImport(t, openFile(t, "messy.csv"), contactpipe.Config{})
	require.NoError(t, r.err)
	assert.Equal(t, 12, r.rep.Rows)
	assert.Equal(t, map[int]int{3: 2, 4: 2, 11: 10}, r.duplicates)
	assert.Equal(t, map[int]string{
		5:  "no_address",
		6:  "invalid_phone",
		7:  "invalid_email",
		8:  "phone_needs_country",
		9:  "invalid_country",
		12: "no_address",
	}, r.rejected)
	assert.Equal(t, []string{"+12015550123", "+4915123456789", "+61412345678"}, column(r.chunks, 0))
	assert.Equal(t, []string{"nickname"}, r.rep.IgnoredColumns)
	assert.Equal(t, map[string]int{"no_address": 2, "invalid_phone": 1, "phone_needs_country": 1, "invalid_email": 1, "invalid_country": 1}, r.rep.RejectReasons)
	for _, rj := range r.rejections {
		assert.Len(t, rj.Raw, 6, "row %d keeps its original cells", rj.Err.Row)
		assert.Equal(t, []string{"firstName", "lastName", "msisdn", "email", "country", "nickname"}, rj.Header)
	}
}

func TestImportNoDedupe(t *testing.T) {
	r := runImport(t, openFile(t, "messy.csv"), contactpipe.Config{NoDedupe: true})
	require.NoError(t, r.err)
	assert.Empty(t, r.duplicates)
	assert.Equal(t, 6, r.rep.Accepted)
}

func TestImportDefaultCountry(t *testing.T) {
	src := "phone,name\n020 7946 0958,Fay\n"
	r := runImport(t, strings.NewReader(src), contactpipe.Config{DefaultCountry: "gb"})
	require.NoError(t, r.err)
	assert.Equal(t, [][]string{{"+442079460958", "Fay", ""}}, r.chunks, "name is split into firstName and lastName")
	r = runImport(t, strings.NewReader(src), contactpipe.Config{})
	require.NoError(t, r.err)
	assert.Equal(t, map[int]string{2: "phone_needs_country"}, r.rejected)
}

func column(rows [][]string, i int) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r[i])
	}
	return out
}

// bigCSV generates n distinct valid rows.
func bigCSV(n int) string {
	var b strings.Builder
	b.WriteString("msisdn,firstName,lastName,email\n")
	for i := range n {
		fmt.Fprintf(&b, "+1201555%04d,First%d,Last%d,user%d@example.com\n", i%10000, i, i, i)
	}
	return b.String()
}

func TestImportChunksPackedInOrder(t *testing.T) {
	const n = 30_000
	r := runImport(t, strings.NewReader(bigCSV(n)), contactpipe.Config{MaxChunkBytes: 64 << 10, NoDedupe: true})
	require.NoError(t, r.err)
	require.Equal(t, n, r.rep.Accepted)
	assert.Greater(t, len(r.rep.Chunks), 10)
	for i, c := range r.rep.Chunks {
		assert.Equal(t, i+1, c.Index)
		assert.Equal(t, upload.ChunkFileName(i+1), c.File)
		assert.LessOrEqual(t, c.Bytes, int64(64<<10))
		if i+1 < len(r.rep.Chunks) {
			// the next row (~50 bytes) would not have fit
			assert.Greater(t, c.Bytes, int64(64<<10)-80, "chunk %d is packed", c.Index)
		}
	}
	for i, row := range r.chunks {
		if row[1] != fmt.Sprint("First", i) {
			t.Fatalf("row %d out of order: %v", i, row)
		}
	}
}

// blockingUploader holds every chunk until release is closed.
type blockingUploader struct {
	started chan struct{}
	once    sync.Once
	release chan struct{}
	calls   atomic.Int32
}

func (u *blockingUploader) Upload(ctx context.Context, c upload.Chunk) (upload.Result, error) {
	u.calls.Add(1)
	u.once.Do(func() { close(u.started) })
	select {
	case <-u.release:
		os.Remove(c.Path)
		return upload.Result{Target: "test", Landed: c.Rows}, nil
	case <-ctx.Done():
		os.Remove(c.Path)
		return upload.Result{Target: "test"}, ctx.Err()
	}
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

func TestImportCancelNoLeaks(t *testing.T) {
	defer goleak.VerifyNone(t)
	input := bigCSV(200_000)
	src := &countingReader{r: strings.NewReader(input)}
	up := &blockingUploader{started: make(chan struct{}), release: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	dir := t.TempDir()
	done := make(chan error, 1)
	var rep contactpipe.Report
	go func() {
		var err error
		rep, err = contactpipe.Import(ctx, src, contactpipe.Config{Uploader: up, WorkDir: dir, MaxChunkBytes: 32 << 10, NoDedupe: true, UploadConcurrency: 2})
		done <- err
	}()
	<-up.started
	// Back-pressure: with the uploader stuck, the reader stops far short of the end of the input.
	time.Sleep(100 * time.Millisecond)
	read := src.n.Load()
	assert.Less(t, read, int64(len(input)/2), "the parser must not run ahead of a stuck uploader")
	cancel()
	select {
	case err := <-done:
		assert.ErrorIs(t, err, context.Canceled)
	case <-time.After(10 * time.Second):
		t.Fatal("Import did not return after cancel")
	}
	checkInvariant(t, rep)
	left, _ := filepath.Glob(filepath.Join(dir, "*"))
	assert.Empty(t, left, "unfinished chunk files are removed")
}

// failingUploader fails chunks whose index is in fail; with stop, the error stops the import.
type failingUploader struct {
	fail map[int]bool
	stop bool
}

func (u failingUploader) Upload(ctx context.Context, c upload.Chunk) (upload.Result, error) {
	defer os.Remove(c.Path)
	if u.fail[c.Index] {
		if u.stop {
			return upload.Result{Target: "test"}, fmt.Errorf("key refused: %w", upload.ErrStopImport)
		}
		return upload.Result{Target: "test"}, errors.New("bad chunk")
	}
	return upload.Result{Target: "test", Landed: c.Rows}, nil
}

func TestImportChunkFailure(t *testing.T) {
	cfg := contactpipe.Config{Uploader: failingUploader{fail: map[int]bool{2: true}}, WorkDir: t.TempDir(), MaxChunkBytes: 4 << 10, NoDedupe: true}
	rep, err := contactpipe.Import(context.Background(), strings.NewReader(bigCSV(1000)), cfg)
	require.ErrorIs(t, err, contactpipe.ErrNotLanded)
	checkInvariant(t, rep)
	assert.Equal(t, 1000, rep.Accepted)
	assert.Equal(t, "bad chunk", rep.Chunks[1].Error)
	assert.Equal(t, rep.Accepted-rep.Chunks[1].Rows, rep.Landed)
}

func TestImportStopError(t *testing.T) {
	defer goleak.VerifyNone(t)
	dir := t.TempDir()
	cfg := contactpipe.Config{Uploader: failingUploader{fail: map[int]bool{1: true}, stop: true}, WorkDir: dir, MaxChunkBytes: 4 << 10, NoDedupe: true}
	rep, err := contactpipe.Import(context.Background(), strings.NewReader(bigCSV(20_000)), cfg)
	require.ErrorIs(t, err, upload.ErrStopImport)
	checkInvariant(t, rep)
	left, _ := filepath.Glob(filepath.Join(dir, "*"))
	assert.Empty(t, left)
}

func TestImportBadConfig(t *testing.T) {
	for _, cfg := range []contactpipe.Config{
		{Groups: []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}},
		{Groups: []int{0}},
		{DefaultCountry: "Atlantis"},
	} {
		_, err := contactpipe.Import(context.Background(), strings.NewReader("msisdn\n+12015550123\n"), cfg)
		assert.ErrorIs(t, err, contactpipe.ErrConfig, "%+v", cfg)
	}
}

func TestImportProgress(t *testing.T) {
	var calls []contactpipe.Progress
	r := runImport(t, strings.NewReader(bigCSV(5000)), contactpipe.Config{
		NoDedupe: true, ProgressEvery: time.Nanosecond,
		Progress: func(p contactpipe.Progress) { calls = append(calls, p) },
	})
	require.NoError(t, r.err)
	require.NotEmpty(t, calls)
	last := calls[len(calls)-1]
	assert.True(t, last.Done)
	assert.Equal(t, 5000, last.Rows)
	assert.True(t, slices.IsSortedFunc(calls, func(a, b contactpipe.Progress) int { return a.Rows - b.Rows }))
}

// slowUploader takes at least delay per chunk.
type slowUploader struct{ delay time.Duration }

func (u slowUploader) Upload(ctx context.Context, c upload.Chunk) (upload.Result, error) {
	time.Sleep(u.delay)
	os.Remove(c.Path)
	return upload.Result{Target: "test", Landed: c.Rows}, nil
}

func TestImportReportsDuration(t *testing.T) {
	rep, err := contactpipe.Import(context.Background(), strings.NewReader(bigCSV(10)), contactpipe.Config{Uploader: slowUploader{20 * time.Millisecond}, WorkDir: t.TempDir()})
	require.NoError(t, err)
	assert.GreaterOrEqual(t, rep.DurationMs, int64(20))
}

// firstCallUploader records how much of the input had been read when the first chunk arrived.
type firstCallUploader struct {
	src       *countingReader
	once      sync.Once
	readAtOne int64
}

func (u *firstCallUploader) Upload(ctx context.Context, c upload.Chunk) (upload.Result, error) {
	u.once.Do(func() { u.readAtOne = u.src.n.Load() })
	os.Remove(c.Path)
	return upload.Result{Target: "test", Landed: c.Rows}, nil
}

func TestImportUploadOverlapsParsing(t *testing.T) {
	input := bigCSV(100_000)
	src := &countingReader{r: strings.NewReader(input)}
	up := &firstCallUploader{src: src}
	rep, err := contactpipe.Import(context.Background(), src, contactpipe.Config{Uploader: up, WorkDir: t.TempDir(), MaxChunkBytes: 256 << 10, NoDedupe: true})
	require.NoError(t, err)
	require.Greater(t, len(rep.Chunks), 10)
	assert.Less(t, up.readAtOne, int64(len(input)/2), "the first chunk is uploaded while the file is still being read")
}

// steadyStateCSV is n valid, distinct rows: E.164 and national phones, plain emails, alpha-2
// countries.
func steadyStateCSV(n int) string {
	var sb strings.Builder
	sb.WriteString("First Name,Last Name,Phone,Email,Country\n")
	for i := range n {
		if i%2 == 0 {
			fmt.Fprintf(&sb, "Ann%d,Lee,+1201555%04d,ann%d@example.com,US\n", i, i%10000, i)
		} else {
			fmt.Fprintf(&sb, "Jörg%d,Müller,0151 2%07d,jorg%d@example.de,DE\n", i, i, i)
		}
	}
	return sb.String()
}

// TestImportSteadyStateAllocs holds issue 15's bound on the heap allocations of an import once
// the phone tables are built: at most 1.5 per accepted row, the whole pipeline counted (parse,
// normalize, validate, chunk files, upload). A count, not a timing: it does not depend on the
// machine's load.
func TestImportSteadyStateAllocs(t *testing.T) {
	const n = 20_000
	data := steadyStateCSV(n)
	cfg := contactpipe.Config{WorkDir: t.TempDir(), Uploader: discardUploader{}, NoDedupe: true}
	run := func() {
		rep, err := contactpipe.Import(context.Background(), strings.NewReader(data), cfg)
		require.NoError(t, err)
		require.Equal(t, n, rep.Accepted)
	}
	run() // the phone tables, the region's metadata
	perRow := testing.AllocsPerRun(3, run) / n
	t.Logf("%.3f allocations per accepted row", perRow)
	assert.LessOrEqual(t, perRow, 1.5)
}

// BenchmarkImportSteadyState imports valid, distinct rows (steadyStateCSV) after a warm-up
// import, and reports rows/s and heap allocations per accepted row: what the pipeline costs per
// row once the phone tables are built.
func BenchmarkImportSteadyState(b *testing.B) {
	const n = 50_000
	data := steadyStateCSV(n)
	dir := b.TempDir()
	cfg := contactpipe.Config{WorkDir: dir, Uploader: discardUploader{}, NoDedupe: true}
	if _, err := contactpipe.Import(context.Background(), strings.NewReader(data), cfg); err != nil {
		b.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	rows := 0
	for b.Loop() {
		rep, err := contactpipe.Import(context.Background(), strings.NewReader(data), cfg)
		if err != nil {
			b.Fatal(err)
		}
		if rep.Accepted != n {
			b.Fatalf("accepted %d of %d", rep.Accepted, n)
		}
		rows += rep.Accepted
	}
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(rows), "allocs/row")
	b.SetBytes(int64(len(data)))
}

// discardUploader removes each chunk: it lands nowhere.
type discardUploader struct{}

func (discardUploader) Upload(ctx context.Context, c upload.Chunk) (upload.Result, error) {
	os.Remove(c.Path)
	return upload.Result{Target: "discard", Landed: c.Rows}, nil
}

// koreLike writes chunks to a directory with Kore.ai's columns, and requires a phone.
type koreLike struct{ upload.Dir }

func (koreLike) Columns() []string {
	return []string{"firstName", "lastName", "salutation", "cellPhoneNumber", "cellPhoneCountryCode", "cellPhoneExtension"}
}
func (koreLike) Required() []string { return []string{"msisdn"} }

func TestImportRejectReasons(t *testing.T) {
	src := "First Name,externalId,lineId,Phone\n" +
		strings.Repeat("x", 201) + ",,,+12015550123\n" + // 2
		"Ann," + strings.Repeat("e", 51) + ",,+12015550124\n" + // 3
		"Bo,,,4.47911E+11\n" + // 4: Excel rounded the number
		"Cy,,,+12015550125,cy@example.com\n" + // 5: a fifth, non-empty field
		"Di,," + strings.Repeat("l", 129) + ",\n" + // 6
		"Ed,,,+12015550126\n" // 7
	r := runImport(t, strings.NewReader(src), contactpipe.Config{})
	require.NoError(t, r.err)
	assert.Equal(t, map[int]string{
		2: "name_too_long", 3: "external_id_too_long", 4: "phone_truncated_by_excel", 5: "extra_fields", 6: "chat_id_too_long",
	}, r.rejected)
	assert.Equal(t, 1, r.rep.Accepted)
	for _, rj := range r.rejections {
		switch rj.Err.Row {
		case 2:
			assert.Equal(t, "First Name", rj.Err.Column, "the source column is named")
		case 4:
			assert.Contains(t, rj.Err.Error(), "text", "the message says to format the column as text")
		}
	}
}

func TestImportKoreColumnsAndRequiredPhone(t *testing.T) {
	dir := t.TempDir()
	src := "salutation,first name,last name,phone,email\nDr,Ann,Lee,+1 201 555 0123 ext. 12,\nMr,Bo,Chen,,bo@example.com\n"
	var rejected []int
	rep, err := contactpipe.Import(context.Background(), strings.NewReader(src), contactpipe.Config{
		Uploader: koreLike{upload.Dir{Path: dir}}, WorkDir: dir,
		OnRejected: func(r contactpipe.Rejected) {
			assert.Equal(t, contactpipe.CodeMissingField, r.Err.Code)
			assert.Equal(t, `row 3, column "phone": the upload target needs a phone number and the row has none; fill it in or choose another target`, r.Err.Error(), "plain words, the user's column")
			rejected = append(rejected, r.Err.Row)
		},
	})
	require.NoError(t, err)
	checkInvariant(t, rep)
	assert.Equal(t, []int{3}, rejected)
	data, err := os.ReadFile(filepath.Join(dir, rep.Chunks[0].File))
	require.NoError(t, err)
	assert.Equal(t, "firstName,lastName,salutation,cellPhoneNumber,cellPhoneCountryCode,cellPhoneExtension\nAnn,Lee,Dr,2015550123,+1,12\n", string(data))
}
func TestImportRowTooLarge(t *testing.T) {
	src := "msisdn,firstName\n+12015550123," + strings.Repeat("a", 150) + "\n+12015550123,Bo\n"
	r := runImport(t, strings.NewReader(src), contactpipe.Config{MaxChunkBytes: 100})
	require.NoError(t, r.err)
	assert.Equal(t, map[int]string{2: contactpipe.CodeRowTooLarge}, r.rejected)
	assert.Empty(t, r.duplicates, "a refused row claims no address: row 3 is not its duplicate")
	assert.Equal(t, [][]string{{"+12015550123", "Bo"}}, r.chunks)
}

// TestImportRowOfExactlyMaxChunkBytes: a row that fills a chunk exactly is accepted, alone in its
// chunk, and one byte more is rejected row_too_large; the import goes on either way.
func TestImportRowOfExactlyMaxChunkBytes(t *testing.T) {
	exact := strings.Repeat("a", 100-len("msisdn,firstName\n")-len("+12015550123,\n"))
	src := "msisdn,firstName\n+12015550124,Bo\n+12015550123," + exact + "\n+12015550125," + exact + "a\n+12015550126,Cy\n"
	r := runImport(t, strings.NewReader(src), contactpipe.Config{MaxChunkBytes: 100})
	require.NoError(t, r.err)
	assert.Equal(t, map[int]string{4: contactpipe.CodeRowTooLarge}, r.rejected)
	assert.Equal(t, 3, r.rep.Accepted)
	require.Len(t, r.rep.Chunks, 3)
	assert.EqualValues(t, 100, r.rep.Chunks[1].Bytes)
}

// TestImportHeaderlessExtraColumnsIgnored: fields beyond Columns in a file without a header are
// ignored, as a header file's unmapped columns are, and named in the report.
func TestImportHeaderlessExtraColumnsIgnored(t *testing.T) {
	src := "+12015550123,Ann,Lee,ann@example.com,US\n12,Bo,Chen,bo@example.com,GB\n"
	r := runImport(t, strings.NewReader(src), contactpipe.Config{NoHeader: true, Columns: []string{"msisdn", "firstName", "lastName"}})
	require.NoError(t, r.err)
	assert.Equal(t, 1, r.rep.Accepted)
	assert.Equal(t, map[int]string{2: "invalid_phone"}, r.rejected, "not extra_fields")
	assert.Equal(t, []string{"column 4", "column 5"}, r.rep.IgnoredColumns)
	require.Len(t, r.rejections, 1)
	assert.Equal(t, []string{"12", "Bo", "Chen", "bo@example.com", "GB"}, r.rejections[0].Raw, "every cell is kept")
}
