package contactsim_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/contactpipe/contactpipe/internal/contactsim"
)

const base = "http://127.0.0.1"

var acct = "/api/v1/accounts/" + contactsim.DefaultAccountID

type answer struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

// call sends one request through a pipe network to sim.
func call(t *testing.T, hc *http.Client, method, path string, header map[string]string, body io.Reader, ctype string) answer {
	t.Helper()
	req, err := http.NewRequest(method, base+path, body)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+contactsim.DefaultAPIKey)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := hc.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	a := answer{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	_ = json.Unmarshal(raw, &a.body)
	return a
}

// form builds a multipart body with fields and a file part.
func form(t *testing.T, fileField, csv string, fields map[string]string) (io.Reader, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range fields {
		require.NoError(t, w.WriteField(k, v))
	}
	if fileField != "" {
		p, err := w.CreateFormFile(fileField, "contacts.csv")
		require.NoError(t, err)
		_, _ = p.Write([]byte(csv))
	}
	require.NoError(t, w.Close())
	return &b, w.FormDataContentType()
}

func upload(t *testing.T, hc *http.Client, csv string, fields map[string]string) answer {
	body, ctype := form(t, "file", csv, fields)
	return call(t, hc, http.MethodPost, acct+"/contacts/batches/createContacts", nil, body, ctype)
}

func withSim(t *testing.T, opts contactsim.Options, f func(t *testing.T, sim *contactsim.Server, hc *http.Client)) {
	synctest.Test(t, func(t *testing.T) {
		sim := contactsim.New(opts)
		pn := contactsim.NewPipeNetwork(sim)
		defer pn.Close()
		f(t, sim, pn.Client())
	})
}

func TestCreateContactsRules(t *testing.T) {
	good := "msisdn,firstName\n+6591000001,Ann\n"
	for _, tc := range []struct {
		name   string
		path   string
		key    string
		csv    string
		fields map[string]string
		field  string
		status int
		msg    string
	}{
		{name: "accepted", csv: good, status: 202},
		{name: "no header, columns given", csv: "+6591000001,Ann\n", fields: map[string]string{"fileHasHeader": "false", "fileColumns": "msisdn, firstName"}, status: 202},
		{name: "no header, no columns", csv: "+6591000001,Ann\n", fields: map[string]string{"fileHasHeader": "false"}, status: 400, msg: "fileColumns is mandatory"},
		{name: "unknown column", csv: "+6591000001\n", fields: map[string]string{"fileHasHeader": "false", "fileColumns": "phone"}, status: 400, msg: "Unknown column"},
		{name: "bad fileHasHeader", csv: good, fields: map[string]string{"fileHasHeader": "maybe"}, status: 400},
		{name: "ten groups", csv: good, fields: map[string]string{"groups": "1,2,3,4,5,6,7,8,9,10"}, status: 202},
		{name: "eleven groups", csv: good, fields: map[string]string{"groups": "1,2,3,4,5,6,7,8,9,10,11"}, status: 400, msg: "10 groups max"},
		{name: "group not an integer", csv: good, fields: map[string]string{"groups": "1,x"}, status: 400},
		{name: "no file", field: "-", status: 400, msg: "file is required"},
		{name: "no address column", csv: "firstName\nAnn\n", status: 400, msg: "no address column"},
		{name: "empty", csv: "msisdn\n", status: 400},
		{name: "too large", csv: "msisdn\n" + strings.Repeat("+6591000001\n", 20), status: 413, msg: "file too large"},
		{name: "bad key", key: "nope", csv: good, status: 401},
		{name: "account id not matching the pattern", path: "/api/v1/accounts/xyz/contacts/batches/createContacts", csv: good, status: 400},
		{name: "other account", path: "/api/v1/accounts/00000000-0000-0000-0000-000000000000/contacts/batches/createContacts", csv: good, status: 403},
	} {
		t.Run(tc.name, func(t *testing.T) {
			withSim(t, contactsim.Options{MaxFileBytes: 100}, func(t *testing.T, sim *contactsim.Server, hc *http.Client) {
				field := "file"
				if tc.field == "-" {
					field = ""
				}
				body, ctype := form(t, field, tc.csv, tc.fields)
				path := tc.path
				if path == "" {
					path = acct + "/contacts/batches/createContacts"
				}
				h := map[string]string{}
				if tc.key != "" {
					h["Authorization"] = "Bearer " + tc.key
				}
				a := call(t, hc, http.MethodPost, path, h, body, ctype)
				assert.Equal(t, tc.status, a.status, a.raw)
				if tc.status != 202 {
					assert.NotEmpty(t, a.body["errorId"])
					assert.NotEmpty(t, a.body["timestamp"])
					assert.Contains(t, a.body["message"], tc.msg)
					assert.Empty(t, sim.Batches())
					return
				}
				assert.Equal(t, "queued", a.body["status"])
				assert.Equal(t, "createContacts", a.body["type"])
				assert.Equal(t, "contacts.csv", a.body["fileName"])
				assert.Len(t, sim.Batches(), 1)
			})
		})
	}
}

