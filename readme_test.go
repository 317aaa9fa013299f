package contactpipe_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestREADMEShowsExamples: each Go block of README's Library section is the body of the Example
// function it names, so what the README shows is compiled and run by go test.
func TestREADMEShowsExamples(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	src, err := os.ReadFile("example_test.go")
	require.NoError(t, err)
	for _, name := range []string{"ExampleImport", "ExampleContacts", "ExampleImportTo"} {
		t.Run(name, func(t *testing.T) {
			_, after, ok := strings.Cut(string(readme), "(`"+name+"`")
			require.True(t, ok, "README names %s", name)
			_, block, ok := strings.Cut(after, "```go\n")
			require.True(t, ok)
			block, _, ok = strings.Cut(block, "```\n")
			require.True(t, ok)

			_, body, ok := strings.Cut(string(src), "func "+name+"() {\n")
			require.True(t, ok)
			body, _, ok = strings.Cut(body, "\t// Output:")
			require.True(t, ok)
			var want strings.Builder
			for _, line := range strings.SplitAfter(body, "\n") {
				want.WriteString(strings.TrimPrefix(line, "\t"))
			}
			assert.Equal(t, want.String(), block)
		})
	}
}
