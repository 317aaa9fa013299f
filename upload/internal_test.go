package upload

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"3", 3 * time.Second, true},
		{" 120 ", 2 * time.Minute, true},
		{"86400", 24 * time.Hour, true},
		{"-1", 0, false},
		{"1.5", 0, false},
		{"soon", 0, false},
		{"Thu, 01 Jan 2026 00:00:30 GMT", 30 * time.Second, true},
		{"Wed, 31 Dec 2025 23:00:00 GMT", 0, true},
		{"99999999999999", 365 * 24 * time.Hour, true},
	} {
		got, ok := ParseRetryAfter(tc.in, now)
		assert.Equal(t, tc.ok, ok, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
	}
}

func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"", "0", "3", "86400", "Thu, 01 Jan 2026 00:00:30 GMT", "-5", "9223372036854775807"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := ParseRetryAfter(s, time.Unix(0, 0))
		if d < 0 || (!ok && d != 0) {
			t.Fatalf("ParseRetryAfter(%q) = %v, %v", s, d, ok)
		}
	})
}

func TestFullJitter(t *testing.T) {
	for attempt := range 40 {
		for range 50 {
			d := FullJitter(attempt, 500*time.Millisecond, 30*time.Second)
			ceil := min(30*time.Second, 500*time.Millisecond<<max(attempt-1, 0))
			if attempt >= 32 {
				ceil = 30 * time.Second
			}
			require.GreaterOrEqual(t, d, time.Duration(0))
			require.LessOrEqual(t, d, ceil, "attempt %d", attempt)
		}
	}
}

func TestDefaultCheckRetry(t *testing.T) {
	for _, tc := range []struct {
		status int
		err    error
		want   bool
	}{
		{0, errors.New("connection reset"), true},
		{0, fmt.Errorf("post: %w", context.Canceled), false},
		{429, nil, true},
		{500, nil, true},
		{502, nil, true},
		{503, nil, true},
		{504, nil, true},
		{501, nil, false},
		{400, nil, false},
		{401, nil, false},
		{403, nil, false},
		{404, nil, false},
		{409, nil, false},
		{413, nil, false},
		{307, nil, false},
	} {
		assert.Equal(t, tc.want, DefaultCheckRetry(tc.status, tc.err), "%d %v", tc.status, tc.err)
	}
}

func TestAPIError(t *testing.T) {
	for _, tc := range []struct {
		e       APIError
		is      []error
		isNot   []error
		message string
	}{
		{APIError{Target: "8x8", Op: "create batch", Status: 401, Code: 1000, Message: "Unauthorized"},
			[]error{ErrUnauthorized, ErrStopImport}, []error{ErrFileTooLarge, ErrRateLimited},
			"upload: 8x8 create batch: credentials refused (status 401)"},
		{APIError{Status: 403}, []error{ErrUnauthorized, ErrStopImport}, nil, "credentials refused (status 403)"},
		{APIError{Status: 413}, []error{ErrFileTooLarge}, []error{ErrStopImport}, "status 413"},
		{APIError{Status: 400, Message: "The file size is limited to 30 Mb"}, []error{ErrFileTooLarge}, nil, "30 Mb"},
		{APIError{Status: 400, Code: 1002, Message: "Invalid MSISDN format (not E.164 international number)", ErrorID: "b447"},
			nil, []error{ErrFileTooLarge, ErrUnauthorized}, "status 400, code 1002: Invalid MSISDN format (not E.164 international number) [error id b447]"},
		{APIError{Status: 429, RetryAfter: time.Minute}, []error{ErrRateLimited}, nil, "(retry after 1m0s)"},
		{APIError{Status: 308}, []error{ErrRedirect}, nil, "redirects are not followed"},
	} {
		err := fmt.Errorf("wrapped: %w", &tc.e)
		for _, target := range tc.is {
			assert.ErrorIs(t, err, target, tc.message)
		}
		for _, target := range tc.isNot {
			assert.NotErrorIs(t, err, target, tc.message)
		}
		assert.Contains(t, err.Error(), tc.message)
		var api *APIError
		assert.ErrorAs(t, err, &api)
	}
}