func TestBatchLifecycle(t *testing.T) {
	withSim(t, contactsim.Options{QueueDelay: 2 * time.Second, ProcessDelay: 3 * time.Second}, func(t *testing.T, sim *contactsim.Server, hc *http.Client) {
		csv := "msisdn,email,firstName\n+6591000001,,Ann\n12,,Bad\n+6591000003,c@example.com,Cid\n+6591000001,,Ann again\n,,\n"
		a := upload(t, hc, csv, map[string]string{"groups": "5"})
		require.Equal(t, 202, a.status)
		id := a.body["id"].(string)
		status := func() map[string]any {
			return call(t, hc, http.MethodGet, acct+"/batches/"+id, nil, nil, "").body
		}
		assert.Equal(t, "queued", status()["status"])
		assert.Empty(t, sim.Contacts(), "nothing applied before the batch runs")
		time.Sleep(2 * time.Second)
		assert.Equal(t, "inProgress", status()["status"])
		assert.NotContains(t, status(), "totalRows")
		time.Sleep(3 * time.Second)
		b := status()
		assert.Equal(t, "completed", b["status"])
		assert.EqualValues(t, 5, b["totalRows"])
		assert.EqualValues(t, 2, b["insertedRows"])
		assert.EqualValues(t, 1, b["duplicatedRows"])
		assert.EqualValues(t, 2, b["errorRows"])
		loc := b["invalidFileLocation"].(string)
		require.True(t, strings.HasPrefix(loc, base+"/files/invalid/"), loc)
		inv := call(t, hc, http.MethodGet, strings.TrimPrefix(loc, base), nil, nil, "")
		assert.Equal(t, 200, inv.status)
		assert.Equal(t, "msisdn,email,firstName,errorMessage\n12,,Bad,"+contactsim.MsgInvalidMSISDN+"\n,,,"+contactsim.MsgNoAddress+"\n", inv.raw)
		c, ok := sim.FindContact("msisdn", "6591000001")
		require.True(t, ok)
		assert.Equal(t, "Ann again", c.FirstName)
		assert.Equal(t, []int{5}, c.Groups)

		nf := call(t, hc, http.MethodGet, acct+"/batches/nope", nil, nil, "")
		assert.Equal(t, 404, nf.status)
		assert.EqualValues(t, 4018, nf.body["code"])
	})
}

func TestBatchListPaging(t *testing.T) {
	withSim(t, contactsim.Options{}, func(t *testing.T, sim *contactsim.Server, hc *http.Client) {
		for i := range 5 {
			require.Equal(t, 202, upload(t, hc, fmt.Sprintf("msisdn\n+659100000%d\n", i), nil).status)
			time.Sleep(time.Second)
		}
		a := call(t, hc, http.MethodPost, acct+"/groups/batches/copyContacts?from=1&to=2", nil, nil, "")
		assert.Equal(t, 400, a.status, "group 1 does not exist")
		p := call(t, hc, http.MethodGet, acct+"/batches?limit=2&offset=2&type=createContacts", nil, nil, "").body
		assert.EqualValues(t, 3, p["page"])
		assert.EqualValues(t, 3, p["totalPages"])
		assert.Equal(t, true, p["hasPreviousPage"])
		assert.Equal(t, false, p["hasNextPage"])
		assert.Len(t, p["items"], 1)
		first := call(t, hc, http.MethodGet, acct+"/batches?limit=2", nil, nil, "").body
		items := first["items"].([]any)
		assert.Equal(t, sim.Batches()[4].ID, items[0].(map[string]any)["id"], "newest first")
		assert.Equal(t, 400, call(t, hc, http.MethodGet, acct+"/batches?limit=501", nil, nil, "").status)
		assert.Equal(t, 400, call(t, hc, http.MethodGet, acct+"/batches?type=nope", nil, nil, "").status)
	})
}

