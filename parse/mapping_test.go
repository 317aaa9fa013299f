package parse_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/contactpipe/contactpipe/parse"
)

func TestFieldNames(t *testing.T) {
	for f := parse.Field(0); f < parse.NumFields; f++ {
		got, ok := parse.FieldByName(f.String())
		assert.True(t, ok, f.String())
		assert.Equal(t, f, got)
	}
	tests := []struct {
		in   string
		want parse.Field
		ok   bool
	}{
		{"first_name", parse.FirstName, true},
		{"FIRST NAME", parse.FirstName, true},
		{"First-Name", parse.FirstName, true},
		{"MSISDN", parse.Msisdn, true},
		{"external_id", parse.ExternalID, true},
		{"kakao-talk-id", parse.KakaoTalkID, true},
		{"phone", 0, false}, // FieldByName knows the API names only
		{"", 0, false},
		{"msisdnx", 0, false},
	}
	for _, tt := range tests {
		got, ok := parse.FieldByName(tt.in)
		assert.Equal(t, tt.ok, ok, tt.in)
		if tt.ok {
			assert.Equal(t, tt.want, got, tt.in)
		}
	}
	assert.Equal(t, "Field(99)", parse.Field(99).String())
}

func TestMapHeader(t *testing.T) {
	tests := []struct {
		name    string
		header  []string
		columns map[string]string
		ignored []string
	}{
		{
			name:    "spellings from issue 3",
			header:  []string{"First Name", "first_name", "x"},
			columns: nil, // duplicate: see TestMapHeaderErrors
		},
		{
			name:    "case, space, _ and - insensitive",
			header:  []string{"FIRSTNAME", "last-name", "Mobile", "E-Mail", "External_ID", "COUNTRY", "Title"},
			columns: map[string]string{"FIRSTNAME": "firstName", "last-name": "lastName", "Mobile": "msisdn", "E-Mail": "email", "External_ID": "externalId", "COUNTRY": "country", "Title": "salutation"},
		},
		{
			name:    "api names",
			header:  []string{"msisdn", "firstName", "lastName", "externalId", "country", "email", "weChatUserId", "facebookUserId", "zaloId", "lineId", "kakaoTalkId", "salutation"},
			columns: map[string]string{"msisdn": "msisdn", "firstName": "firstName", "lastName": "lastName", "externalId": "externalId", "country": "country", "email": "email", "weChatUserId": "weChatUserId", "facebookUserId": "facebookUserId", "zaloId": "zaloId", "lineId": "lineId", "kakaoTalkId": "kakaoTalkId", "salutation": "salutation"},
		},
		{
			name:    "phone number",
			header:  []string{"phone number", "notes"},
			columns: map[string]string{"phone number": "msisdn"},
			ignored: []string{"notes"},
		},
		{
			name:    "hubspot",
			header:  []string{"Record ID", "First Name", "Last Name", "Email", "Phone Number", "Mobile Phone Number", "Company Name"},
			columns: map[string]string{"First Name": "firstName", "Last Name": "lastName", "Email": "email", "Phone Number": "msisdn", "Mobile Phone Number": "msisdn"},
			ignored: []string{"Record ID", "Company Name"},
		},
		{
			name:    "full name",
			header:  []string{"Full Name", "Phone"},
			columns: map[string]string{"Full Name": "firstName+lastName", "Phone": "msisdn"},
		},
		{
			name:    "google",
			header:  []string{"Name", "Given Name", "Family Name", "Group Membership", "E-mail 1 - Type", "E-mail 1 - Value", "Phone 1 - Type", "Phone 1 - Value", "Phone 2 - Type", "Phone 2 - Value"},
			columns: map[string]string{"Name": "firstName+lastName", "Given Name": "firstName", "Family Name": "lastName", "E-mail 1 - Value": "email", "Phone 1 - Type": "msisdn type", "Phone 1 - Value": "msisdn", "Phone 2 - Type": "msisdn type", "Phone 2 - Value": "msisdn"},
			ignored: []string{"Group Membership", "E-mail 1 - Type"},
		},
		{
			name:    "outlook",
			header:  []string{"Title", "First Name", "Last Name", "E-mail Address", "E-mail 2 Address", "Business Fax", "Business Phone", "Home Phone", "Mobile Phone", "Pager"},
			columns: map[string]string{"Title": "salutation", "First Name": "firstName", "Last Name": "lastName", "E-mail Address": "email", "E-mail 2 Address": "email", "Business Phone": "msisdn", "Home Phone": "msisdn", "Mobile Phone": "msisdn"},
			ignored: []string{"Business Fax", "Pager"},
		},
		{
			name:    "duplicate unmapped names are fine",
			header:  []string{"msisdn", "Notes", "Notes"},
			columns: map[string]string{"msisdn": "msisdn"},
			ignored: []string{"Notes (column 2)", "Notes (column 3)"},
		},
	}
	for _, tt := range tests {
		if tt.columns == nil {
			continue
		}
		t.Run(tt.name, func(t *testing.T) {
			m, err := parse.MapHeader(tt.header)
			require.NoError(t, err)
			assert.Equal(t, tt.columns, m.Columns())
			assert.Equal(t, tt.ignored, m.Ignored())
			assert.Equal(t, len(tt.header), m.Width())
		})
	}
}

