package redisdedupe_test

import (
	"context"
	"fmt"
	"log"

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
