package main

import (
	"bytes"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/pflag"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/contactpipe/contactpipe/internal/contactsim"
	"github.com/contactpipe/contactpipe/internal/redistest"
)

// The README's code blocks are a promise: every one is checked here. A Go block must be the body
// of the Example function the text before it names (go test compiles and runs that); a sh block is
// run line by line against testdata, the simulator and a redis-server; the report.json example is
// a real run's report (-update rewrites it); the inspect example's lines appear in a real run's
// output; the command synopsis names commands that exist.

const readmePath = "../../README.md"

// codeBlock is one fenced block of the README.
type codeBlock struct {
	line   int    // 1-based line of the opening fence
	lang   string // "go", "sh", "json" or ""
	text   string // the block's content
	before string // the paragraph before it
}

func readmeBlocks(t *testing.T) []codeBlock {
	t.Helper()
	data, err := os.ReadFile(readmePath)
	require.NoError(t, err)
	lines := strings.Split(string(data), "\n")
	var blocks []codeBlock
	for i := 0; i < len(lines); i++ {
		if !strings.HasPrefix(lines[i], "```") {
			continue
		}
		b := codeBlock{line: i + 1, lang: strings.TrimPrefix(lines[i], "```")}
		for j := i - 1; j >= 0 && j >= i-4 && !strings.HasPrefix(lines[j], "```"); j-- {
			b.before = lines[j] + "\n" + b.before
		}
		var body []string
		for i++; i < len(lines) && !strings.HasPrefix(lines[i], "```"); i++ {
			body = append(body, lines[i])
		}
		b.text = strings.Join(body, "\n")
		blocks = append(blocks, b)
	}
	require.NotEmpty(t, blocks)
	return blocks
}

var (
	exampleName = regexp.MustCompile("`(Example[A-Za-z_]*)`")
	exampleFile = regexp.MustCompile("`([a-z/]*example_test\\.go)`")
)

// exampleBody returns the body of function name in file (relative to the repository root),
// without its Output comment, one tab of indentation removed.
func exampleBody(t *testing.T, file, name string) string {
	t.Helper()
	path := filepath.Join("../..", file)
	src, err := os.ReadFile(path)
	require.NoError(t, err)
	f, err := parser.ParseFile(token.NewFileSet(), path, src, parser.ParseComments)
	require.NoError(t, err)
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Name.Name != name {
			continue
		}
		fset := token.NewFileSet()
		tf := fset.AddFile(path, -1, len(src))
		tf.SetLinesForContent(src)
		body := string(src[fn.Body.Lbrace-f.FileStart+1 : fn.Body.Rbrace-f.FileStart])
		if i := strings.Index(body, "\t// Output:"); i >= 0 {
			body = body[:i]
		}
		if i := strings.Index(body, "\t// Unordered output:"); i >= 0 {
			body = body[:i]
		}
		var out []string
		for _, l := range strings.Split(strings.Trim(body, "\n"), "\n") {
			out = append(out, strings.TrimPrefix(l, "\t"))
		}
		return strings.TrimRight(strings.Join(out, "\n"), "\n\t ")
	}
	t.Fatalf("%s has no function %s", file, name)
	return ""
}

// TestReadmeGoBlocks: each Go block is the body of the Example it names, so go test compiles and
// runs it.
func TestReadmeGoBlocks(t *testing.T) {
	n := 0
	for _, b := range readmeBlocks(t) {
		if b.lang != "go" {
			continue
		}
		n++
		m := exampleName.FindAllStringSubmatch(b.before, -1)
		if !assert.NotEmpty(t, m, "README.md:%d: the text before a Go block names its Example function", b.line) {
			continue
		}
		name := m[len(m)-1][1]
		file := "example_test.go"
		if fm := exampleFile.FindStringSubmatch(b.before); fm != nil {
			file = fm[1]
		}
		assert.Equal(t, exampleBody(t, file, name), strings.TrimSpace(b.text), "README.md:%d differs from %s in %s: keep them identical", b.line, name, file)
	}
	assert.Positive(t, n)
}

// shRunner runs the README's shell lines in a scratch directory beside the repository's testdata.
type shRunner struct {
	t     *testing.T
	dir   string
	sim   string // the simulator's URL, once started
	redis string // a redis-server's host:port, once needed
	env   map[string]string
}

// substitutions make the README's placeholders concrete.
func (r *shRunner) expand(line string) string {
	if r.sim != "" {
		line = strings.ReplaceAll(line, "http://127.0.0.1:8089", r.sim)
	}
	if strings.Contains(line, "redis://HOST:6379") {
		if r.redis == "" {
			r.redis = redistest.Start(r.t, redistest.Options{}).Addr
		}
		line = strings.ReplaceAll(line, "HOST:6379", r.redis)
	}
	return line
}

