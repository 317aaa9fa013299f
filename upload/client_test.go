package upload_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/contactpipe/contactpipe/internal/contactsim"
	"github.com/contactpipe/contactpipe/upload"
)

func TestClientBatches(t *testing.T) {
	synctest.Test(t, testClientBatches)
}

func testClientBatches(t *testing.T) {
	u := eightByEight(pipeURL, onPipes(t, contactsim.New(contactsim.Options{})))
	u.NoWait = true
	u.RunID = "run1"
	dir := t.TempDir()
	var ids []string
	for i := 1; i <= 5; i++ {
		r, err := u.Upload(t.Context(), writeChunk(t, dir, i, canonicalHeader, contactRows(1, i)))
		require.NoError(t, err)
		ids = append(ids, r.BatchID)
	}
	time.Sleep(time.Second) // fake time: the simulator's batches complete after 0.5s

	b, err := u.BatchStatus(t.Context(), ids[2])
	require.NoError(t, err)
	assert.Equal(t, upload.BatchCompleted, b.Status)
	assert.True(t, b.Status.Terminal())
	assert.Equal(t, "createContacts", b.Type)
	assert.Equal(t, "contactpipe-run1-chunk-0003.csv", b.FileName)
	require.NotNil(t, b.TotalRows)
	assert.Equal(t, 1, *b.TotalRows)

	var seen []string
	for off := 0; ; off++ {
		p, err := u.ListBatches(t.Context(), upload.ListBatchesOptions{Limit: 2, Offset: off, Type: "createContacts"})
		require.NoError(t, err)
		assert.Equal(t, off+1, p.Page)
		assert.Equal(t, 3, p.TotalPages)
		for _, it := range p.Items {
			seen = append(seen, it.ID)
		}
		if !p.HasNextPage {
			break
		}
	}
	assert.ElementsMatch(t, ids, seen)

	u.MaxListPages = 1
	_, err = u.ListBatches(t.Context(), upload.ListBatchesOptions{Limit: 501})
	assert.Error(t, err)
	found, ok, err := u.FindBatchByFileName(t.Context(), "contactpipe-run1-chunk-0001.csv")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, ids[0], found.ID)
	_, ok, err = u.FindBatchByFileName(t.Context(), "nope.csv")
	require.NoError(t, err)
	assert.False(t, ok)
}

func TestClientCopyContacts(t *testing.T) {
	synctest.Test(t, testClientCopyContacts)
}

func testClientCopyContacts(t *testing.T) {
	sim := contactsim.New(contactsim.Options{})
	u := eightByEight(pipeURL, onPipes(t, sim))
	u.Groups = []int{10}
	_, err := u.Upload(t.Context(), writeChunk(t, t.TempDir(), 1, canonicalHeader, contactRows(3, 0)))
	require.NoError(t, err)
	b, err := u.CopyContacts(t.Context(), 10, 20)
	require.NoError(t, err)
	assert.Equal(t, "copyContacts", b.Type)
	assert.Equal(t, upload.BatchQueued, b.Status)
	time.Sleep(time.Second) // fake time
	st, err := u.BatchStatus(t.Context(), b.ID)
	require.NoError(t, err)
	assert.Equal(t, upload.BatchCompleted, st.Status)
	for _, c := range sim.Contacts() {
		assert.ElementsMatch(t, []int{10, 20}, c.Groups)
	}
	_, err = u.CopyContacts(t.Context(), 99, 20)
	var api *upload.APIError
	require.ErrorAs(t, err, &api)
	assert.Equal(t, 400, api.Status)
}

