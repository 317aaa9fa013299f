package contactsim

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// batch is a batch job.
type batch struct {
	seq      int
	id       string
	typ      string
	created  time.Time
	fileName string
	fileLoc  string
	invLoc   string
	// createContacts: column fields ("" for ignored columns), the header as sent, the rows.
	cols    []string
	header  []string
	rows    [][]string
	groups  []int
	from    int
	to      int
	fail    bool
	applied bool
	final   string
	total   int
	ins     int
	dup     int
	errs    int
	invalid []byte
}

// BatchInfo describes a batch for tests.
type BatchInfo struct {
	ID, Type, FileName, Status  string
	Total, Inserted, Duplicated int
	Errors                      int
	InvalidFileLocation         string
	Created                     time.Time
}

// Batches returns every batch, oldest first.
func (s *Server) Batches() []BatchInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	s.advance(now)
	out := make([]BatchInfo, 0, len(s.batches))
	for _, b := range s.batches {
		out = append(out, BatchInfo{ID: b.id, Type: b.typ, FileName: b.fileName, Status: s.status(b, now),
			Total: b.total, Inserted: b.ins, Duplicated: b.dup, Errors: b.errs, InvalidFileLocation: b.invLoc, Created: b.created})
	}
	return out
}

// status is b's status at now. Called with s.mu held after advance.
func (s *Server) status(b *batch, now time.Time) string {
	if b.applied {
		return b.final
	}
	if now.Before(b.created.Add(s.opts.QueueDelay)) {
		return "queued"
	}
	return "inProgress"
}

// advance applies, in creation order, every batch whose processing time has passed. Called with
// s.mu held.
func (s *Server) advance(now time.Time) {
	for _, b := range s.batches {
		if b.applied || now.Before(b.created.Add(s.opts.QueueDelay+s.opts.ProcessDelay)) {
			continue
		}
		b.applied = true
		if b.fail {
			b.final = "failed"
			s.stats.BatchesFailed++
			continue
		}
		b.final = "completed"
		switch b.typ {
		case "createContacts":
			s.applyCreate(b, now)
		case "copyContacts":
			for _, c := range s.contacts {
				if slices.Contains(c.Groups, b.from) && !slices.Contains(c.Groups, b.to) {
					c.Groups = append(c.Groups, b.to)
				}
			}
			s.touchGroup(b.to, now)
		}
	}
}

// applyCreate applies a createContacts batch's rows. Called with s.mu held.
func (s *Server) applyCreate(b *batch, now time.Time) {
	var inv bytes.Buffer
	w := csv.NewWriter(&inv)
	_ = w.Write(append(slices.Clone(b.header), "errorMessage"))
	for _, rec := range b.rows {
		b.total++
		f := map[string]string{}
		for i, col := range b.cols {
			if col != "" && i < len(rec) {
				f[col] = strings.TrimSpace(rec[i])
			}
		}
		msg := checkFields(f)
		if msg == "" {
			switch _, o := s.upsert(f, b.groups, now); o {
			case created:
				b.ins++
			case merged:
				b.dup++
			default:
				msg = MsgConflict
			}
		}
		if msg != "" {
			b.errs++
			_ = w.Write(append(slices.Clone(rec), msg))
		}
	}
	w.Flush()
	if b.errs > 0 {
		b.invalid = inv.Bytes()
	} else {
		b.invLoc = ""
	}
	b.rows = nil // applied: free the memory
}

// batchJSON is the API's batch-job / batch-upload-job model.
type batchJSON struct {
	FileName            string `json:"fileName,omitempty"`
	FileType            string `json:"fileType,omitempty"`
	FileLocation        string `json:"fileLocation,omitempty"`
	InvalidFileLocation string `json:"invalidFileLocation,omitempty"`
	TotalRows           *int   `json:"totalRows,omitempty"`
	ErrorRows           *int   `json:"errorRows,omitempty"`
	DuplicatedRows      *int   `json:"duplicatedRows,omitempty"`
	InsertedRows        *int   `json:"insertedRows,omitempty"`
	ContactGroups       *int   `json:"contactGroups,omitempty"`
	ID                  string `json:"id"`
	Type                string `json:"type"`
	Status              string `json:"status"`
	CreatedAt           string `json:"createdAt"`
}

