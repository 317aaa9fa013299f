// Command contactsim serves a simulator of the 8x8 Contacts API and of Kore.ai's contact import on
// a loopback address, with optional fault injection, for demos and manual tests of contactpipe:
//
//	contactsim -addr 127.0.0.1:8089
//	CONTACTPIPE_8X8_API_KEY=sim-api-key contactpipe import -target 8x8 \
//	    -base-url http://127.0.0.1:8089 -account-id 0f8fad5b-d9cb-469f-a165-70867728950e contacts.csv
//
// The key and Kore.ai secret default to the simulator's demo values and can be changed with the
// CONTACTSIM_API_KEY and CONTACTSIM_KORE_SECRET environment variables. On exit (Ctrl-C) it prints
// what it saw: requests, injected faults, batches and contacts.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/contactpipe/contactpipe/internal/contactsim"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("contactsim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		addr       = fs.String("addr", "127.0.0.1:8089", "loopback `host:port` to listen on (port 0 picks one)")
		fileAddr   = fs.String("file-addr", "", "optional second loopback `host:port` serving invalid-rows files (another origin)")
		account    = fs.String("account-id", contactsim.DefaultAccountID, "the 8x8 account id the simulator knows")
		koreAcct   = fs.String("kore-account-id", "", "the only accountId header Kore.ai accepts (empty: any)")
		maxFile    = fs.Int64("max-file-bytes", contactsim.DefaultMaxFileBytes, "upload size limit in bytes")
		tooLarge   = fs.Int("file-too-large-status", http.StatusRequestEntityTooLarge, "HTTP status of the file-size error (413 or 400)")
		queue      = fs.Duration("queue-delay", 2*time.Second, "how long a batch stays queued")
		process    = fs.Duration("process-delay", 3*time.Second, "how long a batch is then in progress")
		errRate    = fs.Float64("error-rate", 0, "probability of a 500/502/503 answer")
		rlRate     = fs.Float64("rate-limit-rate", 0, "probability of a 429 answer")
		retryAfter = fs.Duration("retry-after", time.Second, "Retry-After of a 429")
		resetB     = fs.Float64("reset-before-rate", 0, "probability of cutting the connection before acting on a request")
		resetA     = fs.Float64("reset-after-rate", 0, "probability of cutting the connection after committing a POST")
		failRate   = fs.Float64("batch-fail-rate", 0, "probability of a batch ending with status failed")
		latency    = fs.Duration("latency", 0, "delay added to every answer")
		slow       = fs.Duration("slow-body", 0, "delay between 256-byte pieces of every answer body")
		seed       = fs.Uint64("seed", 0, "seed for the fault dice (0: random)")
		verbose    = fs.Bool("v", false, "log every request on stderr")
	)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if !contactsim.AccountIDPattern.MatchString(*account) {
		fmt.Fprintln(stderr, "contactsim: -account-id does not match the API's pattern")
		return 2
	}
	opts := contactsim.Options{
		AccountID:          *account,
		APIKey:             envOr("CONTACTSIM_API_KEY", contactsim.DefaultAPIKey),
		KoreSecret:         envOr("CONTACTSIM_KORE_SECRET", contactsim.DefaultKoreSecret),
		KoreAccountID:      *koreAcct,
		MaxFileBytes:       *maxFile,
		FileTooLargeStatus: *tooLarge,
		QueueDelay:         nonZero(*queue),
		ProcessDelay:       nonZero(*process),
		Seed:               *seed,
		Faults: contactsim.Faults{
			ResetBefore: *resetB, RateLimit: *rlRate, RetryAfter: *retryAfter, Error: *errRate,
			ResetAfter: *resetA, BatchFail: *failRate, Latency: *latency, SlowBody: *slow,
		},
	}
	if *verbose {
		opts.Logger = slog.New(slog.NewTextHandler(stderr, nil))
	}
	ln, err := listenLoopback(*addr)
	if err != nil {
		fmt.Fprintln(stderr, "contactsim:", err)
		return 1
	}
	var fileLn net.Listener
	if *fileAddr != "" {
		if fileLn, err = listenLoopback(*fileAddr); err != nil {
			fmt.Fprintln(stderr, "contactsim:", err)
			return 1
		}
		opts.FileBaseURL = "http://" + fileLn.Addr().String()
	}
	sim := contactsim.New(opts)
	srv := &http.Server{Handler: sim, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ln) }()
	if fileLn != nil {
		go func() { errc <- srv.Serve(fileLn) }()
	}
	base := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "contactsim: serving the 8x8 Contacts API and Kore.ai import on %s\n", base)
	fmt.Fprintf(stdout, "  8x8:     -base-url %s -account-id %s   (api key: CONTACTPIPE_8X8_API_KEY=%s)\n", base, opts.AccountID, opts.APIKey)
	fmt.Fprintf(stdout, "  kore.ai: -koreai-url %s -stream-id st-demo -koreai-account-id demo   (CONTACTPIPE_KOREAI_CLIENT_ID=demo CONTACTPIPE_KOREAI_CLIENT_SECRET=%s)\n", base, opts.KoreSecret)
	select {
	case <-ctx.Done():
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(stderr, "contactsim:", err)
			return 1
		}
	}
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(shut)
	summary := struct {
		Stats        contactsim.Stats `json:"stats"`
		Faults       int              `json:"faults"`
		Batches      int              `json:"batches"`
		Contacts     int              `json:"contacts"`
		KoreContacts int              `json:"koreContacts"`
	}{sim.Stats(), sim.Stats().Faults(), len(sim.Batches()), len(sim.Contacts()), len(sim.KoreContacts())}
	b, _ := json.Marshal(summary)
	fmt.Fprintf(stdout, "contactsim: %s\n", b)
	return 0
}

// listenLoopback listens on addr, which must be a loopback address: the simulator speaks plain
// HTTP and accepts demo credentials.
func listenLoopback(addr string) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("bad address %q: %w", addr, err)
	}
	ip := net.ParseIP(host)
	if host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("refusing to listen on %s: loopback addresses only", addr)
	}
	return net.Listen("tcp", addr)
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// nonZero turns an explicit 0 into the simulator's "no delay" (a negative duration).
func nonZero(d time.Duration) time.Duration {
	if d == 0 {
		return -1
	}
	return d
}
