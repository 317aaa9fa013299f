package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/contactpipe/contactpipe/internal/contactsim"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// parsedFlags parses args (a command path and its flags, as a user types them) the way run does,
// and returns the command's flags.
func parsedFlags(t *testing.T, args ...string) *pflag.FlagSet {
	t.Helper()
	root := newRootCmd(&streams{stdin: strings.NewReader(""), stdout: new(bytes.Buffer), stderr: new(bytes.Buffer)})
	cmd, rest, err := root.Find(normalizeArgs(root, args))
	require.NoError(t, err)
	require.NoError(t, cmd.ParseFlags(rest), "%q", args)
	return cmd.Flags()
}

// TestEveryFlagBothForms: every flag scripts use is accepted as -name and as --name, before and
// after the file, and gets its value.
func TestEveryFlagBothForms(t *testing.T) {
	commands := map[string][][2]string{ // command path → flag and value as written ("" for bools)
		"import": {
			{"out", "o"}, {"format", "csv"}, {"header=false", ""}, {"columns", "msisdn,firstName"},
			{"sheet", "Leads"}, {"delimiter", ";"}, {"encoding", "latin1"}, {"country", "US"},
			{"max-chunk-bytes", "1000"}, {"max-chunk-rows", "5"}, {"groups", "1,2"}, {"no-dedupe", ""},
			{"target", "8x8"}, {"upload-concurrency", "3"}, {"quiet", ""}, {"force-out", ""}, {"max-reject-rate", "5%"}, {"json", ""},
			{"dedupe-redis", "redis://127.0.0.1:1/0"}, {"map", "Telefon=msisdn,Land=country"}, {"strict-columns", ""},
			{"strict-csv", ""}, {"invalid-field", "drop"}, {"dry-run", ""}, {"dedupe-job", "crm"}, {"dedupe-source", "w7"}, {"dedupe-ttl", "1h0m0s"}, {"batch-timeout", "5m0s"}, {"region", "us"},
			{"base-url", "http://127.0.0.1:1"}, {"account-id", "abc"}, {"api-key-file", "k"},
			{"rate", "2.5"}, {"wait=false", ""}, {"no-wait", ""}, {"koreai-url", "https://k"},
			{"stream-id", "st"}, {"koreai-account-id", "acc"}, {"fresh", ""},
		},
		"inspect": {
			{"format", "csv"}, {"header=false", ""}, {"columns", "msisdn,firstName"}, {"map", "Telefon=msisdn"},
			{"strict-columns", ""}, {"sheet", "Leads"}, {"delimiter", ";"}, {"encoding", "latin1"}, {"strict-csv", ""},
			{"country", "US"}, {"invalid-field", "drop"}, {"no-dedupe", ""}, {"rows", "10"}, {"json", ""},
		},
		"batch list":   {{"limit", "5"}, {"page", "2"}, {"type", "createContacts"}, {"region", "uk"}, {"base-url", "http://x"}, {"account-id", "a"}, {"api-key-file", "k"}, {"rate", "1"}},
		"batch status": {{"region", "uk"}, {"base-url", "http://x"}, {"account-id", "a"}, {"api-key-file", "k"}, {"rate", "1"}},
		"groups copy":  {{"from", "1"}, {"to", "2"}, {"wait", ""}, {"region", "uk"}, {"base-url", "http://x"}, {"account-id", "a"}, {"api-key-file", "k"}, {"rate", "1"}},
	}
	for path, flags := range commands {
		covered := map[string]bool{}
		for _, fv := range flags {
			name, val, _ := strings.Cut(fv[0], "=")
			if fv[1] != "" {
				val = fv[1]
			} else if val == "" {
				val = "true"
			}
			covered[name] = true
			for _, dashes := range []string{"-", "--"} {
				for _, after := range []bool{false, true} {
					args := strings.Fields(path)
					flagArgs := []string{dashes + fv[0]}
					if fv[1] != "" {
						flagArgs = append(flagArgs, fv[1])
					}
					if after {
						args = append(append(args, "file.csv"), flagArgs...)
					} else {
						args = append(append(args, flagArgs...), "file.csv")
					}
					fs := parsedFlags(t, args...)
					f := fs.Lookup(name)
					require.NotNil(t, f, "%s has no flag %s", path, name)
					assert.True(t, f.Changed, "%q", args)
					assert.Equal(t, val, f.Value.String(), "%q", args)
				}
			}
		}
		// The table covers every flag of the command (a new flag must be added here).
		fs := parsedFlags(t, strings.Fields(path)...)
		fs.VisitAll(func(f *pflag.Flag) {
			if f.Name != "help" {
				assert.True(t, covered[f.Name], "%s: flag -%s is not in the table", path, f.Name)
			}
		})
	}
}

func TestFlagsAnywhere(t *testing.T) {
	out := filepath.Join(t.TempDir(), "o")
	code, stdout, stderr := runCLI(t, "", "import", "-out", out, "../../testdata/messy.csv", "-country", "US", "--quiet=false")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "messy.csv: 12 rows")
	assert.FileExists(t, filepath.Join(out, "report.json"))
}

