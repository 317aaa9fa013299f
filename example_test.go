package contactpipe_test

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/contactpipe/contactpipe"
	"github.com/contactpipe/contactpipe/upload"
)

// Import a CSV into a directory of chunk files, and see what became of every row.
func ExampleImport() {
	out, _ := os.MkdirTemp("", "contactpipe-example")
	defer os.RemoveAll(out)

	src := strings.NewReader(`First Name,Last Name,Mobile,Email
Ann,Lee,020 7946 0958,ann@example.com
Bo,Chen,+44 7911 123456,
Cy,Dup,07911 123456,cy@example.com
Di,Nobody,,
`)
	rep, err := contactpipe.Import(context.Background(), src, contactpipe.Config{
		DefaultCountry: "GB",
		Uploader:       upload.Dir{Path: out},
		WorkDir:        out,
		OnRejected: func(r contactpipe.Rejected) {
			fmt.Println("rejected:", r.Err)
		},
		OnDuplicate: func(d contactpipe.Duplicate) {
			fmt.Printf("row %d duplicates row %d (%s)\n", d.Row, d.DuplicateOf, d.Column)
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rep.Rows, "rows:", rep.Accepted, "accepted,", rep.Rejected, "rejected,", rep.Duplicates, "duplicate")
	data, _ := os.ReadFile(out + "/" + rep.Chunks[0].File)
	fmt.Print(string(data))
	// Output:
	// row 4 duplicates row 3 (Mobile)
	// rejected: row 5: the row has no phone number, email or chat id; fill in at least one
	// 4 rows: 2 accepted, 1 rejected, 1 duplicate
	// msisdn,firstName,lastName,email
	// +442079460958,Ann,Lee,ann@example.com
	// +447911123456,Bo,Chen,
}

// Read the contacts as Go values, in row order: what Import would accept, reject or drop as a
// duplicate, without chunk files or uploads.
func ExampleContacts() {
	src := strings.NewReader("Name,Mobile,Email\nAnn Lee,+44 7911 123456,ann@example.com\nBo Chen,12,\nCy Dup,07911 123456,\n")
	cfg := contactpipe.Config{DefaultCountry: "GB"}
	for o, err := range contactpipe.Contacts(context.Background(), src, cfg) {
		if err != nil {
			fmt.Println("stopped:", err)
			return
		}
		switch {
		case o.Err != nil:
			fmt.Println("row", o.Row, "rejected:", o.Err.Code)
		case o.Duplicate != nil:
			fmt.Println("row", o.Row, "duplicates row", o.Duplicate.DuplicateOf)
		default:
			fmt.Println("row", o.Row, o.Contact.Msisdn, o.Contact.FirstName, o.Contact.LastName)
		}
	}
	// Output:
	// row 2 +447911123456 Ann Lee
	// row 3 rejected: invalid_phone
	// row 4 duplicates row 2
}

// Write the contacts to your own store in batches: a Sink gets the batching and the report
// accounting the API uploaders get.
func ExampleImportTo() {
	src := strings.NewReader("Mobile,Email\n+44 7911 123456,ann@example.com\n+44 7911 123457,\n+44 7911 123458,\n")
	sink := contactpipe.SinkFunc(func(ctx context.Context, b contactpipe.Batch) error {
		for i, c := range b.Contacts { // e.g. one INSERT of every contact, in one transaction
			fmt.Printf("batch %d: row %d %s\n", b.Index, b.Rows[i], c.Msisdn)
		}
		return nil // acknowledged: the batch's rows count as landed
	})
	rep, err := contactpipe.ImportTo(context.Background(), src, contactpipe.Config{MaxChunkRows: 2}, sink)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rep.Landed, "of", rep.Rows, "rows landed, status", rep.Status)
	// Output:
	// batch 1: row 2 +447911123456
	// batch 1: row 3 +447911123457
	// batch 2: row 4 +447911123458
	// 3 of 3 rows landed, status completed
}