// run runs one command line; it returns the exit status and output.
func (r *shRunner) run(line string) (int, string) {
	t := r.t
	fields := strings.Fields(r.expand(line))
	for len(fields) > 0 && regexp.MustCompile(`^[A-Z0-9_]+=`).MatchString(fields[0]) {
		k, v, _ := strings.Cut(fields[0], "=")
		t.Setenv(k, v)
		fields = fields[1:]
	}
	var args []string
	switch {
	case len(fields) >= 3 && fields[0] == "go" && fields[1] == "run" && fields[2] == "./cmd/contactsim":
		_, url := simServer(t, contactsim.Options{})
		r.sim = url
		return 0, ""
	case len(fields) >= 2 && fields[0] == "go" && fields[1] == "test":
		return 0, "" // the test command: this is its run
	case len(fields) >= 3 && fields[0] == "go" && fields[1] == "run" && fields[2] == "./cmd/contactpipe":
		args = fields[3:]
	case len(fields) >= 1 && fields[0] == "contactpipe":
		args = fields[1:]
	default:
		t.Fatalf("README: cannot run %q", line)
	}
	for i, a := range args {
		args[i] = strings.Trim(a, `'"`)
		// A file the README takes as an example of the user's own: a copy of testdata's.
		if strings.HasSuffix(a, ".csv") && !strings.Contains(a, "/") {
			if _, err := os.Stat(a); err != nil {
				b, err := os.ReadFile("testdata/contacts.csv")
				require.NoError(t, err)
				require.NoError(t, os.WriteFile(a, b, 0o600))
			}
		}
	}
	var out, errb bytes.Buffer
	code := run(t.Context(), args, strings.NewReader(""), &out, &errb)
	return code, out.String() + errb.String()
}

// shLines splits a sh block into command lines: comments dropped, continuations joined, a trailing
// comment removed.
func shLines(text string) []string {
	var lines []string
	cur := ""
	for _, l := range strings.Split(text, "\n") {
		if i := strings.Index(l, " #"); i >= 0 && !strings.Contains(l[:i], "'") {
			l = l[:i]
		}
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "#") {
			continue
		}
		if strings.HasSuffix(l, "\\") {
			cur += strings.TrimSuffix(l, "\\") + " "
			continue
		}
		if l = strings.TrimSuffix(strings.TrimSpace(cur+l), "&"); strings.TrimSpace(l) != "" {
			lines = append(lines, strings.TrimSpace(l))
		}
		cur = ""
	}
	return lines
}

// TestReadmeShellBlocks runs every sh block, in README order, in one scratch directory.
func TestReadmeShellBlocks(t *testing.T) {
	repo, err := filepath.Abs("../..")
	require.NoError(t, err)
	dir := t.TempDir()
	require.NoError(t, os.Symlink(filepath.Join(repo, "testdata"), filepath.Join(dir, "testdata")))
	blocks := readmeBlocks(t)
	t.Chdir(dir)
	r := &shRunner{t: t, dir: dir}
	n := 0
	for _, b := range blocks {
		if b.lang != "sh" {
			continue
		}
		for _, line := range shLines(b.text) {
			n++
			code, out := r.run(line)
			assert.Contains(t, []int{0, 3}, code, "README.md:%d: %s\n%s", b.line, line, out)
		}
	}
	assert.Positive(t, n)
	assert.FileExists(t, filepath.Join(dir, "contactpipe-out", "report.json"), "the Start here command's output")
}

// TestReadmeCLIBlocks checks the blocks without a language: the synopsis names commands whose
// help works, and the inspect example's lines are in a real run's output, in order.
func TestReadmeCLIBlocks(t *testing.T) {
	blocks := readmeBlocks(t)
	t.Chdir("../..")
	for _, b := range blocks {
		if b.lang != "" {
			continue
		}
		lines := strings.Split(b.text, "\n")
		if cmd, ok := strings.CutPrefix(lines[0], "$ "); ok {
			fields := strings.Fields(cmd)
			require.Equal(t, "contactpipe", fields[0])
			code, stdout, stderr := runCLI(t, "", fields[1:]...)
			require.Equal(t, 0, code, stderr)
			pos := 0
			for _, want := range lines[1:] {
				if want == "…" || want == "" {
					continue
				}
				i := strings.Index(stdout[pos:], want+"\n")
				if !assert.GreaterOrEqual(t, i, 0, "README.md:%d: %q is not in the output of %s (in order):\n%s", b.line, want, cmd, stdout) {
					break
				}
				pos += i + len(want)
			}
			continue
		}
		for _, l := range lines {
			fields := strings.Fields(l)
			if len(fields) < 2 || fields[0] != "contactpipe" {
				continue
			}
			var path []string
			for _, f := range fields[1:] {
				if strings.ContainsAny(f, "[]|(") || strings.ToUpper(f) == f {
					break
				}
				path = append(path, f)
			}
			code, stdout, stderr := runCLI(t, "", append(path, "--help")...)
			assert.Equal(t, 0, code, "README.md:%d: contactpipe %s --help: %s", b.line, strings.Join(path, " "), stderr)
			assert.NotEmpty(t, stdout)
		}
	}
}

