package redisdedupe_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/contactpipe/contactpipe"
	"github.com/contactpipe/contactpipe/dedupe"
	"github.com/contactpipe/contactpipe/dedupe/redisdedupe"
)

// redisURL is the Redis the example uses; TestMain points it at a redis-server of its own.
var redisURL = "redis://localhost:6379/0"

// Two workers of one job, each importing its own file, share a Redis: an address claimed by one
// is a duplicate for the other, and the duplicate names the row and the file that won it.
func Example() {
	ctx := context.Background()
	opts := redisdedupe.Options{Job: "crm-migration", Source: "export-1.csv"} // TTL: 7 days
	w1, err := redisdedupe.Open(ctx, redisURL, opts)
	if err != nil {
		log.Fatal(err)
	}
	defer w1.Close()
	opts.Source = "export-2.csv"
	w2, err := redisdedupe.Open(ctx, redisURL, opts)
	if err != nil {
		log.Fatal(err)
	}
	defer w2.Close()

	ann := dedupe.Address{Kind: "email", Value: "ann@example.com"}
	results := make([]dedupe.Result, 2)
	err = w1.ClaimBatch(ctx, []dedupe.Claim{
		{Row: 2, Addrs: []dedupe.Address{ann}},
		{Row: 3, Addrs: []dedupe.Address{{Kind: "msisdn", Value: "+16505550100"}}},
	}, results)
	if err != nil {
		log.Fatal(err) // Redis is unreachable: stop the import
	}
	fmt.Println("export-1.csv:", results[0].Dup, results[1].Dup)

	err = w2.ClaimBatch(ctx, []dedupe.Claim{
		{Row: 7, Addrs: []dedupe.Address{{Kind: "email", Value: "ANN@example.com"}}},
		{Row: 8, Addrs: []dedupe.Address{{Kind: "msisdn", Value: "+16505550199"}}},
	}, results)
	if err != nil {
		log.Fatal(err)
	}
	m := results[0].Match
	fmt.Printf("export-2.csv row 7: duplicate of %s row %d (%s)\n", m.Source, m.Row, m.Address.Kind)
	fmt.Println("export-2.csv row 8:", results[1].Dup)
	// Output:
	// export-1.csv: false false
	// export-2.csv row 7: duplicate of export-1.csv row 2 (email)
	// export-2.csv row 8: false
}

// Each worker of a job — a process of its own, perhaps on another machine — opens the job's
// Redis deduper under its own source name and hands it to the import. Here the two workers run
// one after the other; in production they run at once.
func ExampleOpen() {
	ctx := context.Background()
	files := []struct{ name, data string }{
		{"export-1.csv", "Mobile,Email\n+44 7911 123456,ann@example.com\n+44 7911 123457,\n"},
		{"export-2.csv", "Mobile,Email\n+44 7911 123458,bo@example.com\n07911 123456,\n"},
	}
	for _, f := range files {
		dd, err := redisdedupe.Open(ctx, redisURL, redisdedupe.Options{Job: "crm-2026", Source: f.name})
		if err != nil {
			log.Fatal(err)
		}
		cfg := contactpipe.Config{Source: f.name, DefaultCountry: "GB", Deduper: dd}
		for o, err := range contactpipe.Contacts(ctx, strings.NewReader(f.data), cfg) {
			if err != nil {
				log.Fatal(err) // e.g. Redis went away: stop here; running the file again is safe
			}
			if d := o.Duplicate; d != nil {
				fmt.Printf("%s row %d: duplicate of %s row %d\n", f.name, o.Row, d.DuplicateOfSource, d.DuplicateOf)
			} else if o.Accepted() {
				fmt.Printf("%s row %d: accepted\n", f.name, o.Row)
			}
		}
		dd.Close()
	}
	// Output:
	// export-1.csv row 2: accepted
	// export-1.csv row 3: accepted
	// export-2.csv row 2: accepted
	// export-2.csv row 3: duplicate of export-1.csv row 2
}