// view renders b. Called with s.mu held after advance.
func (s *Server) view(b *batch, now time.Time) batchJSON {
	v := batchJSON{ID: b.id, Type: b.typ, Status: s.status(b, now), CreatedAt: b.created.UTC().Format(time.RFC3339Nano)}
	if b.typ == "createContacts" {
		v.FileName, v.FileType, v.FileLocation = b.fileName, "csv", b.fileLoc
		if b.applied && b.final == "completed" {
			if !s.opts.Faults.OmitCounts {
				total, errs, dup, ins, groups := b.total, b.errs, b.dup, b.ins, len(b.groups)
				v.TotalRows, v.ErrorRows, v.DuplicatedRows, v.InsertedRows, v.ContactGroups = &total, &errs, &dup, &ins, &groups
			}
			if b.errs > 0 {
				v.InvalidFileLocation = b.invLoc
			}
		}
	}
	return v
}

// createBatch serves POST …/contacts/batches/createContacts.
func (s *Server) createBatch(w http.ResponseWriter, r *http.Request) {
	max := s.opts.MaxFileBytes
	r.Body = http.MaxBytesReader(nil, r.Body, max+(1<<20))
	mr, err := r.MultipartReader()
	if err != nil {
		s.errorf(w, http.StatusBadRequest, 1003, "Expected a multipart/form-data body: %v", err)
		return
	}
	fields := map[string]string{}
	var file []byte
	var fileName string
	haveFile := false
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.tooLarge(w)
			return
		}
		if err != nil {
			s.errorf(w, http.StatusBadRequest, 1003, "Malformed multipart body: %v", err)
			return
		}
		name := p.FormName()
		if name == "file" {
			haveFile = true
			fileName = p.FileName()
			file, err = io.ReadAll(io.LimitReader(p, max+1))
			if errors.As(err, &tooBig) || int64(len(file)) > max {
				_, _ = io.Copy(io.Discard, r.Body)
				s.tooLarge(w)
				return
			}
			if err != nil {
				s.errorf(w, http.StatusBadRequest, 1003, "Malformed multipart body: %v", err)
				return
			}
			continue
		}
		v, err := io.ReadAll(io.LimitReader(p, 64<<10))
		if err != nil {
			s.errorf(w, http.StatusBadRequest, 1003, "Malformed multipart body: %v", err)
			return
		}
		fields[name] = string(v)
	}
	if !haveFile {
		s.errorf(w, http.StatusBadRequest, 1003, "file is required")
		return
	}
	groups, ok := s.parseGroups(w, fields["groups"])
	if !ok {
		return
	}
	hasHeader := true
	if v, ok := fields["fileHasHeader"]; ok {
		b, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			s.errorf(w, http.StatusBadRequest, 1003, "fileHasHeader must be true or false")
			return
		}
		hasHeader = b
	}
	lower := strings.ToLower(fileName)
	if strings.HasSuffix(lower, ".xls") || strings.HasSuffix(lower, ".xlsx") || bytes.HasPrefix(file, []byte("PK\x03\x04")) {
		s.errorf(w, http.StatusBadRequest, 1003, "The simulator reads CSV files only")
		return
	}
	cr := csv.NewReader(bytes.NewReader(file))
	cr.FieldsPerRecord = -1
	records, err := cr.ReadAll()
	if err != nil {
		s.errorf(w, http.StatusBadRequest, 1003, "The file is not a valid CSV: %v", err)
		return
	}
	var header []string
	switch {
	case hasHeader:
		if len(records) == 0 {
			s.errorf(w, http.StatusBadRequest, 1003, "The file is empty")
			return
		}
		header, records = records[0], records[1:]
		if len(header) > 0 {
			header[0] = strings.TrimPrefix(header[0], "\ufeff")
		}
	default:
		cols := strings.TrimSpace(fields["fileColumns"])
		if cols == "" {
			s.errorf(w, http.StatusBadRequest, 1003, "fileColumns is mandatory if fileHasHeader is false")
			return
		}
		for _, c := range strings.Split(cols, ",") {
			header = append(header, strings.TrimSpace(c))
		}
		for _, c := range header {
			if canonical(c) == "" {
				s.errorf(w, http.StatusBadRequest, 1003, "Unknown column %q in fileColumns", c)
				return
			}
		}
	}
	colFields := make([]string, len(header))
	hasAddr := false
	for i, h := range header {
		colFields[i] = canonical(h)
		if slices.Contains(AddressFields, colFields[i]) {
			hasAddr = true
		}
	}
	if !hasAddr {
		s.errorf(w, http.StatusBadRequest, 1003, "The file has no address column (msisdn, email, …)")
		return
	}
	if len(records) == 0 {
		s.errorf(w, http.StatusBadRequest, 1003, "The file has no contacts")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	s.advance(now)
	b := &batch{seq: len(s.batches), id: newUUID(), typ: "createContacts", created: now, fileName: fileName,
		cols: colFields, header: header, rows: records, groups: groups}
	b.fileLoc = s.fileBase(r) + "/files/uploads/" + b.id + ".csv"
	b.invLoc = s.fileBase(r) + "/files/invalid/" + b.id + ".csv"
	b.fail = s.rng.Float64() < s.opts.Faults.BatchFail
	for _, g := range groups {
		s.touchGroup(g, now)
	}
	s.batches = append(s.batches, b)
	s.byID[b.id] = b
	s.stats.BatchesCreated++
	writeJSON(w, http.StatusAccepted, s.view(b, now))
}

