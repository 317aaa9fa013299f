package contactpipe_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/contactpipe/contactpipe"
	"github.com/contactpipe/contactpipe/upload"
)

func TestNeutralize(t *testing.T) {
	for _, tt := range []struct {
		in, want string
	}{
		// What spreadsheets run as a formula.
		{"=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"},
		{"=1+1", "'=1+1"},
		{"@SUM(A1:A2)", "'@SUM(A1:A2)"},
		{"\tcmd", "'\tcmd"},
		{"\rcmd", "'\rcmd"},
		{"-2-3", "'-2-3"},
		{"+2-2", "'+2-2"},
		{"-A1", "'-A1"},
		{"+A1", "'+A1"},
		{"-1+cmd|' /C calc'!A0", "'-1+cmd|' /C calc'!A0"},
		{"+1234", "'+1234"},   // too short for a phone
		{"-5-", "'-5-"},       // not a plain number
		{"-1.2.3", "'-1.2.3"}, // two dots
		// What they show as it is.
		{"+44 20 7946 0958", "+44 20 7946 0958"},
		{"+1 (201) 555-0123", "+1 (201) 555-0123"},
		{"+12015550123", "+12015550123"},
		{"+49.151.2345.6789", "+49.151.2345.6789"},
		{"-5", "-5"},
		{"-2.5", "-2.5"},
		{"-", "-"},
		{"", ""},
		{"Ann", "Ann"},
		{"a=b", "a=b"},
		{"ann@example.com", "ann@example.com"},
		{" =x", " =x"},
	} {
		assert.Equal(t, tt.want, contactpipe.Neutralize(tt.in), "%q", tt.in)
	}
}

// readPeopleCSV reads a file meant for people: it must start with a UTF-8 BOM.
func readPeopleCSV(t *testing.T, data []byte) [][]string {
	t.Helper()
	require.True(t, bytes.HasPrefix(data, []byte("\ufeff")), "starts with a UTF-8 BOM")
	r := csv.NewReader(bytes.NewReader(data[3:]))
	r.FieldsPerRecord = 0 // every record as wide as the header
	recs, err := r.ReadAll()
	require.NoError(t, err)
	return recs
}

func TestRejectedWriter(t *testing.T) {
	var buf bytes.Buffer
	rw := contactpipe.NewRejectedWriter(&buf)
	rw.TempDir = t.TempDir()
	header := []string{"First Name", "Phone", "=Notes"}
	for _, r := range []contactpipe.Rejected{
		{Header: header, Raw: []string{"Jürgen", "12", "ok"}, Err: &contactpipe.RowError{Row: 2, Column: "Phone", Code: "invalid_phone", Err: errors.New("too short")}},
		{Header: header, Raw: []string{"佐藤", "+2-2", "x", "extra 4", "=extra 5"}, Err: &contactpipe.RowError{Row: 3, Code: "extra_fields", Err: errors.New("row has a value in field 4")}},
		{Header: header, Raw: []string{"line\r\nbreak", " lead"}, Err: &contactpipe.RowError{Row: 4, Code: contactpipe.CodeServerRejected, Err: errors.New("@refused")}},
	} {
		require.NoError(t, rw.Write(r))
	}
	assert.Zero(t, buf.Len(), "nothing is written before Flush")
	require.NoError(t, rw.Flush())
	assert.Empty(t, mustReadDir(t, rw.TempDir), "the waiting rows leave no file behind")
	recs := readPeopleCSV(t, buf.Bytes())
	assert.Equal(t, [][]string{
		{"First Name", "Phone", "'=Notes", "column 4", "column 5", "error_row", "error_column", "error_code", "error_message"},
		{"Jürgen", "12", "ok", "", "", "2", "Phone", "invalid_phone", "too short"},
		{"佐藤", "'+2-2", "x", "extra 4", "'=extra 5", "3", "", "extra_fields", "row has a value in field 4"},
		{"line\nbreak", " lead", "", "", "", "4", "", "server_rejected", "'@refused"},
	}, recs)
	assert.Contains(t, buf.String(), "line\r\nbreak", "cells are written as they were")
}

func TestRejectedWriterNoRows(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, contactpipe.NewRejectedWriter(&buf).Flush())
	assert.Zero(t, buf.Len())
}