// TestReadmeReportExample: the report.json example is what a run of the Start here command
// writes (durationMs aside); -update rewrites it.
func TestReadmeReportExample(t *testing.T) {
	blocks := readmeBlocks(t)
	t.Chdir("../..")
	out := filepath.Join(t.TempDir(), "contactpipe-out")
	code, _, stderr := runCLI(t, "", "import", "-quiet", "-out", out, "testdata/messy.csv")
	require.Equal(t, 0, code, stderr)
	got, err := os.ReadFile(filepath.Join(out, "report.json"))
	require.NoError(t, err)
	var gotMap map[string]any
	require.NoError(t, json.Unmarshal(got, &gotMap))
	gotMap["durationMs"] = float64(3)

	var block *codeBlock
	for _, b := range blocks {
		if b.lang == "json" && strings.Contains(b.before, "report.json") {
			block = &b
		}
	}
	require.NotNil(t, block, "README has a report.json example")
	if *update {
		canon := regexp.MustCompile(`"durationMs": [0-9]+`).ReplaceAll(bytes.TrimSpace(got), []byte(`"durationMs": 3`))
		data, err := os.ReadFile("README.md")
		require.NoError(t, err)
		data = bytes.Replace(data, []byte("```json\n"+block.text+"\n```"), []byte("```json\n"+string(canon)+"\n```"), 1)
		require.NoError(t, os.WriteFile("README.md", data, 0o644))
		block.text = string(canon)
	}
	var want map[string]any
	require.NoError(t, json.Unmarshal([]byte(block.text), &want), "README.md:%d is JSON", block.line)
	assert.Equal(t, want, gotMap, "README.md:%d: the report.json example is stale: run go test ./cmd/contactpipe -run TestReadmeReportExample -update", block.line)
}

// TestReadmeFlagsTable: the README's flags table lists every flag of import, and the inspect
// section inspect's own.
func TestReadmeFlagsTable(t *testing.T) {
	data, err := os.ReadFile(readmePath)
	require.NoError(t, err)
	var table strings.Builder
	for _, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, "| `-") {
			table.WriteString(l + "\n")
		}
	}
	for _, path := range []string{"import", "inspect"} {
		parsedFlags(t, path).VisitAll(func(f *pflag.Flag) {
			if f.Name == "help" {
				return
			}
			mention := regexp.MustCompile("[` ]-" + regexp.QuoteMeta(f.Name) + "[ =`]")
			if path == "inspect" {
				assert.True(t, mention.MatchString(string(data)), "README does not mention inspect's -%s", f.Name)
				return
			}
			assert.True(t, mention.MatchString(table.String()), "README's flags table lacks -%s", f.Name)
		})
	}
}

// TestReadmeFuzzCommand: the fuzz command README's "Fuzzing" section shows (indented, so the sh
// runner does not take it) names a package and a Fuzz target that exist, with flags go test
// knows. With -long (CONTACTPIPE_LONG=1, as .ci/run sets) the command is run for a few execs.
func TestReadmeFuzzCommand(t *testing.T) {
	data, err := os.ReadFile(readmePath)
	require.NoError(t, err)
	var cmds []string
	for _, l := range strings.Split(string(data), "\n") {
		if s, ok := strings.CutPrefix(l, "    go test "); ok && strings.Contains(s, "-fuzz ") {
			cmds = append(cmds, s)
		}
	}
	require.NotEmpty(t, cmds, "README shows no fuzz command")
	known := map[string]bool{"-run": true, "-fuzz": true, "-fuzztime": true, "-fuzzminimizetime": true, "-parallel": true}
	for _, cmd := range cmds {
		args := strings.Fields(cmd)
		var pkg, target string
		for i := 0; i < len(args); i++ {
			a := args[i]
			switch {
			case strings.HasPrefix(a, "./"):
				pkg = a
			case known[a] && i+1 < len(args):
				if a == "-fuzz" {
					target = strings.Trim(args[i+1], `'"^$`)
				}
				args[i+1] = strings.Trim(args[i+1], `'"`)
				i++
			default:
				t.Errorf("README fuzz command %q: unexpected argument %q", cmd, a)
			}
		}
		require.NotEmpty(t, pkg, cmd)
		require.NotEmpty(t, target, cmd)
		files, err := filepath.Glob(filepath.Join("../..", pkg, "*_test.go"))
		require.NoError(t, err)
		found := false
		for _, f := range files {
			b, err := os.ReadFile(f)
			require.NoError(t, err)
			found = found || strings.Contains(string(b), "\nfunc "+target+"(f *testing.F)")
		}
		assert.True(t, found, "README fuzz command %q: %s has no %s", cmd, pkg, target)
		if !longRun() || !found {
			continue
		}
		for i, a := range args {
			if a == "-fuzztime" {
				args[i+1] = "20x"
			}
		}
		run := exec.Command("go", append([]string{"test"}, args...)...)
		run.Dir = "../.."
		out, err := run.CombinedOutput()
		assert.NoError(t, err, "go test %s:\n%s", strings.Join(args, " "), out)
	}
}