func TestCreateContactAndCopy(t *testing.T) {
	withSim(t, contactsim.Options{}, func(t *testing.T, sim *contactsim.Server, hc *http.Client) {
		post := func(body string) answer {
			return call(t, hc, http.MethodPost, acct+"/contacts", nil, strings.NewReader(body), "application/json")
		}
		assert.Equal(t, 201, post(`{"firstName":"John","groups":[{"id":8039}],"addresses":{"msisdn":"16511112222"}}`).status)
		assert.Equal(t, 201, post(`{"addresses":{"email":"jane@example.com"}}`).status)
		m := post(`{"lastName":"Black","addresses":{"msisdn":"+16511112222"}}`)
		assert.Equal(t, 200, m.status)
		assert.Equal(t, "John", m.body["firstName"])
		assert.Equal(t, 409, post(`{"addresses":{"msisdn":"16511112222","email":"JANE@example.com"}}`).status)
		bad := post(`{"addresses":{"msisdn":"0123"}}`)
		assert.Equal(t, 400, bad.status)
		assert.EqualValues(t, 1002, bad.body["code"])
		assert.Equal(t, 400, post(`{"addresses":{}}`).status)
		assert.Equal(t, 400, post(`{"firstName":"x"}`).status)
		assert.Equal(t, 400, post(`{"firstName":"`+strings.Repeat("x", 201)+`","addresses":{"email":"a@b.c"}}`).status)

		cp := call(t, hc, http.MethodPost, acct+"/groups/batches/copyContacts?from=8039&to=9000", nil, nil, "")
		require.Equal(t, 202, cp.status)
		assert.Equal(t, "copyContacts", cp.body["type"])
		time.Sleep(time.Second)
		c, ok := sim.FindContact("msisdn", "16511112222")
		require.True(t, ok)
		assert.Equal(t, []int{8039, 9000}, c.Groups)
		assert.Equal(t, 400, call(t, hc, http.MethodPost, acct+"/groups/batches/copyContacts?from=x&to=1", nil, nil, "").status)
	})
}

func koreToken(t *testing.T, secret string, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(secret))
	require.NoError(t, err)
	return s
}

