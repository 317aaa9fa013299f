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
	// rejected: row 5: the row has no address: give at least one of msisdn, email, weChatUserId, facebookUserId, zaloId, lineId, kakaoTalkId
	// 4 rows: 2 accepted, 1 rejected, 1 duplicate
	// msisdn,firstName,lastName,email
	// +442079460958,Ann,Lee,ann@example.com
	// +447911123456,Bo,Chen,
}
