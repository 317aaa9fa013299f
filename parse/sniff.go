package parse

import "bytes"

var (
	magicZip = []byte("PK\x03\x04")
	magicOLE = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// sniffFormat tells a spreadsheet from its first bytes: "PK\x03\x04" → XLSX, the OLE2 compound file
// signature → XLS, else text (CSV). Other recognizable non-text formats are a *FormatError.
func sniffFormat(head []byte) (Format, error) {
	switch {
	case bytes.HasPrefix(head, magicZip):
		if bytes.Contains(head[:min(len(head), 128)], []byte("opendocument")) {
			return "", &FormatError{Detected: "ods", Hint: "an OpenDocument spreadsheet: save it as xlsx or csv"}
		}
		return XLSX, nil
	case bytes.HasPrefix(head, magicOLE), bareBIFF(head):
		return XLS, nil
	case bytes.HasPrefix(head, []byte{0x1F, 0x8B}):
		return "", &FormatError{Detected: "gzip", Hint: "a compressed file: decompress it first"}
	case bytes.HasPrefix(head, []byte("PK\x05\x06")), bytes.HasPrefix(head, []byte("PK\x07\x08")):
		return "", &FormatError{Detected: "zip", Hint: "an empty or split zip archive"}
	case bytes.HasPrefix(head, []byte("%PDF")):
		return "", &FormatError{Detected: "pdf", Hint: "export the list as csv or xlsx instead"}
	case bytes.HasPrefix(head, []byte("{\\rtf")):
		return "", &FormatError{Detected: "rtf", Hint: "export the list as csv or xlsx instead"}
	case bytes.HasPrefix(head, []byte("7z\xBC\xAF\x27\x1C")), bytes.HasPrefix(head, []byte("Rar!")):
		return "", &FormatError{Detected: "archive", Hint: "extract the file first"}
	}
	return CSV, nil
}

// bareBIFF reports whether head starts with the BOF record of an Excel 2.x-4.x workbook (a bare BIFF
// stream, no OLE2 container), which parse/sheet refuses with a message naming the format.
func bareBIFF(head []byte) bool {
	if len(head) < 4 {
		return false
	}
	typ, n := uint16(head[0])|uint16(head[1])<<8, uint16(head[2])|uint16(head[3])<<8
	switch typ {
	case 0x0009:
		return n == 4
	case 0x0209, 0x0409:
		return n == 6
	case 0x0809:
		return n == 8 || n == 16
	}
	return false
}

// sniffText refuses decoded text that is not delimited text: an HTML page or table (what many web
// apps save as .xls), an XML spreadsheet, or binary data (NUL bytes).
func sniffText(text []byte) error {
	if bytes.IndexByte(text[:min(len(text), 8192)], 0) >= 0 {
		return &FormatError{Detected: "binary data", Hint: "not a text file; if it is utf-16 text without a byte order mark, give the encoding"}
	}
	t := bytes.TrimLeft(text, " \t\r\n\uFEFF")
	if len(t) == 0 || t[0] != '<' {
		return nil
	}
	head := bytes.ToLower(t[:min(len(t), 1024)])
	switch {
	case bytes.HasPrefix(head, []byte("<?xml")) && bytes.Contains(head, []byte("urn:schemas-microsoft-com:office:spreadsheet")):
		return &FormatError{Detected: "xml spreadsheet", Hint: "an Excel 2003 XML file: open it in a spreadsheet and save it as xlsx or csv"}
	case bytes.HasPrefix(head, []byte("<!doctype html")), bytes.HasPrefix(head, []byte("<html")),
		bytes.HasPrefix(head, []byte("<table")), bytes.HasPrefix(head, []byte("<meta")),
		bytes.HasPrefix(head, []byte("<head")), bytes.HasPrefix(head, []byte("<body")),
		bytes.HasPrefix(head, []byte("<style")), bytes.HasPrefix(head, []byte("<!--")) && bytes.Contains(head, []byte("<table")),
		bytes.Contains(head, []byte("<table")) && bytes.Contains(head, []byte("<td")):
		return &FormatError{Detected: "html", Hint: "a web page or HTML table, often saved with an .xls name: open it in a spreadsheet and save it as xlsx or csv"}
	case bytes.HasPrefix(head, []byte("<?xml")):
		return &FormatError{Detected: "xml", Hint: "export the list as csv or xlsx instead"}
	}
	return nil
}

var delimiterCandidates = [...]byte{',', ';', '\t', '|'}

// sniffDelimiter picks the delimiter among , ; tab | from the first records of sample (quotes
// respected). The first record is the reference: a candidate must occur in it, and the candidate whose
// count per record agrees with the reference in the most records wins; ties go to the one that splits
// the first record into more fields, then to the order above. Without any candidate in the first
// record (a one-column file), ',' is returned.
func sniffDelimiter(sample []byte, atEOF bool) byte {
	best, bestScore, bestRef := byte(','), -1, 0
	for _, d := range delimiterCandidates {
		counts := delimiterCounts(sample, d, atEOF, 100)
		if len(counts) == 0 || counts[0] == 0 {
			continue
		}
		ref, score := counts[0], 0
		for _, c := range counts {
			if c == ref {
				score += 2
			} else if c > ref {
				score++ // trailing delimiters (Excel), or a delimiter in an unquoted value
			}
		}
		score = score * 1000 / len(counts)
		if score > bestScore || score == bestScore && ref > bestRef {
			best, bestScore, bestRef = d, score, ref
		}
	}
	return best
}

// delimiterCounts counts d outside quotes in each of the first max non-blank records of sample. An
// incomplete last record is left out unless atEOF.
func delimiterCounts(sample []byte, d byte, atEOF bool, max int) []int {
	var counts []int
	count, fieldStart, inQuotes, empty := 0, true, false, true
	for i := 0; i < len(sample) && len(counts) < max; i++ {
		c := sample[i]
		if inQuotes {
			if c == '"' {
				if i+1 < len(sample) && sample[i+1] == '"' {
					i++
				} else {
					inQuotes = false
				}
			}
			continue
		}
		switch {
		case c == '"' && fieldStart:
			inQuotes, fieldStart, empty = true, false, false
		case c == d:
			count++
			fieldStart = true
		case c == '\n' || c == '\r':
			if !empty || count > 0 {
				counts = append(counts, count)
			}
			count, fieldStart, empty = 0, true, true
		default:
			fieldStart, empty = false, false
		}
	}
	if atEOF && (!empty || count > 0) && len(counts) < max {
		counts = append(counts, count)
	}
	return counts
}