func TestKoreImport(t *testing.T) {
	withSim(t, contactsim.Options{KoreAccountID: "acc"}, func(t *testing.T, sim *contactsim.Server, hc *http.Client) {
		now := time.Now()
		valid := jwt.MapClaims{"appId": "cs-1", "iss": "cs-1", "jti": "1", "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
		csv := "firstName,lastName,salutation,cellPhoneNumber,cellPhoneCountryCode,cellPhoneExtension\nJohn,Doe,Mr,9876500001,+91,\nJane,Doe,Mrs,9876500002,+91,12\nBad,Phone,,12,+91,\nJohn,Again,Mr,9876500001,+91,\n"
		send := func(token, account, field string) answer {
			body, ctype := form(t, field, csv, nil)
			return call(t, hc, http.MethodPost, "/agentassist/api/v1/public/st-1/contacts/import-contacts",
				map[string]string{"auth": token, "accountId": account, "Authorization": ""}, body, ctype)
		}
		for _, tc := range []struct {
			name   string
			token  string
			status int
		}{
			{"other secret", koreToken(t, "other", valid), 401},
			{"expired", koreToken(t, contactsim.DefaultKoreSecret, jwt.MapClaims{"appId": "a", "iat": now.Add(-2 * time.Hour).Unix(), "exp": now.Add(-time.Hour).Unix()}), 401},
			{"lives too long", koreToken(t, contactsim.DefaultKoreSecret, jwt.MapClaims{"appId": "a", "iat": now.Unix(), "exp": now.Add(3 * time.Hour).Unix()}), 401},
			{"no expiry", koreToken(t, contactsim.DefaultKoreSecret, jwt.MapClaims{"appId": "a"}), 401},
			{"no appId", koreToken(t, contactsim.DefaultKoreSecret, jwt.MapClaims{"iss": "a", "exp": now.Add(time.Minute).Unix()}), 401},
			{"no token", "", 401},
		} {
			assert.Equal(t, tc.status, send(tc.token, "acc", "result_file").status, tc.name)
		}
		good := koreToken(t, contactsim.DefaultKoreSecret, valid)
		assert.Equal(t, 403, send(good, "other", "result_file").status)
		assert.Equal(t, 400, send(good, "", "result_file").status)
		assert.Equal(t, 400, send(good, "acc", "file").status, "the CSV must be in result_file")
		assert.Empty(t, sim.KoreContacts())

		body, ctype := form(t, "result_file", csv, nil)
		req, err := http.NewRequest(http.MethodPost, base+"/agentassist/api/v1/public/st-1/contacts/import-contacts", body)
		require.NoError(t, err)
		req.Header.Set("Content-Type", ctype)
		req.Header.Set("auth", good)
		req.Header.Set("accountId", "acc")
		resp, err := hc.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		require.Equal(t, 200, resp.StatusCode)
		var created []struct {
			Status    string `json:"status"`
			FirstName string `json:"firstName"`
			CellPhone struct {
				PhoneNumber, CountryCode, Extension string
			} `json:"cellPhone"`
		}
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&created))
		require.Len(t, created, 2, "the bad phone and the repeated phone are refused")
		assert.Equal(t, "+919876500002", created[1].CellPhone.PhoneNumber)
		assert.Equal(t, "+91", created[1].CellPhone.CountryCode)
		assert.Equal(t, "ACTIVE", created[0].Status)
		assert.Len(t, sim.KoreContacts(), 2)
	})
}

func TestFaultInjection(t *testing.T) {
	withSim(t, contactsim.Options{Seed: 1, Faults: contactsim.Faults{RateLimit: 0.25, Error: 0.25, ResetBefore: 0.25, RetryAfter: 7 * time.Second}},
		func(t *testing.T, sim *contactsim.Server, hc *http.Client) {
			counts := map[string]int{}
			for range 400 {
				req, err := http.NewRequest(http.MethodGet, base+acct+"/batches", nil)
				require.NoError(t, err)
				req.Header.Set("Authorization", "Bearer "+contactsim.DefaultAPIKey)
				resp, err := hc.Do(req)
				if err != nil {
					counts["reset"]++
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				counts[fmt.Sprint(resp.StatusCode)]++
				if resp.StatusCode == 429 {
					assert.Equal(t, "7", resp.Header.Get("Retry-After"))
				}
			}
			st := sim.Stats()
			assert.Equal(t, counts["429"], st.RateLimited)
			assert.Equal(t, counts["500"]+counts["502"]+counts["503"], st.ServerErrors)
			assert.InDelta(t, 100, st.RateLimited, 40)
			assert.InDelta(t, 100, st.ServerErrors, 40)
			assert.InDelta(t, 100, st.ResetsBefore, 40)
			assert.InDelta(t, 100, counts["200"], 40)
		})
}

func TestLatencyAndSlowBody(t *testing.T) {
	withSim(t, contactsim.Options{Faults: contactsim.Faults{Latency: 5 * time.Second, SlowBody: time.Second}},
		func(t *testing.T, sim *contactsim.Server, hc *http.Client) {
			for i := range 4 {
				require.Equal(t, 202, upload(t, hc, fmt.Sprintf("msisdn\n+659100000%d\n", i), nil).status)
			}
			start := time.Now()
			a := call(t, hc, http.MethodGet, acct+"/batches?limit=10", nil, nil, "")
			require.Equal(t, 200, a.status)
			pieces := (len(a.raw) + 255) / 256
			assert.Equal(t, 5*time.Second+time.Duration(pieces-1)*time.Second, time.Since(start))
		})
}

func TestResetAfterCommit(t *testing.T) {
	withSim(t, contactsim.Options{Faults: contactsim.Faults{ResetAfter: 1}}, func(t *testing.T, sim *contactsim.Server, hc *http.Client) {
		body, ctype := form(t, "file", "msisdn\n+6591000001\n", nil)
		req, err := http.NewRequest(http.MethodPost, base+acct+"/contacts/batches/createContacts", body)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+contactsim.DefaultAPIKey)
		req.Header.Set("Content-Type", ctype)
		_, err = hc.Do(req)
		assert.Error(t, err, "the answer is lost")
		assert.Len(t, sim.Batches(), 1, "but the batch was committed")
		assert.Equal(t, 1, sim.Stats().ResetsAfter)
		assert.Equal(t, 200, call(t, hc, http.MethodGet, acct+"/batches", nil, nil, "").status, "GETs are not cut")
	})
}