// canonical maps a column name to its field ("" if unknown).
func canonical(h string) string {
	h = strings.TrimSpace(h)
	for _, f := range Fields {
		if strings.EqualFold(h, f) {
			return f
		}
	}
	return ""
}

func (s *Server) tooLarge(w http.ResponseWriter) {
	writeError(w, s.opts.FileTooLargeStatus, 1010, "The file size is limited to 30 Mb: file too large")
}

// parseGroups reads the groups field: comma-separated positive integers, at most 10.
func (s *Server) parseGroups(w http.ResponseWriter, v string) ([]int, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, true
	}
	var out []int
	for _, p := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || n <= 0 {
			s.errorf(w, http.StatusBadRequest, 1003, "groups must be a comma-separated list of group ids")
			return nil, false
		}
		out = append(out, n)
	}
	if len(out) > 10 {
		s.errorf(w, http.StatusBadRequest, 1005, "You can add contacts to 10 groups max")
		return nil, false
	}
	return out, true
}

// getBatch serves GET …/batches/{batchId}.
func (s *Server) getBatch(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	s.advance(now)
	b, ok := s.byID[r.PathValue("batchId")]
	if !ok {
		writeError(w, http.StatusNotFound, 4018, "Invalid jobId")
		return
	}
	writeJSON(w, http.StatusOK, s.view(b, now))
}