func TestMapHeaderErrors(t *testing.T) {
	tests := []struct {
		name    string
		header  []string
		is      error
		columns []string
	}{
		{"same name twice", []string{"First Name", "first_name"}, parse.ErrDuplicateColumn, []string{"First Name", "first_name"}},
		{"identical names", []string{"Last Name", "x", "Last Name"}, parse.ErrDuplicateColumn, []string{"Last Name", "Last Name"}},
		{"first name and given name", []string{"First Name", "Given Name"}, parse.ErrAmbiguousColumn, []string{"First Name", "Given Name"}},
		{"two full names", []string{"Name", "Full Name"}, parse.ErrAmbiguousColumn, []string{"Name", "Full Name"}},
		{"nothing maps", []string{"a", "b"}, parse.ErrNoMappedColumn, []string{"a", "b"}},
		{"empty header", []string{""}, parse.ErrNoMappedColumn, []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parse.MapHeader(tt.header)
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.is)
			var he *parse.HeaderError
			require.ErrorAs(t, err, &he)
			assert.Equal(t, tt.columns, he.Columns)
		})
	}
}

func values(kv ...any) (v [parse.NumFields]string) {
	for i := 0; i < len(kv); i += 2 {
		v[kv[i].(parse.Field)] = kv[i+1].(string)
	}
	return v
}

func TestMappingValues(t *testing.T) {
	google := []string{"Given Name", "Family Name", "E-mail 1 - Value", "Phone 1 - Type", "Phone 1 - Value", "Phone 2 - Type", "Phone 2 - Value", "Phone 3 - Type", "Phone 3 - Value"}
	outlook := []string{"First Name", "Last Name", "Business Phone", "Home Phone", "Mobile Phone", "E-mail Address", "E-mail 2 Address"}
	hubspot := []string{"Phone Number", "Mobile Phone Number", "Email"}
	full := []string{"Name", "First Name", "Last Name", "phone"}
	tests := []struct {
		name   string
		header []string
		cells  []string
		want   [parse.NumFields]string
	}{
		{"google: mobile typed second wins", google,
			[]string{"Ann", "Lee", "a@x.com ::: b@x.com", "Work", "+1 111", "Mobile", "+1 222", "", ""},
			values(parse.FirstName, "Ann", parse.LastName, "Lee", parse.Email, "a@x.com", parse.Msisdn, "+1 222")},
		{"google: starred mobile", google,
			[]string{"", "", "", "Home", "+1 111", "* Mobile", "+1 222 ::: +1 333", "", ""},
			values(parse.Msisdn, "+1 222")},
		{"google: no mobile, first non-empty", google,
			[]string{"", "", "", "Home", "", "Work", "+1 222", "Home", "+1 333"},
			values(parse.Msisdn, "+1 222")},
		{"google: fax only used last", google,
			[]string{"", "", "", "Work Fax", "+1 111", "Pager", "+1 222", "Other", "+1 333"},
			values(parse.Msisdn, "+1 333")},
		{"google: only a fax", google,
			[]string{"", "", "", "Work Fax", "+1 111", "", "", "", ""},
			values(parse.Msisdn, "+1 111")},
		{"google: empty mobile typed cell is skipped", google,
			[]string{"", "", "", "Mobile", " ", "Home", "+1 222", "", ""},
			values(parse.Msisdn, "+1 222")},
		{"outlook: mobile preferred", outlook,
			[]string{"A", "B", "+1 111", "+1 222", "+1 333", "a@x", "b@x"},
			values(parse.FirstName, "A", parse.LastName, "B", parse.Msisdn, "+1 333", parse.Email, "a@x")},
		{"outlook: no mobile, first non-empty business", outlook,
			[]string{"A", "B", "+1 111", "+1 222", "", "", "b@x"},
			values(parse.FirstName, "A", parse.LastName, "B", parse.Msisdn, "+1 111", parse.Email, "b@x")},
		{"outlook: home when no business", outlook,
			[]string{"A", "B", "", "+1 222", "", "", ""},
			values(parse.FirstName, "A", parse.LastName, "B", parse.Msisdn, "+1 222")},
		{"hubspot: mobile preferred", hubspot, []string{"+1 111", "+1 222", "a@x"},
			values(parse.Msisdn, "+1 222", parse.Email, "a@x")},
		{"hubspot: phone when no mobile", hubspot, []string{"+1 111", "", "a@x"},
			values(parse.Msisdn, "+1 111", parse.Email, "a@x")},
		{"full name split when first and last empty", full, []string{"Mary Ann Smith", "", "", "1"},
			values(parse.FirstName, "Mary Ann", parse.LastName, "Smith", parse.Msisdn, "1")},
		{"first and last win over full name", full, []string{"Mary Ann Smith", "Mary", "", "1"},
			values(parse.FirstName, "Mary", parse.Msisdn, "1")},
		{"one-word full name", full, []string{" Cher ", "", "", ""},
			values(parse.FirstName, "Cher")},
		{"short row", outlook, []string{"A"}, values(parse.FirstName, "A")},
		{"google new format labels", []string{"First Name", "Phone 1 - Label", "Phone 1 - Value", "Phone 2 - Label", "Phone 2 - Value"},
			[]string{"Ann", "Work", "+1 111", "Mobile", "+1 222"}, values(parse.FirstName, "Ann", parse.Msisdn, "+1 222")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := parse.MapHeader(tt.header)
			require.NoError(t, err)
			assert.Equal(t, tt.want, m.Values(tt.cells))
		})
	}
}