func TestBatchListServerPaging(t *testing.T) {
	for _, tc := range []struct {
		name        string
		opts        contactsim.Options
		query       string
		page        int
		items       int
		hasNext     bool
		hasPrevious bool
	}{
		{"page size capped", contactsim.Options{MaxListLimit: 2}, "limit=500&offset=1", 2, 2, true, true},
		{"offset as items", contactsim.Options{MaxListLimit: 2, ListOffsetIsItemOffset: true}, "limit=500&offset=1", 1, 2, true, true},
		{"offset as items, last", contactsim.Options{ListOffsetIsItemOffset: true}, "limit=2&offset=3", 2, 2, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			withSim(t, tc.opts, func(t *testing.T, sim *contactsim.Server, hc *http.Client) {
				for i := range 5 {
					require.Equal(t, 202, upload(t, hc, fmt.Sprintf("msisdn\n+659100000%d\n", i), nil).status)
				}
				p := call(t, hc, http.MethodGet, acct+"/batches?"+tc.query, nil, nil, "").body
				assert.EqualValues(t, tc.page, p["page"])
				assert.Len(t, p["items"], tc.items)
				assert.Equal(t, tc.hasNext, p["hasNextPage"])
				assert.Equal(t, tc.hasPrevious, p["hasPreviousPage"])
			})
		})
	}
}

func TestDeterministicFaults(t *testing.T) {
	withSim(t, contactsim.Options{Faults: contactsim.Faults{ListError: true, StatusError: true, AnonymousBatch: true}},
		func(t *testing.T, sim *contactsim.Server, hc *http.Client) {
			a := upload(t, hc, "msisdn\n+6591000001\n", nil)
			assert.Equal(t, 202, a.status)
			assert.Empty(t, a.body, "the answer names no batch")
			require.Len(t, sim.Batches(), 1, "but the batch exists")
			assert.Equal(t, 503, call(t, hc, http.MethodGet, acct+"/batches", nil, nil, "").status)
			assert.Equal(t, 503, call(t, hc, http.MethodGet, acct+"/batches/"+sim.Batches()[0].ID, nil, nil, "").status)
		})
	withSim(t, contactsim.Options{QueueDelay: 1, ProcessDelay: 1, Faults: contactsim.Faults{OmitCounts: true, InvalidFileStatus: 404}},
		func(t *testing.T, sim *contactsim.Server, hc *http.Client) {
			a := upload(t, hc, "msisdn\n+6591000001\n12\n", nil)
			require.Equal(t, 202, a.status)
			time.Sleep(10 * time.Millisecond)
			b := call(t, hc, http.MethodGet, acct+"/batches/"+sim.Batches()[0].ID, nil, nil, "").body
			assert.Equal(t, "completed", b["status"])
			assert.NotContains(t, b, "totalRows")
			loc, _ := b["invalidFileLocation"].(string)
			require.NotEmpty(t, loc, "the invalid-rows file is still named")
			u, err := url.Parse(loc)
			require.NoError(t, err)
			assert.Equal(t, 404, call(t, hc, http.MethodGet, u.Path, nil, nil, "").status)
		})
}