func TestClientCreateContact(t *testing.T) {
	_, srv := startSim(t, contactsim.Options{})
	c := &upload.Client{BaseURL: srv.URL, APIKey: contactsim.DefaultAPIKey, AccountID: testAccount, HTTPClient: srv.Client()}
	steps := []struct {
		name    string
		contact upload.NewContact
		want    upload.ContactOutcome
	}{
		{"new phone", upload.NewContact{FirstName: "John", Country: "US", Groups: []int{8039}, Addresses: upload.Addresses{MSISDN: "16511112222"}}, upload.ContactCreated},
		{"new email", upload.NewContact{FirstName: "Jane", Addresses: upload.Addresses{Email: "jane@example.com"}}, upload.ContactCreated},
		{"same phone merges", upload.NewContact{LastName: "Black", Addresses: upload.Addresses{MSISDN: "+16511112222", FacebookUserID: "fb1"}}, upload.ContactMerged},
		{"both match: conflict", upload.NewContact{Addresses: upload.Addresses{MSISDN: "16511112222", Email: "JANE@example.com"}}, upload.ContactConflict},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			r, err := c.CreateContact(t.Context(), s.contact)
			require.NoError(t, err)
			assert.Equal(t, s.want, r.Outcome, r.Outcome.String())
			if s.want == upload.ContactConflict {
				assert.Nil(t, r.Contact)
				require.NotNil(t, r.Conflict)
				assert.Equal(t, 409, r.Conflict.Status)
				return
			}
			require.NotNil(t, r.Contact)
			assert.NotZero(t, r.Contact.ID)
		})
	}
	r, err := c.CreateContact(t.Context(), upload.NewContact{LastName: "x", Addresses: upload.Addresses{MSISDN: "+16511112222"}})
	require.NoError(t, err)
	assert.Equal(t, "John", r.Contact.FirstName)
	assert.Equal(t, "x", r.Contact.LastName, "the newest non-empty value wins")
	assert.Equal(t, "fb1", r.Contact.Addresses.FacebookUserID)
	require.Len(t, r.Contact.Groups, 1)
	assert.Equal(t, 8039, r.Contact.Groups[0].ID)

}

// TestCreateContactValidatesFirst: input the contract forbids is refused before anything is sent,
// with the batch path's rules.
func TestCreateContactValidatesFirst(t *testing.T) {
	sim, srv := startSim(t, contactsim.Options{})
	c := &upload.Client{BaseURL: srv.URL, APIKey: contactsim.DefaultAPIKey, AccountID: testAccount, HTTPClient: srv.Client()}
	phone := upload.Addresses{MSISDN: "+16511112222"}
	attrs := map[string]string{}
	for i := range 51 {
		attrs[fmt.Sprint("a", i)] = "v"
	}
	for _, tc := range []struct {
		name  string
		c     upload.NewContact
		field string
	}{
		{"duplicate group ids", upload.NewContact{Groups: []int{7, 7}, Addresses: phone}, "groups"},
		{"eleven groups", upload.NewContact{Groups: []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, Addresses: phone}, "groups"},
		{"group id zero", upload.NewContact{Groups: []int{0}, Addresses: phone}, "groups"},
		{"51 custom attributes", upload.NewContact{CustomAttributes: attrs, Addresses: phone}, "customAttributes"},
		{"name of 201 characters", upload.NewContact{FirstName: strings.Repeat("é", 201), Addresses: phone}, "firstName"},
		{"last name of 201 characters", upload.NewContact{LastName: strings.Repeat("a", 201), Addresses: phone}, "lastName"},
		{"external id of 51", upload.NewContact{ExternalID: strings.Repeat("1", 51), Addresses: phone}, "externalId"},
		{"country USA", upload.NewContact{Country: "USA", Addresses: phone}, "country"},
		{"country digits", upload.NewContact{Country: "12", Addresses: phone}, "country"},
		{"no address", upload.NewContact{FirstName: "A"}, "addresses"},
		{"short msisdn", upload.NewContact{Addresses: upload.Addresses{MSISDN: "12"}}, "addresses.msisdn"},
		{"bad email", upload.NewContact{Addresses: upload.Addresses{Email: "not an email"}}, "addresses.email"},
		{"long chat id", upload.NewContact{Addresses: upload.Addresses{LineID: strings.Repeat("x", 129)}}, "addresses.lineId"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.CreateContact(t.Context(), tc.c)
			require.ErrorIs(t, err, upload.ErrInvalidContact)
			var ce *upload.ContactError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tc.field, ce.Field)
		})
	}
	assert.Zero(t, sim.Stats().Requests, "nothing was sent")
	ok := upload.NewContact{FirstName: strings.Repeat("é", 200), Country: "us", Groups: []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10},
		Addresses: upload.Addresses{Email: "a@example.com"}}
	assert.NoError(t, ok.Validate(), "limits are inclusive")
}

