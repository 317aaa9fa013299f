package main

import (
	"flag"
	"os"
	"testing"

	"github.com/redis/go-redis/v9"
)

// longFlag turns on the slow tests (the kill-and-resume storm); .ci/run sets CONTACTPIPE_LONG=1.
var longFlag = flag.Bool("long", false, "run the slow tests too (also CONTACTPIPE_LONG=1)")

func longRun() bool { return *longFlag || os.Getenv("CONTACTPIPE_LONG") == "1" }

func TestMain(m *testing.M) {
	// The simulator finishes batches in milliseconds: poll it every few, not every second.
	os.Setenv(envPollInterval, "5ms")
	redis.SetLogger(quietLogger{}) // as main does
	os.Exit(m.Run())
}
