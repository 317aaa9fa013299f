package upload

import (
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"os"
	"slices"
	"strings"
)

// readChunk reads a chunk file: its header and data records.
func readChunk(path string) ([]string, [][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("upload: reading chunk header: %w", err)
	}
	var rows [][]string
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return header, rows, nil
		}
		if err != nil {
			return nil, nil, fmt.Errorf("upload: reading chunk: %w", err)
		}
		rows = append(rows, rec)
	}
}

// addressFields are the columns that identify a contact, in the order they are tried when an
// invalid-rows record has to be matched to a chunk row by one value.
var addressFields = []string{"msisdn", "email", "externalId", "weChatUserId", "facebookUserId", "zaloId", "lineId", "kakaoTalkId"}

// matchInvalidRows maps the records of an 8x8 invalid-rows file back to the chunk's data rows.
//
// The API documents no format for that file. We expect a CSV of the refused rows, with a header
// naming the columns as in our upload (our chunks always have one) plus, usually, a column saying
// why (any column named like "error", "reason" or "message"). A file whose first record shares no
// column name with the chunk is read as headerless, in the chunk's column order, with any extra
// trailing column taken as the reason.
//
// Each invalid record is matched to one chunk row, each chunk row used at most once: first by all
// the columns the two files share (exact text after trimming), then by one address (msisdn compared
// by digits, email case-insensitively, then the other ids). Records matching no row are counted in
// unmatched: they reduce Landed but cannot be located.
func matchInvalidRows(chunkPath string, invalid io.Reader) (rej []ServerRejection, unmatched int, err error) {
	// The chunk is indexed as it is read, never held whole: an answer about a large chunk must not
	// cost the chunk's size in memory several times over.
	chunk, err := os.Open(chunkPath)
	if err != nil {
		return nil, 0, err
	}
	defer chunk.Close()
	ccr := csv.NewReader(chunk)
	ccr.FieldsPerRecord = -1
	header, err := ccr.Read()
	if err != nil {
		return nil, 0, fmt.Errorf("upload: reading chunk header: %w", err)
	}
	cr := csv.NewReader(invalid)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	first, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("upload: reading the invalid-rows file: %w", err)
	}
	chunkCol := map[string]int{}
	for i, h := range header {
		chunkCol[strings.ToLower(strings.TrimSpace(h))] = i
	}
	// invCol[i] is the chunk column of invalid column i, or -1.
	var invCol []int
	msgCol := -1
	shared := 0
	for i, h := range first {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if j, ok := chunkCol[h]; ok {
			invCol = append(invCol, j)
			shared++
			continue
		}
		invCol = append(invCol, -1)
		if msgCol < 0 && (strings.Contains(h, "error") || strings.Contains(h, "reason") || strings.Contains(h, "message")) {
			msgCol = i
		}
	}
	var pending [][]string
	if shared == 0 { // headerless: chunk order, extra column = reason
		invCol = invCol[:0]
		for i := range first {
			if i < len(header) {
				invCol = append(invCol, i)
			} else {
				invCol = append(invCol, -1)
				if msgCol < 0 {
					msgCol = i
				}
			}
		}
		pending = append(pending, first)
	}

	// Index the chunk rows, one at a time, by 64-bit hashes of their keys (seeded per call, so a
	// server cannot aim at a collision): the index costs a few bytes a row, not the row's text.
	seed := maphash.MakeSeed()
	full := newLineIndex()
	byAddr := make([]*lineIndex, len(addressFields))
	for a := range byAddr {
		byAddr[a] = newLineIndex()
	}
	sharedCols := make([]int, 0, len(invCol))
	for _, j := range invCol {
		if j >= 0 {
			sharedCols = append(sharedCols, j)
		}
	}
	addrCol := make([]int, len(addressFields))
	for a, f := range addressFields {
		addrCol[a] = -1
		if j, ok := chunkCol[strings.ToLower(f)]; ok {
			addrCol[a] = j
		}
	}
	ccr.ReuseRecord = true
	var kb []byte // a key being built
	rows := 0
	for ; ; rows++ {
		rec, err := ccr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, 0, fmt.Errorf("upload: reading chunk: %w", err)
		}
		kb = appendRowKey(kb[:0], rec, sharedCols)
		full.add(maphash.Bytes(seed, kb), int32(rows))
		for a, j := range addrCol {
			if j >= 0 && j < len(rec) {
				if kb = appendAddrKey(kb[:0], addressFields[a], rec[j]); len(kb) > 0 {
					byAddr[a].add(maphash.Bytes(seed, kb), int32(rows))
				}
			}
		}
	}
	used := make([]bool, rows)

	inChunk := make([]string, len(header))
	match := func(rec []string) {
		// Rebuild the record in chunk column order for the full-row key.
		clear(inChunk)
		for i, v := range rec {
			if i < len(invCol) && invCol[i] >= 0 {
				inChunk[invCol[i]] = v
			}
		}
		kb = appendRowKey(kb[:0], inChunk, sharedCols)
		line := full.take(maphash.Bytes(seed, kb), used)
		for a := 0; line < 0 && a < len(addressFields); a++ {
			if j := addrCol[a]; j >= 0 {
				if kb = appendAddrKey(kb[:0], addressFields[a], inChunk[j]); len(kb) > 0 {
					line = byAddr[a].take(maphash.Bytes(seed, kb), used)
				}
			}
		}
		if line < 0 {
			unmatched++
			return
		}
		msg := ""
		if msgCol >= 0 && msgCol < len(rec) {
			msg = strings.TrimSpace(rec[msgCol])
		}
		if msg == "" {
			msg = "refused by 8x8 (listed in the batch's invalid-rows file)"
		}
		if len(msg) > 500 {
			msg = msg[:500]
		}
		// A copy: the cell shares its memory with the whole record it came from.
		rej = append(rej, ServerRejection{Line: line + 1, Message: strings.Clone(msg)})
	}
	for _, rec := range pending {
		match(rec)
	}
	cr.ReuseRecord = true // match keeps no cell but the message, a string of its own
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return rej, unmatched, fmt.Errorf("upload: reading the invalid-rows file: %w", err)
		}
		match(rec)
	}
	sortRejections(rej)
	return rej, unmatched, nil
}