// TestCreateContactLenientIDs: the spec types ids as number; 41764986.0 is an id.
func TestCreateContactLenientIDs(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"id":41764986.0,"country":"US","groups":[{"id":8199.0,"contacts":1.0,"name":"g"}],"addresses":{"msisdn":"16511112222"}}`))
	}))
	t.Cleanup(srv.Close)
	c := &upload.Client{BaseURL: srv.URL, APIKey: "k", AccountID: testAccount, HTTPClient: srv.Client()}
	r, err := c.CreateContact(t.Context(), upload.NewContact{Addresses: upload.Addresses{MSISDN: "16511112222"}})
	require.NoError(t, err)
	require.NotNil(t, r.Contact)
	assert.Equal(t, int64(41764986), r.Contact.ID)
	require.Len(t, r.Contact.Groups, 1)
	assert.Equal(t, 8199, r.Contact.Groups[0].ID)
	assert.Equal(t, 1, r.Contact.Groups[0].Contacts)

	var ct upload.Contact
	assert.Error(t, json.Unmarshal([]byte(`{"id":1.5}`), &ct), "a fraction is not an id")
}

func TestNewContactJSON(t *testing.T) {
	b, err := json.Marshal(upload.NewContact{FirstName: "A", Groups: []int{1, 2}, Addresses: upload.Addresses{MSISDN: "1"}})
	require.NoError(t, err)
	assert.JSONEq(t, `{"firstName":"A","groups":[{"id":1},{"id":2}],"addresses":{"msisdn":"1"}}`, string(b))
}

func TestBatchJSON(t *testing.T) {
	// The API's own example, with counts written as floats as a lenient server might.
	var p upload.BatchPage
	require.NoError(t, json.Unmarshal([]byte(`{"items":[{"id":"576171ed-ab50-427d-a1c8-ae7c0079fdc1","type":"deleteContacts","status":"completed","createdAt":"2022-04-19T07:24:09.28Z"},
		{"fileName":"1_Contacts.csv","fileType":"csv","fileLocation":"https://8x8.com/1_Contacts.csv","invalidFileLocation":"https://8x8.com/invalid_contacts.csv",
		"totalRows":12,"errorRows":6.0,"duplicatedRows":5,"insertedRows":2,"contactGroups":0,"id":"1da76ae9-5f8d-40c1-ba71-ae7b00abb23e","type":"createContacts","status":"completed","createdAt":"2022-04-18T10:25:07.78Z"}],
		"page":1,"totalPages":1.0,"totalCount":3,"totalFiltered":3,"hasPreviousPage":false,"hasNextPage":false}`), &p))
	require.Len(t, p.Items, 2)
	assert.Nil(t, p.Items[0].Counts())
	assert.Equal(t, &upload.BatchCounts{Total: 12, Errors: 6, Duplicated: 5, Inserted: 2}, p.Items[1].Counts())
	assert.Equal(t, "https://8x8.com/invalid_contacts.csv", p.Items[1].InvalidFileLocation)
	assert.Equal(t, 1, p.TotalPages)
}

// TestFindBatchPaging: the search says "not found" only after reading every page; a server that
// answers another page than asked, or more pages than the search may read, is an error.
func TestFindBatchPaging(t *testing.T) {
	for _, tc := range []struct {
		name       string
		itemOffset bool
		maxPages   int
		wantFound  bool
		wantErr    string
	}{
		{"page index: found on the last page", false, 0, true, ""},
		{"offset read as items: stop", true, 0, false, "answer is page 1"},
		{"more pages than allowed: no false not-found", false, 2, false, "searched the first 2 pages"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, srv := startSim(t, contactsim.Options{MaxListLimit: 2, ListOffsetIsItemOffset: tc.itemOffset})
			u := eightByEight(srv.URL, srv.Client())
			u.NoWait, u.RunID, u.MaxListPages = true, "paging", tc.maxPages
			dir := t.TempDir()
			for i := 1; i <= 5; i++ {
				_, err := u.Upload(t.Context(), writeChunk(t, dir, i, canonicalHeader, contactRows(1, i)))
				require.NoError(t, err)
			}
			// Newest first, 2 a page: chunk 1 is alone on page 3.
			b, found, err := u.FindBatchByFileName(t.Context(), "contactpipe-paging-chunk-0001.csv")
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
				assert.False(t, found)
				return
			}
			require.NoError(t, err)
			assert.True(t, found)
			assert.Equal(t, "contactpipe-paging-chunk-0001.csv", b.FileName)
			_, found, err = u.FindBatchByFileName(t.Context(), "contactpipe-paging-chunk-0009.csv")
			require.NoError(t, err)
			assert.False(t, found, "not found after every page")
		})
	}
}