func TestAPIErrorDecoding(t *testing.T) {
	tr := &transport{target: "8x8", secrets: []string{"s3cret"}}
	for _, tc := range []struct {
		body   string
		header http.Header
		want   APIError
	}{
		{`{"code":1002,"message":"Invalid MSISDN format (not E.164 international number)","errorId":"b4478860-b76c-e811-814e-022a35cc1c71","timestamp":"2018-08-04T09:25:40.9235752+00:00"}`, nil,
			APIError{Target: "8x8", Op: "op", Status: 400, Code: 1002, Message: "Invalid MSISDN format (not E.164 international number)",
				ErrorID: "b4478860-b76c-e811-814e-022a35cc1c71", Timestamp: time.Date(2018, 8, 4, 9, 25, 40, 923575200, time.UTC)}},
		{`{"errors":[{"msg":"Invalid token","code":401}]}`, nil, APIError{Target: "8x8", Op: "op", Status: 400, Code: 401, Message: "Invalid token"}},
		{"<html>\n<body>Bad Gateway s3cret</body>", http.Header{"Retry-After": {"2"}},
			APIError{Target: "8x8", Op: "op", Status: 400, Message: "<html> <body>Bad Gateway [redacted]</body>", RetryAfter: 2 * time.Second}},
	} {
		h := tc.header
		if h == nil {
			h = http.Header{}
		}
		got := tr.apiError("op", &answer{status: 400, header: h, body: []byte(tc.body)})
		if !tc.want.Timestamp.IsZero() {
			assert.True(t, tc.want.Timestamp.Equal(got.Timestamp))
			got.Timestamp = tc.want.Timestamp
		}
		assert.Equal(t, tc.want, *got)
	}
}

func TestCheckURL(t *testing.T) {
	for _, tc := range []struct {
		url string
		ok  bool
	}{
		{"https://contacts.8x8.com", true},
		{"http://127.0.0.1:8089", true},
		{"http://localhost:8089", true},
		{"http://[::1]:8089", true},
		{"http://127.8.9.10", true},
		{"http://contacts.8x8.com", false},
		{"http://10.0.0.1", false},
		{"ftp://contacts.8x8.com", false},
		{"https://user:secret@contacts.8x8.com", false},
		{"contacts.8x8.com", false},
		{"", false},
	} {
		_, err := checkURL(tc.url)
		assert.Equal(t, tc.ok, err == nil, "%s: %v", tc.url, err)
		if err != nil {
			assert.NotContains(t, err.Error(), "secret")
			assert.ErrorIs(t, err, ErrStopImport)
		}
	}
}

func TestUploadName(t *testing.T) {
	assert.Equal(t, "contacts-ab12cd34-chunk-0007.csv", UploadName("/data/contacts.csv", "ab12cd34", 7))
	assert.Equal(t, "My-List-2024-ab-chunk-0001.csv", UploadName("My List (2024).xlsx", "ab", 1))
	assert.Equal(t, "contactpipe-r-chunk-0001.csv", UploadName("", "r", 1))
	assert.Equal(t, "contactpipe-r-chunk-0001.csv", UploadName("日本.csv", "r", 1))
	assert.Equal(t, "my.list-r-chunk-0012.csv", UploadName("my.list", "r", 12))
	assert.Len(t, UploadName(strings.Repeat("x", 500), "r", 1), 60+len("-r-chunk-0001.csv"))
	assert.Equal(t, "x-chunk-0001-a-b.csv", partName(partName("x-chunk-0001.csv", "a"), "b"))
}

func writeFile(t testing.TB, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
	return p
}