// listBatches serves GET …/batches: newest first, limit (1..500, default 20, capped by
// MaxListLimit), offset as a page index (or an item offset, ListOffsetIsItemOffset), optional type.
func (s *Server) listBatches(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, offset := 20, 0
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			s.errorf(w, http.StatusBadRequest, 1003, "limit must be between 1 and 500")
			return
		}
		limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			s.errorf(w, http.StatusBadRequest, 1003, "offset must be a non-negative integer")
			return
		}
		offset = n
	}
	typ := q.Get("type")
	if typ != "" && !slices.Contains([]string{"createContacts", "deleteContacts", "copyContacts", "moveContacts", "deleteGroups"}, typ) {
		s.errorf(w, http.StatusBadRequest, 1003, "Unknown batch type %q", typ)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	s.advance(now)
	var sel []*batch
	for i := len(s.batches) - 1; i >= 0; i-- {
		if typ == "" || s.batches[i].typ == typ {
			sel = append(sel, s.batches[i])
		}
	}
	if s.opts.MaxListLimit > 0 {
		limit = min(limit, s.opts.MaxListLimit)
	}
	pages := (len(sel) + limit - 1) / limit
	start := min(offset*limit, len(sel))
	page := offset + 1
	if s.opts.ListOffsetIsItemOffset {
		start, page = min(offset, len(sel)), offset/limit+1
	}
	end := min(start+limit, len(sel))
	items := make([]batchJSON, 0, end-start)
	for _, b := range sel[start:end] {
		items = append(items, s.view(b, now))
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"items": items, "page": page, "totalPages": pages, "totalCount": len(s.batches),
		"totalFiltered": len(sel), "hasPreviousPage": start > 0, "hasNextPage": end < len(sel),
	})
}

// copyContacts serves POST …/groups/batches/copyContacts?from=&to=.
func (s *Server) copyContacts(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	from, err1 := strconv.Atoi(q.Get("from"))
	to, err2 := strconv.Atoi(q.Get("to"))
	if err1 != nil || err2 != nil || from <= 0 || to <= 0 {
		s.errorf(w, http.StatusBadRequest, 1003, "from and to must be group ids")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	s.advance(now)
	if _, ok := s.groups[from]; !ok {
		s.errorf(w, http.StatusBadRequest, 5002, "Group %d not found", from)
		return
	}
	b := &batch{seq: len(s.batches), id: newUUID(), typ: "copyContacts", created: now, from: from, to: to}
	s.batches = append(s.batches, b)
	s.byID[b.id] = b
	s.stats.BatchesCreated++
	writeJSON(w, http.StatusAccepted, s.view(b, now))
}

// invalidFile serves a batch's invalid-rows CSV (no credentials needed, like a pre-signed URL).
func (s *Server) invalidFile(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimSuffix(r.PathValue("name"), ".csv")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advance(time.Now())
	s.stats.FileRequests++
	if r.Header.Get("Authorization") != "" {
		s.stats.FileRequestsWithAuth++
	}
	if st := s.opts.Faults.InvalidFileStatus; st != 0 {
		writeError(w, st, 4004, "Simulated file-store failure")
		return
	}
	b, ok := s.byID[id]
	if !ok || b.invalid == nil {
		writeError(w, http.StatusNotFound, 4004, "No such file")
		return
	}
	w.Header().Set("Content-Type", "text/csv")
	_, _ = w.Write(b.invalid)
}

// readFilePart is used by the Kore.ai handler: it returns the named file part of a multipart
// body, or reports the problem.
func (s *Server) readFilePart(w http.ResponseWriter, r *http.Request, field string) ([]byte, bool) {
	max := s.opts.MaxFileBytes
	r.Body = http.MaxBytesReader(nil, r.Body, max+(1<<20))
	mr, err := r.MultipartReader()
	if err != nil {
		writeKoreError(w, http.StatusBadRequest, "expected a multipart/form-data body")
		return nil, false
	}
	var file []byte
	found := false
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeKoreError(w, s.opts.FileTooLargeStatus, "file too large")
			return nil, false
		}
		if err != nil {
			writeKoreError(w, http.StatusBadRequest, "malformed multipart body")
			return nil, false
		}
		if p.FormName() != field {
			_, _ = io.Copy(io.Discard, p)
			continue
		}
		found = true
		file, err = io.ReadAll(io.LimitReader(p, max+1))
		if errors.As(err, &tooBig) || int64(len(file)) > max {
			_, _ = io.Copy(io.Discard, r.Body)
			writeKoreError(w, s.opts.FileTooLargeStatus, "file too large")
			return nil, false
		}
		if err != nil {
			writeKoreError(w, http.StatusBadRequest, "malformed multipart body")
			return nil, false
		}
	}
	if !found {
		writeKoreError(w, http.StatusBadRequest, field+" is required")
		return nil, false
	}
	return file, true
}