// lineIndex maps key hashes to chunk lines in line order: most keys have one line, kept in first;
// the lines after it, in more.
type lineIndex struct {
	first map[uint64]int32
	more  map[uint64][]int32
}

func newLineIndex() *lineIndex {
	return &lineIndex{first: map[uint64]int32{}, more: map[uint64][]int32{}}
}

func (x *lineIndex) add(h uint64, line int32) {
	if _, ok := x.first[h]; !ok {
		x.first[h] = line
		return
	}
	x.more[h] = append(x.more[h], line)
}

// take marks and returns the first line of h not used yet, or -1.
func (x *lineIndex) take(h uint64, used []bool) int {
	l, ok := x.first[h]
	if !ok {
		return -1
	}
	if !used[l] {
		used[l] = true
		return int(l)
	}
	for _, l := range x.more[h] {
		if !used[l] {
			used[l] = true
			return int(l)
		}
	}
	return -1
}

// appendRowKey appends the key of rec's columns cols (each trimmed, NUL-terminated) to dst.
func appendRowKey(dst []byte, rec []string, cols []int) []byte {
	for _, j := range cols {
		if j < len(rec) {
			dst = append(dst, strings.TrimSpace(rec[j])...)
		}
		dst = append(dst, 0)
	}
	return dst
}

// appendAddrKey appends an address normalised for matching to dst: msisdn by digits, email
// case-insensitively.
func appendAddrKey(dst []byte, field, v string) []byte {
	v = strings.TrimSpace(v)
	switch field {
	case "msisdn":
		for i := 0; i < len(v); i++ {
			if v[i] >= '0' && v[i] <= '9' {
				dst = append(dst, v[i])
			}
		}
		return dst
	case "email":
		for i := 0; i < len(v); i++ {
			if v[i] >= 0x80 {
				return append(dst, strings.ToLower(v)...)
			}
		}
		for i := 0; i < len(v); i++ {
			c := v[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
		}
		return dst
	}
	return append(dst, v...)
}

func digits(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b = append(b, s[i])
		}
	}
	return string(b)
}

func sortRejections(r []ServerRejection) {
	slices.SortStableFunc(r, func(a, b ServerRejection) int { return cmp.Compare(a.Line, b.Line) })
}
