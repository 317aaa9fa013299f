package parse

import (
	"bufio"
	"io"
)

// openSheet opens a spreadsheet (temporary stub until parse/sheet has its readers).
func (s *Source) openSheet(r io.Reader, br *bufio.Reader, format Format) error {
	return &FormatError{Detected: string(format), Hint: "spreadsheets are not supported yet"}
}