func TestNormalizeArgs(t *testing.T) {
	root := newRootCmd(&streams{})
	for _, tc := range []struct{ in, want string }{
		{"import -out o f.csv", "import --out o f.csv"},
		{"import -header=false -columns msisdn -", "import --header=false --columns msisdn -"},
		{"import -sheet -Data- f.xlsx", "import --sheet -Data- f.xlsx"}, // a flag's value stays
		{"import -h", "import -h"},
		{"import f.csv -- -out", "import f.csv -- -out"},
		{"batch list -page -1", "batch list --page -1"},
		{"-version", "--version"},
	} {
		assert.Equal(t, tc.want, strings.Join(normalizeArgs(root, strings.Fields(tc.in)), " "), tc.in)
	}
}

func TestHelpOnStdout(t *testing.T) {
	for _, args := range [][]string{
		{"import", "-h"}, {"import", "--help"}, {"import", "-help"}, {"help", "import"}, {"import", "x.csv", "-h"},
	} {
		code, stdout, stderr := runCLI(t, "", args...)
		assert.Equal(t, 0, code, "%q", args)
		assert.Empty(t, stderr, "%q", args)
		assert.Contains(t, stdout, "contactpipe import [flags] FILE", "%q", args)
		assert.Contains(t, stdout, "Examples:", "%q", args)
		assert.Contains(t, stdout, "--max-chunk-bytes", "%q", args)
		assert.NotContains(t, stdout, "(the default) (default true)", "%q", args)
	}
	for _, args := range [][]string{{"-h"}, {"--help"}, {"help"}} {
		code, stdout, stderr := runCLI(t, "", args...)
		assert.Equal(t, 0, code, "%q", args)
		assert.Empty(t, stderr, "%q", args)
		assert.Contains(t, stdout, "import", "%q", args)
		assert.Contains(t, stdout, "completion", "%q", args)
	}
	code, stdout, _ := runCLI(t, "", "help", "batch", "list")
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, "--page number")
}

func TestGoldenHelp(t *testing.T) {
	for _, tc := range []struct {
		golden string
		args   []string
	}{
		{"help.golden", []string{"--help"}},
		{"help-import.golden", []string{"import", "--help"}},
	} {
		code, stdout, stderr := runCLI(t, "", tc.args...)
		require.Equal(t, 0, code, stderr)
		path := filepath.Join("testdata", tc.golden)
		if *update {
			require.NoError(t, os.MkdirAll("testdata", 0o755))
			require.NoError(t, os.WriteFile(path, []byte(stdout), 0o644))
		}
		want, err := os.ReadFile(path)
		require.NoError(t, err, "run go test -run TestGoldenHelp -update")
		if string(want) != stdout {
			t.Errorf("%s differs (if the change is intended, run go test -run TestGoldenHelp -update):\n%s", path, lineDiff(string(want), stdout))
		}
	}
}

func TestDidYouMean(t *testing.T) {
	for _, tc := range []struct{ arg, want string }{
		{"--countr", "did you mean -country?"},
		{"-countr", "did you mean -country?"},
		{"--no-dedup", "did you mean -no-dedupe?"},
		{"-maxchunk-rows", "did you mean -max-chunk-rows?"},
	} {
		code, stdout, stderr := runCLI(t, "", "import", tc.arg, "US", "x.csv")
		assert.Equal(t, 2, code, tc.arg)
		assert.Empty(t, stdout)
		assert.Contains(t, stderr, tc.want, tc.arg)
		assert.True(t, strings.HasPrefix(stderr, "contactpipe: unknown flag"), stderr)
	}
	code, _, stderr := runCLI(t, "", "import", "--frobnicate", "x.csv")
	assert.Equal(t, 2, code)
	assert.NotContains(t, stderr, "did you mean")
	code, _, stderr = runCLI(t, "", "improt", "x.csv")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "import", "a misspelt command gets a suggestion")
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}, {"-version"}} {
		code, stdout, stderr := runCLI(t, "", args...)
		assert.Equal(t, 0, code, stderr)
		assert.Regexp(t, `^contactpipe \S+ .*go1\.\d+`, stdout, "%q", args)
	}
}

func TestCompletion(t *testing.T) {
	for _, sh := range []string{"bash", "zsh", "fish"} {
		code, stdout, stderr := runCLI(t, "", "completion", sh)
		assert.Equal(t, 0, code, stderr)
		assert.Contains(t, stdout, "contactpipe", sh)
		assert.Greater(t, len(stdout), 1000, sh)
	}
	// The shell asks the program for candidates: flag values are offered.
	code, stdout, _ := runCLI(t, "", cobra.ShellCompRequestCmd, "import", "--target", "")
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, "8x8\nkoreai")
}