func TestSplitName(t *testing.T) {
	tests := []struct{ in, first, last string }{
		{"Mary Ann Smith", "Mary Ann", "Smith"},
		{"John Smith", "John", "Smith"},
		{"Cher", "Cher", ""},
		{"  John   Smith  ", "John", "Smith"},
		{"", "", ""},
		{"José García", "José", "García"},
	}
	for _, tt := range tests {
		f, l := parse.SplitName(tt.in)
		assert.Equal(t, tt.first, f, tt.in)
		assert.Equal(t, tt.last, l, tt.in)
	}
}

func TestMapColumns(t *testing.T) {
	m, err := parse.MapColumns([]string{"msisdn", "", "first_name"}, nil)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"msisdn": "msisdn", "first_name": "firstName"}, m.Columns())
	assert.Equal(t, []string{"column 2"}, m.Ignored())
	assert.Equal(t, []parse.Field{parse.Msisdn, parse.FirstName}, m.Fields())
	assert.Equal(t, values(parse.Msisdn, "1", parse.FirstName, "c"), m.Values([]string{"1", "b", "c"}))

	m, err = parse.MapColumns([]string{"email"}, []string{"Phone", "Other"})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"Phone": "email"}, m.Columns())
	assert.Equal(t, []string{"Other"}, m.Ignored())
	assert.Equal(t, 2, m.Width())

	_, err = parse.MapColumns(nil, nil)
	assert.ErrorIs(t, err, parse.ErrColumnsRequired)
	_, err = parse.MapColumns([]string{"", " "}, nil)
	assert.ErrorIs(t, err, parse.ErrNoMappedColumn)
}

func TestMappingFields(t *testing.T) {
	m, err := parse.MapHeader([]string{"Full Name", "E-mail"})
	require.NoError(t, err)
	assert.Equal(t, []parse.Field{parse.FirstName, parse.LastName, parse.Email}, m.Fields())
	var zero parse.Mapping
	assert.Empty(t, zero.Columns())
	assert.Nil(t, zero.Ignored())
	assert.Equal(t, [parse.NumFields]string{}, zero.Values([]string{"x"}))
}

func TestValuesDoesNotAllocate(t *testing.T) {
	m, err := parse.MapHeader([]string{"Name", "Phone 1 - Type", "Phone 1 - Value", "Phone 2 - Type", "Phone 2 - Value", "email"})
	require.NoError(t, err)
	cells := []string{"Ann Lee", "Work", "1", "Mobile", "2", "a@x"}
	allocs := testing.AllocsPerRun(100, func() { _ = m.Values(cells) })
	assert.Zero(t, allocs)
}
