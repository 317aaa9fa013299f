package upload_test

import (
	"encoding/json"
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

	_, err = c.CreateContact(t.Context(), upload.NewContact{Addresses: upload.Addresses{MSISDN: "12"}})
	var api *upload.APIError
	require.ErrorAs(t, err, &api)
	assert.Equal(t, 1002, api.Code)
	_, err = c.CreateContact(t.Context(), upload.NewContact{Groups: make([]int, 11), Addresses: upload.Addresses{MSISDN: "16511112223"}})
	assert.Error(t, err)
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
