package upload

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/textproto"
	"os"
	"strings"
)

// multipartFile prepares a multipart/form-data body made of fields followed by one file part, and
// returns a function that opens it afresh for every attempt: the fields and part header are built
// once, the file is read from disk each time, and the exact length is known (no chunked encoding).
func multipartFile(fields [][2]string, fileField, fileName, path string) (func() (io.ReadCloser, int64, string, error), error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	var head bytes.Buffer
	mw := multipart.NewWriter(&head)
	for _, f := range fields {
		if err := mw.WriteField(f[0], f[1]); err != nil {
			return nil, err
		}
	}
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"; filename="%s"`, quoteEscaper.Replace(fileField), quoteEscaper.Replace(fileName)))
	h.Set("Content-Type", "text/csv")
	if _, err := mw.CreatePart(h); err != nil {
		return nil, err
	}
	prefix := bytes.Clone(head.Bytes())
	head.Reset()
	if err := mw.Close(); err != nil {
		return nil, err
	}
	suffix := bytes.Clone(head.Bytes())
	size := st.Size()
	ctype := mw.FormDataContentType()
	return func() (io.ReadCloser, int64, string, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, 0, "", err
		}
		body := io.MultiReader(bytes.NewReader(prefix), io.LimitReader(f, size), bytes.NewReader(suffix))
		return readCloser{Reader: body, Closer: f}, int64(len(prefix)) + size + int64(len(suffix)), ctype, nil
	}, nil
}

var quoteEscaper = strings.NewReplacer("\\", "\\\\", `"`, "\\\"", "\r", "", "\n", "")

type readCloser struct {
	io.Reader
	io.Closer
}