func TestDuplicatesWriter(t *testing.T) {
	var buf bytes.Buffer
	dw := contactpipe.NewDuplicatesWriter(&buf)
	dw.TempDir = t.TempDir()
	header := []string{"Name", "Phone"}
	require.NoError(t, dw.Write(contactpipe.Duplicate{Row: 3, DuplicateOf: 2, Column: "Phone", Value: "+12015550123", Header: header, Raw: []string{"Ann", "(201) 555-0123"}}))
	require.NoError(t, dw.Write(contactpipe.Duplicate{Row: 5, DuplicateOf: 2, Column: "Phone", Value: "+12015550123", Header: header, Raw: []string{"=Bo", "+1 201 555 0123", "note"}}))
	require.NoError(t, dw.Write(contactpipe.Duplicate{Row: 7, DuplicateOf: 2, DuplicateOfSource: "other.csv", Column: "Phone", Value: "+12015550199", Header: header, Raw: []string{"Cy", "+1 201 555 0199"}}))
	require.NoError(t, dw.Flush())
	assert.Equal(t, [][]string{
		{"row", "duplicate_of_row", "column", "value", "duplicate_of_file", "Name", "Phone", "column 3"},
		{"3", "2", "Phone", "+12015550123", "", "Ann", "(201) 555-0123", ""},
		{"5", "2", "Phone", "+12015550123", "", "'=Bo", "+1 201 555 0123", "note"},
		{"7", "2", "Phone", "+12015550199", "other.csv", "Cy", "+1 201 555 0199", ""},
	}, readPeopleCSV(t, buf.Bytes()))

	buf.Reset()
	require.NoError(t, contactpipe.NewDuplicatesWriter(&buf).Flush())
	assert.Equal(t, [][]string{{"row", "duplicate_of_row", "column", "value", "duplicate_of_file"}}, readPeopleCSV(t, buf.Bytes()))
}

func mustReadDir(t *testing.T, dir string) []os.DirEntry {
	t.Helper()
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	return ents
}

// refusingUploader refuses the second line of every chunk, as an API answer would.
type refusingUploader struct{}

func (refusingUploader) Upload(ctx context.Context, c upload.Chunk) (upload.Result, error) {
	os.Remove(c.Path)
	return upload.Result{Target: "test", Landed: c.Rows - 1, ServerRejected: []upload.ServerRejection{{Line: 2, Message: "more than one contact"}}}, nil
}

// TestImportServerRejectedKeepsCells: rows the server refuses reach OnRejected with every original
// cell, kept on disk beside the chunk until the answer is in.
func TestImportServerRejectedKeepsCells(t *testing.T) {
	work := t.TempDir()
	var got []contactpipe.Rejected
	rep, err := contactpipe.Import(context.Background(), strings.NewReader(bigCSV(300)), contactpipe.Config{
		Uploader: refusingUploader{}, WorkDir: work, MaxChunkBytes: 4 << 10, NoDedupe: true,
		OnRejected: func(r contactpipe.Rejected) { got = append(got, r) },
	})
	require.NoError(t, err)
	require.Greater(t, len(rep.Chunks), 2)
	require.Len(t, got, len(rep.Chunks))
	for _, r := range got {
		assert.Equal(t, contactpipe.CodeServerRejected, r.Err.Code)
		i := r.Err.Row - 2
		assert.Equal(t, strings.Split(strings.Split(bigCSV(300), "\n")[i+1], ","), r.Raw, "row %d keeps its cells", r.Err.Row)
	}
	assert.Equal(t, len(rep.Chunks), rep.RejectReasons[contactpipe.CodeServerRejected])
	assert.Empty(t, mustReadDir(t, work), "no cells file is left behind")
}

// TestImportRejectedWideRows: a row with more cells than the header keeps them all in
// rejected.csv, under "column N".
func TestImportRejectedWideRows(t *testing.T) {
	var buf bytes.Buffer
	rw := contactpipe.NewRejectedWriter(&buf)
	_, err := contactpipe.Import(context.Background(), strings.NewReader("msisdn,firstName,lastName\n+12015550123,Ann,Lee,ann@example.com,US\n12,Bo,Chen\n"), contactpipe.Config{
		WorkDir: t.TempDir(), OnRejected: func(r contactpipe.Rejected) { require.NoError(t, rw.Write(r)) },
	})
	require.NoError(t, err)
	require.NoError(t, rw.Flush())
	recs := readPeopleCSV(t, buf.Bytes())
	require.Len(t, recs, 3)
	assert.Equal(t, []string{"msisdn", "firstName", "lastName", "column 4", "column 5"}, recs[0][:5])
	assert.Equal(t, []string{"+12015550123", "Ann", "Lee", "ann@example.com", "US"}, recs[1][:5])
	assert.Equal(t, []string{"12", "Bo", "Chen", "", ""}, recs[2][:5])
}
