package bench

import (
	"encoding/csv"
	"errors"
	"io"

	"github.com/xuri/excelize/v2"
)

// ReadCSV reads every record of r with encoding/csv, reusing the record slice and allowing any
// number of fields, and returns how many records it read (the header included). It is the floor
// an import of the same file is compared with: reading the file costs at least this much.
func ReadCSV(r io.Reader) (int, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	n := 0
	for {
		_, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n++
	}
}

// ReadXLSX reads every row of the first sheet of the workbook in r with excelize's streaming row
// iterator and returns how many rows it read (the header included): the floor for XLSX files.
func ReadXLSX(r io.Reader) (int, error) {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	it, err := f.Rows(f.GetSheetName(0))
	if err != nil {
		return 0, err
	}
	defer it.Close()
	n := 0
	for it.Next() {
		if _, err := it.Columns(); err != nil {
			return n, err
		}
		n++
	}
	return n, it.Error()
}