func TestSplitChunkFile(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		a, b     string
	}{
		{"even", "h1,h2\n1,a\n2,b\n3,c\n4,d\n", "h1,h2\n1,a\n2,b\n", "h1,h2\n3,c\n4,d\n"},
		{"odd", "h\n1\n2\n3\n", "h\n1\n", "h\n2\n3\n"},
		{"quoted newlines stay whole", "h,note\n1,\"two\nlines\"\n2,x\n", "h,note\n1,\"two\nlines\"\n", "h,note\n2,x\n"},
		{"no final newline", "h\n1\n2", "h\n1\n", "h\n2\n"},
		{"crlf", "h\r\n1\r\n2\r\n", "h\r\n1\r\n", "h\r\n2\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			a, b, ra, rb, err := splitChunkFile(writeFile(t, dir, "chunk-1.csv", tc.in))
			require.NoError(t, err)
			ga, _ := os.ReadFile(a)
			gb, _ := os.ReadFile(b)
			assert.Equal(t, tc.a, string(ga))
			assert.Equal(t, tc.b, string(gb))
			na, _ := recordOffsets(bytes.NewReader(ga))
			nb, _ := recordOffsets(bytes.NewReader(gb))
			assert.Equal(t, ra, len(na)-1)
			assert.Equal(t, rb, len(nb)-1)
			st, err := os.Stat(a)
			require.NoError(t, err)
			assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
		})
	}
	_, _, _, _, err := splitChunkFile(writeFile(t, t.TempDir(), "one.csv", "h\n1\n"))
	assert.Error(t, err)
}

func FuzzSplitChunkFile(f *testing.F) {
	f.Add("h,x\n1,a\n2,b\n3,c\n")
	f.Add("h\n\"a\nb\",\"c\"\"d\"\n2\n")
	f.Fuzz(func(t *testing.T, in string) {
		dir := t.TempDir()
		p := filepath.Join(dir, "c.csv")
		if err := os.WriteFile(p, []byte(in), 0o600); err != nil {
			t.Fatal(err)
		}
		want, err := csv.NewReader(strings.NewReader(in)).ReadAll()
		a, b, ra, rb, serr := splitChunkFile(p)
		if err != nil || len(want) < 3 {
			return // unreadable or too small: an error is fine, a panic is not
		}
		if serr != nil {
			t.Fatalf("split of a readable %d-record file: %v", len(want), serr)
		}
		ga, _ := os.ReadFile(a)
		gb, _ := os.ReadFile(b)
		ha, _ := csv.NewReader(bytes.NewReader(ga)).ReadAll()
		hb, _ := csv.NewReader(bytes.NewReader(gb)).ReadAll()
		if len(ha) != ra+1 || len(hb) != rb+1 || ra+rb != len(want)-1 {
			t.Fatalf("halves %d+%d records for %d", len(ha), len(hb), len(want))
		}
		got := append(append([][]string{}, ha...), hb[1:]...)
		if fmt.Sprint(got) != fmt.Sprint(want) || fmt.Sprint(hb[0]) != fmt.Sprint(want[0]) {
			t.Fatalf("halves do not rebuild the file")
		}
	})
}

func TestMatchInvalidRows(t *testing.T) {
	chunk := "msisdn,firstName,email\n+6591000001,Ann,\n+6591000002,Bob,b@x.com\n+6591000002,Bob,b@x.com\n,Cid,C@X.com\n"
	for _, tc := range []struct {
		name      string
		invalid   string
		want      []ServerRejection
		unmatched int
	}{
		{"full rows with a reason column", "msisdn,firstName,email,errorMessage\n+6591000002,Bob,b@x.com,dup\n+6591000002,Bob,b@x.com,dup2\n",
			[]ServerRejection{{2, "dup"}, {3, "dup2"}}, 0},
		{"reformatted phone matched by digits", "msisdn,Error\n6591000001,bad\n", []ServerRejection{{1, "bad"}}, 0},
		{"email case-insensitive, columns reordered", "email,reason\nc@x.com,nope\n", []ServerRejection{{4, "nope"}}, 0},
		{"no reason column", "msisdn\n+6591000001\n", []ServerRejection{{1, "refused by 8x8 (listed in the batch's invalid-rows file)"}}, 0},
		{"headerless in chunk order", "+6591000001,Ann,,why\n", []ServerRejection{{1, "why"}}, 0},
		{"unknown rows counted", "msisdn,error\n+6500000000,x\n+6591000001,y\n", []ServerRejection{{1, "y"}}, 1},
		{"a row is used once", "msisdn,error\n+6591000001,x\n+6591000001,y\n", []ServerRejection{{1, "x"}}, 1},
		{"empty", "", nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, t.TempDir(), "c.csv", chunk)
			got, unmatched, err := matchInvalidRows(p, strings.NewReader(tc.invalid))
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.unmatched, unmatched)
		})
	}
}