// TestOneErrorPrefix: a library error is printed once with "contactpipe: ", not
// "contactpipe import: contactpipe: …".
func TestOneErrorPrefix(t *testing.T) {
	code, _, stderr := runCLI(t, "", "import", "-out", t.TempDir(), "-country", "Atlantis", "../../testdata/contacts.csv")
	assert.Equal(t, 2, code)
	assert.True(t, strings.HasPrefix(stderr, "contactpipe: "), stderr)
	assert.NotContains(t, stderr, "contactpipe: contactpipe:")
	assert.NotContains(t, stderr, "contactpipe import:")
	assert.Contains(t, stderr, "Atlantis")
	assert.LessOrEqual(t, strings.Count(stderr, "\n"), 2, "an error and a hint, not the whole usage:\n%s", stderr)
}

// TestIneffectiveFlags: flags that contradict each other or do nothing with the input or target
// are refused (exit 2) before anything is written.
func TestIneffectiveFlags(t *testing.T) {
	xlsx, csvFile := "../../testdata/contacts.xlsx", "../../testdata/contacts.csv"
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"format xlsx on a csv", []string{"-format", "xlsx", csvFile}, "contacts.csv is a csv file"},
		{"format csv on an xlsx", []string{"-format", "csv", xlsx}, "contacts.xlsx is a xlsx file"},
		{"sheet on a csv", []string{"-sheet", "Leads", csvFile}, "-sheet has no effect"},
		{"delimiter on an xlsx", []string{"-delimiter", ";", xlsx}, "-delimiter has no effect"},
		{"encoding on an xlsx", []string{"-encoding", "latin1", xlsx}, "-encoding has no effect"},
		{"groups with dir", []string{"-groups", "1", csvFile}, "-groups has no effect with -target dir"},
		{"region with dir", []string{"-region", "us", csvFile}, "-region has no effect with -target dir"},
		{"account with dir", []string{"-account-id", contactsim.DefaultAccountID, csvFile}, "-account-id has no effect"},
		{"groups with koreai", []string{"-target", "koreai", "-groups", "1", csvFile}, "-groups has no effect with -target koreai"},
		{"stream with 8x8", []string{"-target", "8x8", "-stream-id", "s", csvFile}, "-stream-id has no effect with -target 8x8"},
		{"batch-timeout with dir", []string{"-batch-timeout", "1m", csvFile}, "-batch-timeout has no effect with -target dir"},
		{"wait and no-wait", []string{"-target", "8x8", "-wait", "-no-wait", csvFile}, "-wait and -no-wait contradict"},
		{"sheet on stdin csv", []string{"-sheet", "Leads", "-"}, "-sheet has no effect"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			args := append([]string{"import", "-out", out}, tc.args...)
			code, _, stderr := runCLI(t, "a,b\n1,2\n", args...)
			assert.Equal(t, 2, code, stderr)
			assert.Contains(t, stderr, tc.want)
			assert.NoDirExists(t, out, "nothing written")
		})
	}
	// Consistent combinations still run.
	for _, args := range [][]string{
		{"-format", "csv", csvFile}, {"-format", "XLSX", xlsx}, {"-sheet", "Contacts", xlsx}, {"-wait=false", "-no-wait", "-target", "8x8", "x"},
	} {
		if args[len(args)-1] == "x" {
			continue // needs an API; parsed only
		}
		code, _, stderr := runCLI(t, "", append([]string{"import", "-quiet", "-out", t.TempDir()}, args...)...)
		assert.Equal(t, 0, code, "%q: %s", args, stderr)
	}
}

func TestBatchListPages(t *testing.T) {
	_, base := simServer(t, contactsim.Options{})
	t.Setenv(envAPIKey, contactsim.DefaultAPIKey)
	conn := []string{"-base-url", base, "-account-id", contactsim.DefaultAccountID}
	for i := range 3 {
		code, _, stderr := runCLI(t, "", append(append([]string{"import", "-target", "8x8", "-out", t.TempDir()}, conn...), writeContacts(t, i+1))...)
		require.Equal(t, 0, code, stderr)
	}
	for _, page := range []int{1, 2, 3} {
		code, stdout, stderr := runCLI(t, "", append([]string{"batch", "list", "-limit", "1", "-page", strings.Repeat("", 0) + string(rune('0'+page))}, conn...)...)
		require.Equal(t, 0, code, stderr)
		var p struct {
			Page  int
			Items []json.RawMessage
		}
		require.NoError(t, json.Unmarshal([]byte(stdout), &p))
		assert.Equal(t, page, p.Page, "-page N answers the page the API numbers N")
		assert.Len(t, p.Items, 1)
	}
	code, _, stderr := runCLI(t, "", append([]string{"batch", "list", "-page", "0"}, conn...)...)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "numbered from 1")
}

// lineDiff lists the lines of want missing from got (-) and those of got not in want (+).
func lineDiff(want, got string) string {
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			m[l] = true
		}
		return m
	}
	w, g := in(want), in(got)
	var b strings.Builder
	for _, l := range strings.Split(want, "\n") {
		if !g[l] {
			b.WriteString("- " + l + "\n")
		}
	}
	for _, l := range strings.Split(got, "\n") {
		if !w[l] {
			b.WriteString("+ " + l + "\n")
		}
	}
	return b.String()
}
