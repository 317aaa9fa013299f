package parse_test

import (
	"fmt"
	"strings"

	"github.com/contactpipe/contactpipe/parse"
)

func ExampleOpen() {
	const file = "First Name;Last Name;Mobile Phone;E-mail;Notes\r\n" +
		"Ann;Lee;+1 555 0101;ann@example.com;VIP\r\n" +
		"Bob;Brown;+1 555 0102;bob@example;\r\n" +
		"Cy;Young;+1 555 0103;cy@example.com;x;extra\r\n"
	src, err := parse.Open(strings.NewReader(file), parse.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer src.Close()
	fmt.Printf("%s, %s, delimiter %q, ignored %q\n", src.Format(), src.Encoding(), src.Delimiter(), src.Mapping().Ignored())
	for rec, err := range src.All() {
		if err != nil {
			fmt.Println("fatal:", err)
			return
		}
		if rec.Err != nil {
			fmt.Println("rejected:", rec.Err)
			continue
		}
		fmt.Println(rec.Row, rec.Values[parse.Msisdn], rec.Values[parse.FirstName], rec.Values[parse.Email])
	}
	// Output:
	// csv, utf-8, delimiter ';', ignored ["Notes"]
	// 2 +1 555 0101 Ann ann@example.com
	// 3 +1 555 0102 Bob bob@example
	// rejected: row 4: row has a value in field 6 but the header has 5 columns
}

// A German export: the columns are found by their German names, the second phone column is an
// alternative, and a column whose header means nothing is read by its values.
func ExampleMapping_Describe() {
	const file = "Vorname;Nachname;Mobiltelefon;Telefon (privat);Kontakt;Notiz\n" +
		"Jürgen;Groß;+49 151 5550101;030 5550100;j@example.de;VIP\n"
	src, err := parse.Open(strings.NewReader(file), parse.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer src.Close()
	for _, c := range src.Mapping().Describe() {
		fmt.Printf("%-16s %-10s %-8s %s\n", c.Header, c.Field, c.Method, c.Status)
	}
	// Output:
	// Vorname          firstName  alias    mapped
	// Nachname         lastName   alias    mapped
	// Mobiltelefon     msisdn     alias    mapped
	// Telefon (privat) msisdn     alias    alternative
	// Kontakt          email      content  mapped
	// Notiz                                ignored
}

func ExampleFormulaRisk() {
	for _, cell := range []string{"=HYPERLINK(\"x\")", "@john", "-2-3", "+2-2", "-5", "+44 20 7946 0958", "'twas"} {
		fmt.Printf("%-18q %v\n", cell, parse.FormulaRisk(cell))
	}
	// Output:
	// "=HYPERLINK(\"x\")" true
	// "@john"            true
	// "-2-3"             true
	// "+2-2"             true
	// "-5"               false
	// "+44 20 7946 0958" false
	// "'twas"            false
}