func FuzzMatchInvalidRows(f *testing.F) {
	f.Add("msisdn,errorMessage\n+6591000001,bad\n")
	f.Add("\"unterminated\n")
	f.Add(",,,,,,,\n\n")
	chunk := "msisdn,firstName,email\n+6591000001,Ann,\n+6591000002,Bob,b@x.com\n"
	f.Fuzz(func(t *testing.T, invalid string) {
		p := filepath.Join(t.TempDir(), "c.csv")
		if err := os.WriteFile(p, []byte(chunk), 0o600); err != nil {
			t.Fatal(err)
		}
		rej, unmatched, _ := matchInvalidRows(p, strings.NewReader(invalid))
		seen := map[int]bool{}
		for _, r := range rej {
			if r.Line < 1 || r.Line > 2 || seen[r.Line] {
				t.Fatalf("bad line %d in %v", r.Line, rej)
			}
			seen[r.Line] = true
		}
		if unmatched < 0 {
			t.Fatal("negative unmatched")
		}
	})
}

func BenchmarkMatchInvalidRows(b *testing.B) {
	const rows = 20000
	var chunk, invalid strings.Builder
	chunk.WriteString("msisdn,firstName,email\n")
	invalid.WriteString("msisdn,firstName,email,errorMessage\n")
	for i := range rows {
		fmt.Fprintf(&chunk, "+6591%06d,Name%d,p%d@example.com\n", i, i, i)
		if i%10 == 0 {
			fmt.Fprintf(&invalid, "+6591%06d,Name%d,p%d@example.com,refused\n", i, i, i)
		}
	}
	p := writeFile(b, b.TempDir(), "c.csv", chunk.String())
	for b.Loop() {
		rej, _, err := matchInvalidRows(p, strings.NewReader(invalid.String()))
		if err != nil || len(rej) != rows/10 {
			b.Fatal(err, len(rej))
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func TestDir(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	p := writeFile(t, src, "tmp.csv", "msisdn\n+6591000001\n")
	res, err := Dir{Path: dst}.Upload(t.Context(), Chunk{Index: 3, Path: p, Rows: 1})
	require.NoError(t, err)
	assert.Equal(t, Result{Target: "dir", File: filepath.Join(dst, "chunk-0003.csv"), Status: "written", Landed: 1}, res)
	assert.NoFileExists(t, p)
	assert.FileExists(t, res.File)
}

func TestMergeParts(t *testing.T) {
	a := Result{Target: "8x8", Attempts: 1, Landed: 3, BatchIDs: []string{"a"}, Status: "completed",
		ServerRejected: []ServerRejection{{2, "x"}}, Counts: &BatchCounts{Total: 4, Inserted: 3, Errors: 1}}
	b := Result{Target: "8x8", Attempts: 2, Landed: 4, BatchIDs: []string{"b"}, Status: "completed",
		ServerRejected: []ServerRejection{{1, "y"}}, Counts: &BatchCounts{Total: 5, Inserted: 2, Duplicated: 2, Errors: 1}, Resent: 1}
	m := mergeParts(a, b, 4)
	assert.Equal(t, Result{Target: "8x8", Attempts: 3, Landed: 7, BatchID: "a", BatchIDs: []string{"a", "b"}, Status: "completed",
		ServerRejected: []ServerRejection{{2, "x"}, {5, "y"}}, Counts: &BatchCounts{Total: 9, Inserted: 5, Duplicated: 2, Errors: 2}, Resent: 1}, m)
	b.Status = "failed"
	assert.Equal(t, "failed", mergeParts(a, b, 4).Status)
}
