// Command makexlsx writes the .xlsx test workbooks of parse/sheet with
// excelize (the regular API writes shared strings, the StreamWriter inline
// strings and formulas with cached values). Run from the repository root:
//
//	go run ./parse/sheet/testdata/makexlsx -dir parse/sheet/testdata
//
// The expected rows are asserted in ../../xlsx_test.go; change both together.
package main

import (
	"flag"
	"log"
	"path/filepath"
	"time"

	"github.com/xuri/excelize/v2"
)

func main() {
	dir := flag.String("dir", ".", "output directory")
	flag.Parse()
	if err := contacts(filepath.Join(*dir, "contacts.xlsx")); err != nil {
		log.Fatal(err)
	}
	if err := stream(filepath.Join(*dir, "stream.xlsx")); err != nil {
		log.Fatal(err)
	}
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

func style(f *excelize.File, s *excelize.Style) int {
	id, err := f.NewStyle(s)
	must(err)
	return id
}

func custom(code string) *excelize.Style { return &excelize.Style{CustomNumFmt: &code} }

// contacts writes the same cells as make_xls.py's contacts.xls.
func contacts(path string) error {
	f := excelize.NewFile()
	defer f.Close()
	must(f.SetSheetName("Sheet1", "Notes"))
	must(f.SetCellValue("Notes", "A1", "this sheet is hidden"))
	_, err := f.NewSheet("Contacts")
	must(err)
	_, err = f.NewSheet("Données")
	must(err)
	f.SetActiveSheet(1) // excelize will not hide the active sheet
	must(f.SetSheetVisible("Notes", false))

	zip := style(f, custom("00000"))
	date := style(f, custom("YYYY-MM-DD"))
	datetime := style(f, custom("YYYY-MM-DD HH:MM:SS"))
	bold := style(f, &excelize.Style{Font: &excelize.Font{Bold: true}})
	set := func(cell string, v any, styleID int) {
		must(f.SetCellValue("Contacts", cell, v))
		if styleID != 0 {
			must(f.SetCellStyle("Contacts", cell, cell, styleID))
		}
	}
	for i, h := range []string{"firstName", "lastName", "msisdn", "email", "country", "zip", "joined", "score", "vip", "formula"} {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		set(cell, h, bold)
	}
	set("A2", "Ana", 0)
	set("B2", "Müller", 0)
	set("C2", 15551234567, 0)
	set("D2", "ana@example.com", 0)
	set("E2", "US", 0)
	set("F2", 2134, zip)
	set("G2", time.Date(2024, 1, 15, 0, 0, 0, 0, time.UTC), date)
	set("H2", 12.34, 0)
	set("I2", true, 0)
	must(f.SetCellFormula("Contacts", "J2", "1+1")) // no cached value

	set("A4", "Søren", 0)
	set("B4", "Ødegård", 0)
	set("C4", 447911123456, bold)
	set("D4", "soren@example.dk", 0)
	set("E4", "GB", 0)
	set("G4", time.Date(2023, 12, 31, 23, 59, 58, 0, time.UTC), datetime)
	set("H4", 42, 0)
	set("I4", false, 0)

	set("A5", "李", 0)
	set("B5", "雷", 0)
	set("C5", "+86 138 0013 8000", 0)
	set("E5", "CN", 0)
	set("H5", 0.1, 0)

	set("A6", "Zoë", 0)
	set("D6", "zoe@example.com", 0)

	set("A7", "Numbers", 0)
	set("C7", -7, 0)
	set("F7", 1.5, 0)
	set("H7", 3.14159, 0)
	set("I7", 1e20, 0)

	must(f.SetCellValue("Données", "A1", "clé"))
	must(f.SetCellValue("Données", "B1", "valeur"))
	must(f.SetCellValue("Données", "A2", "Ελληνικά"))
	must(f.SetCellValue("Données", "B2", 7))
	return f.SaveAs(path)
}

// stream writes a sheet with the StreamWriter: inline strings, formulas with
// cached values, gaps between rows, and the number formats that matter.
func stream(path string) error {
	f := excelize.NewFile()
	defer f.Close()
	must(f.SetSheetName("Sheet1", "Data"))
	bold := style(f, &excelize.Style{Font: &excelize.Font{Bold: true}})
	sci := style(f, &excelize.Style{NumFmt: 11})      // 0.00E+00
	text := style(f, &excelize.Style{NumFmt: 49})     // @
	percent := style(f, &excelize.Style{NumFmt: 9})   // 0%
	thousands := style(f, &excelize.Style{NumFmt: 3}) // #,##0
	date14 := style(f, &excelize.Style{NumFmt: 14})   // m/d/yyyy (locale short date)
	date22 := style(f, &excelize.Style{NumFmt: 22})   // m/d/yy h:mm
	time21 := style(f, &excelize.Style{NumFmt: 21})   // h:mm:ss
	ddmm := style(f, custom(`dd/mm/yyyy`))
	phone := style(f, custom(`(000) 000-0000`))

	sw, err := f.NewStreamWriter("Data")
	must(err)
	c := func(v any, s int) excelize.Cell { return excelize.Cell{Value: v, StyleID: s} }
	must(sw.SetRow("A1", []any{"kind", "value", "formula"}))
	must(sw.SetRow("A2", []any{"general-bold", c(447911123456, bold), excelize.Cell{Formula: "B2*1", Value: 447911123456}}))
	must(sw.SetRow("A3", []any{"scientific", c(15551234567, sci), excelize.Cell{Formula: `"x"&A3`, Value: "xscientific"}}))
	// rows 4 and 5 are absent
	must(sw.SetRow("A6", []any{"text-format", c(15551234567, text)}))
	must(sw.SetRow("A7", []any{"percent", c(0.5, percent)}))
	must(sw.SetRow("A8", []any{"thousands", c(1234567, thousands)}))
	must(sw.SetRow("A9", []any{"date14", c(45306, date14)}))
	must(sw.SetRow("A10", []any{"date22", c(45306.5, date22)}))
	must(sw.SetRow("A11", []any{"time21", c(0.75, time21)}))
	must(sw.SetRow("A12", []any{"ddmmyyyy", c(45306, ddmm)}))
	must(sw.SetRow("A13", []any{"phone-format", c(5551234567, phone)}))
	must(sw.SetRow("A14", []any{"big", c(1234567890123456789, 0)}))
	must(sw.SetRow("A15", []any{"bool", true, excelize.Cell{Formula: "1/0", Value: "#DIV/0!"}}))
	must(sw.SetRow("A16", []any{"  spaced  ", "tab\there", "line\nbreak"}))
	must(sw.SetRow("D17", []any{"starts at D"}))
	must(sw.Flush())
	return f.SaveAs(path)
}
