package parse_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/contactpipe/contactpipe/parse"
)

// TestIssueHeaders maps every header issue 11 lists as seen in real exports (tine20, Roundcube,
// Thunderbird fixtures and CRM exports), plus the localized headers of each language.
func TestIssueHeaders(t *testing.T) {
	tests := []struct {
		header string
		field  string
	}{
		{"Vorname", "firstName"}, {"Nachname", "lastName"}, {"Telefon", "msisdn"}, {"E-Mail", "email"},
		{"Land", "country"}, {"Country/Region", "country"}, {"WhatsApp", "msisdn"},
		{"Mobiltelefon", "msisdn"}, {"Telefon (privat)", "msisdn"}, {"Telefon geschäftlich", "msisdn"},
		{"Tel. privat", "msisdn"}, {"Tel. dienstlich", "msisdn"}, {"Mobil-Tel.-Nr.", "msisdn"}, {"Primäre E-Mail-Adresse", "email"},
		{"Haupttelefon", "msisdn"}, {"E-Mail-Adresse", "email"}, {"Arbeit E-Mail", "email"},
		{"Privat Telefon", "msisdn"}, {"Hauptnummer", "msisdn"}, {"Nome", "firstName+lastName"},
		{"Telefone1", "msisdn"}, {"NOME", "firstName+lastName"}, {"COGNOME", "lastName"}, {"TELEFONO", "msisdn"},
		{"nombre", "firstName+lastName"}, {"telefono", "msisdn"}, {"姓", "lastName"}, {"名", "firstName"},
		{"電話番号", "msisdn"}, {"メールアドレス", "email"}, {"Email Home", "email"}, {"Email Work", "email"},
		{"Home Mobile", "msisdn"}, {"cp_phone1", "msisdn"}, {"cp_mobile1", "msisdn"}, {"cp_email", "email"},
		{"cp_givenname", "firstName"}, {"tel_cell", "msisdn"}, {"n_given", "firstName"}, {"n_family", "lastName"},
		// French, Spanish, Portuguese, Italian, Dutch, Polish, Nordic, Finnish, Turkish, CJK.
		{"Prénom", "firstName"}, {"Téléphone mobile", "msisdn"}, {"Adresse de messagerie", "email"}, {"Pays/Région", "country"},
		{"Apellidos", "lastName"}, {"Teléfono móvil", "msisdn"}, {"Correo electrónico", "email"}, {"País", "country"},
		{"Sobrenome", "lastName"}, {"Celular", "msisdn"}, {"Endereço de e-mail", "email"},
		{"Cellulare", "msisdn"}, {"Indirizzo e-mail", "email"}, {"Paese", "country"},
		{"Voornaam", "firstName"}, {"Achternaam", "lastName"}, {"Mobiele telefoon", "msisdn"}, {"E-mailadres", "email"},
		{"Imię", "firstName"}, {"Nazwisko", "lastName"}, {"Telefon komórkowy", "msisdn"}, {"Adres e-mail", "email"}, {"Kraj", "country"},
		{"Förnamn", "firstName"}, {"Efternamn", "lastName"}, {"E-postadress", "email"},
		{"Fornavn", "firstName"}, {"Efternavn", "lastName"}, {"Etternavn", "lastName"}, {"E-post", "email"},
		{"Etunimi", "firstName"}, {"Sukunimi", "lastName"}, {"Matkapuhelin", "msisdn"}, {"Sähköposti", "email"}, {"Maa", "country"},
		{"Adı", "firstName"}, {"Soyadı", "lastName"}, {"Cep telefonu", "msisdn"}, {"E-posta", "email"}, {"Ülke", "country"},
		{"手机号码", "msisdn"}, {"电子邮件地址", "email"}, {"姓名", "firstName+lastName"}, {"国家/地区", "country"},
		{"성", "lastName"}, {"휴대폰", "msisdn"}, {"이메일", "email"}, {"국가", "country"},
		{"携帯電話", "msisdn"}, {"電子メール アドレス", "email"},
		// Case and accents folded.
		{"TÉLÉPHONE", "msisdn"}, {"telephone mobile", "msisdn"}, {"PRENOM", "firstName"}, {"telefon geschaftlich", "msisdn"},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			m, err := parse.MapHeader([]string{tt.header, "msisdn"})
			require.NoError(t, err)
			assert.Equal(t, tt.field, m.Describe()[0].Field, "%+v", m.Describe()[0])
			assert.Equal(t, parse.MethodAlias, m.Describe()[0].Method)
		})
	}
}

// TestNameWords: a word meaning "name" is the last name beside a first-name column (French), the
// first name beside a last-name column (Italian), else a full name.
func TestNameWords(t *testing.T) {
	cols := func(h ...string) map[string]string {
		m, err := parse.MapHeader(append(h, "Telefon"))
		require.NoError(t, err)
		c := m.Columns()
		delete(c, "Telefon")
		return c
	}
	assert.Equal(t, map[string]string{"Prénom": "firstName", "Nom": "lastName"}, cols("Prénom", "Nom"))
	assert.Equal(t, map[string]string{"NOME": "firstName", "COGNOME": "lastName"}, cols("NOME", "COGNOME"))
	assert.Equal(t, map[string]string{"Nome": "firstName+lastName"}, cols("Nome"))
}

// TestSemicolonGerman is issue 11's first "Seen": a ';' export with Vorname;Nachname;Telefon;
// E-Mail;Land imported only the email.
func TestSemicolonGerman(t *testing.T) {
	src := openFile(t, "semicolon_de.csv", parse.Options{})
	assert.Equal(t, map[string]string{"Vorname": "firstName", "Nachname": "lastName", "Telefon": "msisdn", "E-Mail": "email", "Land": "country"},
		src.Mapping().Columns())
	assert.Empty(t, src.Mapping().Ignored())
	rec, err := src.Next()
	require.NoError(t, err)
	assert.Equal(t, values(parse.FirstName, "Jürgen", parse.LastName, "Müller", parse.Msisdn, "030 5550101",
		parse.Email, "jurgen@example.de", parse.Country, "DE"), rec.Values)
}

func openFile(t *testing.T, name string, opts parse.Options) *parse.Source {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	require.NoError(t, err)
	t.Cleanup(func() { _ = f.Close() })
	src, err := parse.Open(f, opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = src.Close() })
	return src
}

// TestOutlookGerman reads an Outlook 2013 German export (Windows-1252, headers as Outlook de
// writes them; see Roundcube's de_DE CSV map): several phones and emails are used in the
// documented priority, mobile first, and the others are listed as alternatives.
func TestOutlookGerman(t *testing.T) {
	src := openFile(t, "outlook_de.csv", parse.Options{})
	byHeader := map[string]parse.ColumnInfo{}
	for _, c := range src.Mapping().Describe() {
		byHeader[c.Header] = c
	}
	assert.Equal(t, "salutation", byHeader["Anrede"].Field)
	assert.Equal(t, parse.StatusMapped, byHeader["Mobiltelefon"].Status)
	for _, h := range []string{"Telefon geschäftlich", "Telefon (privat)", "Haupttelefon", "Telefon geschäftlich 2"} {
		assert.Equal(t, parse.StatusAlternative, byHeader[h].Status, h)
		assert.Equal(t, "msisdn", byHeader[h].Field, h)
		assert.Contains(t, byHeader[h].Reason, `"Mobiltelefon"`, h)
	}
	assert.Equal(t, parse.StatusMapped, byHeader["E-Mail-Adresse"].Status)
	assert.Equal(t, parse.StatusAlternative, byHeader["E-Mail 2: Adresse"].Status)
	assert.Equal(t, parse.StatusIgnored, byHeader["Position"].Status)
	var got [][parse.NumFields]string
	for rec, err := range src.All() {
		require.NoError(t, err)
		require.NoError(t, rec.Err)
		got = append(got, rec.Values)
	}
	assert.Equal(t, [][parse.NumFields]string{
		person("+49 151 5550101", "Jürgen", "Groß", "jurgen.gross@example.de", parse.Salutation, "Herr", parse.Country, "Deutschland"),
		person("+43 1 5550102", "Anna", "Schmidt", "anna.schmidt@example.at", parse.Salutation, "Frau", parse.Country, "Österreich"),
		person("+41 44 555 01 00", "Lukas", "Weber", "lukas@example.ch", parse.Country, "Schweiz"),
	}, got, "the main number comes before the business one when there is no mobile")
}

// TestLinkedInNotes: LinkedIn's Connections.csv opens with a Notes: line and a quoted paragraph;
// the header is found below them and the skipped rows are reported.
func TestLinkedInNotes(t *testing.T) {
	src := openFile(t, "linkedin_connections.csv", parse.Options{})
	assert.Equal(t, []int{1, 2}, src.SkippedRows())
	assert.Equal(t, "First Name", src.Header()[0])
	rows := readAll(t, src)
	assert.Equal(t, []row{
		"5: Ann|Lee|https://www.linkedin.com/in/ann-lee-0001|ann.lee@example.com|Example Ltd|Engineer|12 Jan 2024",
		"6: Bob|Brown|https://www.linkedin.com/in/bob-brown-0002||Example GmbH|Head of Sales, EMEA|03 Feb 2024",
	}, rows)
}

// TestContentDetection: a column whose header means nothing is mapped by its values; Title holding
// job titles is ignored; the full name is split.
func TestContentDetection(t *testing.T) {
	src := openFile(t, "content_detect.csv", parse.Options{})
	d := src.Mapping().Describe()
	assert.Equal(t, parse.ColumnInfo{Index: 0, Header: "Title", Status: parse.StatusIgnored, Reason: "values look like job titles, not salutations"}, d[0])
	assert.Equal(t, "firstName+lastName", d[1].Field)
	assert.Equal(t, parse.ColumnInfo{Index: 2, Header: "Contact", Field: "msisdn", Method: parse.MethodContent, Status: parse.StatusMapped,
		Reason: "100% of the sampled values are phone numbers"}, d[2])
	assert.Equal(t, parse.StatusIgnored, d[3].Status)
	rec, err := src.Next()
	require.NoError(t, err)
	assert.Equal(t, values(parse.FirstName, "Ann", parse.LastName, "Lee", parse.Msisdn, "+1 650 555 0101"), rec.Values)

	tests := []struct {
		name, in string
		want     parse.ColumnInfo
	}{
		{"emails", "Name,Kontakt\nA,a@example.com\nB,b@example.org\n",
			parse.ColumnInfo{Index: 1, Header: "Kontakt", Field: "email", Method: parse.MethodContent, Status: parse.StatusMapped, Reason: "100% of the sampled values are emails"}},
		{"mixed is ambiguous", "Name,Kontakt,email\nA,a@example.com,x@y.z\nB,+1 650 555 0101,\n",
			parse.ColumnInfo{Index: 1, Header: "Kontakt", Status: parse.StatusAmbiguous, Reason: "values are phone numbers (50%) and emails (50%): map it with the column map"}},
		{"bare digits are not phones", "Name,Ref,email\nA,16505550101,x@y.z\nB,16505550102,\n",
			parse.ColumnInfo{Index: 1, Header: "Ref", Status: parse.StatusIgnored}},
		{"phones beside a phone column are not a second source", "Phone,Zweitnummer,email\n+1 650 555 0101,+1 650 555 0199,x@y.z\n",
			parse.ColumnInfo{Index: 1, Header: "Zweitnummer", Status: parse.StatusIgnored,
				Reason: `100% of the sampled values are phone numbers, but msisdn is taken from "Phone"; map it with the column map to use it instead`}},
		{"two unknown phone columns: the first is used", "Name,A,B\nAnn,+1 650 555 0101,+1 650 555 0102\n",
			parse.ColumnInfo{Index: 2, Header: "B", Status: parse.StatusIgnored,
				Reason: `100% of the sampled values are phone numbers, but msisdn is taken from "A"; map it with the column map to use it instead`}},
		{"a fax is not a phone", "Name,Business Fax,email\nAnn,+1 650 555 0199,x@y.z\n",
			parse.ColumnInfo{Index: 1, Header: "Business Fax", Status: parse.StatusIgnored, Reason: "fax, pager and ISDN numbers are not mapped"}},
		// Dates have the digits and separators of a phone number (audit of issue 11: a birthday
		// column was mapped to msisdn and every row rejected).
		{"iso dates are not phones", "Name,E-Mail,Geburtstag\nAnn,a@example.com,1980-03-12\nBob,b@example.com,1975-11-02\n",
			parse.ColumnInfo{Index: 2, Header: "Geburtstag", Status: parse.StatusIgnored}},
		{"day.month.year dates are not phones", "Name,E-Mail,Datum\nAnn,a@example.com,01.01.2016\nBob,b@example.com,24.12.1987\n",
			parse.ColumnInfo{Index: 2, Header: "Datum", Status: parse.StatusIgnored}},
		{"month/day/year dates are not phones", "Name,E-Mail,Joined\nAnn,a@example.com,12/31/2019\nBob,b@example.com,2009/01/01\n",
			parse.ColumnInfo{Index: 2, Header: "Joined", Status: parse.StatusIgnored}},
		{"numbers shaped like no date are phones", "Name,Nummer\nAnn,0211-12-34\nBob,030 1234 5678\nCy,2012-34-56\n",
			parse.ColumnInfo{Index: 1, Header: "Nummer", Field: "msisdn", Method: parse.MethodContent, Status: parse.StatusMapped, Reason: "100% of the sampled values are phone numbers"}},
		{"salutations", "Title,email\nMr,x@y.z\nDr.,\nFrau,\nMme,\n",
			parse.ColumnInfo{Index: 0, Header: "Title", Field: "salutation", Method: parse.MethodAlias, Status: parse.StatusMapped}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, open(t, tt.in, parse.Options{}).Mapping().Describe()[tt.want.Index])
		})
	}
}

func TestColumnMap(t *testing.T) {
	in := "Telefon,Mobile,Notiz,Land\n030 5550101,+49 151 5550101,x,DE\n"
	src := open(t, in, parse.Options{ColumnMap: map[string]string{"Telefon": "msisdn", "notiz": "ignore", "Land": "country"}})
	d := src.Mapping().Describe()
	assert.Equal(t, parse.MethodMap, d[0].Method)
	assert.Equal(t, parse.StatusMapped, d[0].Status)
	assert.Equal(t, parse.StatusIgnored, d[1].Status, "the map wins over the alias")
	assert.Contains(t, d[1].Reason, "column map")
	assert.Equal(t, "ignored by the column map", d[2].Reason)
	rec, err := src.Next()
	require.NoError(t, err)
	assert.Equal(t, "030 5550101", rec.Values[parse.Msisdn])

	_, err = parse.Open(strings.NewReader(in), parse.Options{ColumnMap: map[string]string{"Phone": "msisdn"}})
	assert.ErrorIs(t, err, parse.ErrUnknownColumn)
	_, err = parse.Open(strings.NewReader(in), parse.Options{ColumnMap: map[string]string{"Telefon": "nickname"}})
	assert.ErrorIs(t, err, parse.ErrUnknownField)
}

// TestColumnsAcceptAliases: -columns accepts what header mapping accepts (issue 11 "Seen":
// phone and name were refused).
func TestColumnsAcceptAliases(t *testing.T) {
	src := open(t, "+1 650 555 0101,Mary Ann Smith,x\n", parse.Options{NoHeader: true, Columns: []string{"phone", "name"}})
	rec, err := src.Next()
	require.NoError(t, err)
	assert.Equal(t, values(parse.Msisdn, "+1 650 555 0101", parse.FirstName, "Mary Ann", parse.LastName, "Smith"), rec.Values)
	assert.Equal(t, parse.MethodColumns, src.Mapping().Describe()[0].Method)
}

// TestNoHeaderExtraColumns is issue 10 §2: with -header=false and three columns, the repo's own
// 5-column file had every row rejected extra_fields and lost two cells.
func TestNoHeaderExtraColumns(t *testing.T) {
	f, err := os.Open("../testdata/contacts-noheader.csv")
	require.NoError(t, err)
	defer f.Close()
	src, err := parse.Open(f, parse.Options{NoHeader: true, Columns: []string{"msisdn", "firstName", "lastName"}})
	require.NoError(t, err)
	assert.Equal(t, []string{"column 4", "column 5"}, src.Mapping().Ignored())
	assert.Equal(t, []string{"msisdn", "firstName", "lastName", "column 4", "column 5"}, src.Header())
	n := 0
	for rec, err := range src.All() {
		require.NoError(t, err)
		require.NoError(t, rec.Err, "row %d", rec.Row)
		assert.Len(t, rec.Raw, 5, "every original cell is kept")
		n++
	}
	assert.Positive(t, n)
}

// TestRawKeepsEveryCell: a row wider than its header keeps every cell in Raw (rejected.csv shows
// them all), with or without a header.
func TestRawKeepsEveryCell(t *testing.T) {
	src := open(t, "msisdn,firstName\n1,a,x,,y,,\n2,b,,\n", parse.Options{})
	rec, err := src.Next()
	require.NoError(t, err)
	require.Error(t, rec.Err)
	assert.Equal(t, []string{"1", "a", "x", "", "y"}, rec.Raw)
	rec, err = src.Next()
	require.NoError(t, err)
	assert.Equal(t, []string{"2", "b"}, rec.Raw, "empty trailing cells (Excel's trailing commas) are not cells")

	src = open(t, "1,a\n2,b,c,d\n", parse.Options{NoHeader: true, Columns: []string{"msisdn"}})
	assert.Equal(t, []row{"1: 1|a||", "2: 2|b|c|d"}, readAll(t, src), "padded to the widest row read ahead")
}

// TestNoAddressColumn: a file where no column maps to an address is refused, and the message
// lists the header, what each column was taken for, and the column map to fix it.
func TestNoAddressColumn(t *testing.T) {
	_, err := parse.Open(strings.NewReader("Vorname,Nummer\nAnn,16505550101\n"), parse.Options{})
	require.ErrorIs(t, err, parse.ErrNoAddressColumn)
	var he *parse.HeaderError
	require.ErrorAs(t, err, &he)
	assert.Equal(t, []string{"Vorname", "Nummer"}, he.Columns)
	assert.Equal(t, `header: no column maps to an address (msisdn, email or a chat id), so no row can be imported; header: "Vorname", "Nummer"; columns taken as: "Vorname" → firstName (alias), "Nummer" → ignored; map the column that holds the phone numbers or emails with a column map, e.g. -map 'Telefon=msisdn'`, err.Error())

	src := open(t, "Vorname,Nummer\nAnn,16505550101\n", parse.Options{ColumnMap: map[string]string{"Nummer": "msisdn"}})
	assert.Equal(t, "msisdn", src.Mapping().Columns()["Nummer"])
}

func TestStrictColumns(t *testing.T) {
	_, err := parse.Open(strings.NewReader("phone,Notes\n1,x\n"), parse.Options{StrictColumns: true})
	require.ErrorIs(t, err, parse.ErrIgnoredColumn)
	var he *parse.HeaderError
	require.ErrorAs(t, err, &he)
	assert.Equal(t, []string{"Notes"}, he.Columns)
	_, err = parse.Open(strings.NewReader("phone,Notes\n1,x\n"), parse.Options{StrictColumns: true, ColumnMap: map[string]string{"Notes": "ignore"}})
	require.ErrorIs(t, err, parse.ErrIgnoredColumn, "an ignored column is ignored, whoever says so")
	_, err = parse.Open(strings.NewReader("phone,email\n1,x\n"), parse.Options{StrictColumns: true})
	require.NoError(t, err)
}

// TestRejectedReimport is issue 10 §3: importing contactpipe's own rejected.csv sent the
// apostrophes it added ('@john, '-Smith) and copied the error columns into the next rejected.csv.
func TestRejectedReimport(t *testing.T) {
	src := openFile(t, "rejected_reimport.csv", parse.Options{})
	assert.True(t, src.Rejected())
	assert.Equal(t, []string{"msisdn", "firstName", "lastName", "notes", "column 5"}, src.Header())
	assert.NotContains(t, src.Mapping().Ignored(), "error_row")
	assert.Equal(t, []row{
		"2: +1 201 555 0123|@john|-Smith|'twas fixed|extra",
		"3: +1 201 555 0124|Ann|=HYPERLINK(x)|+1+1|",
	}, readAll(t, src))

	// The same cells in a file contactpipe did not write keep their apostrophes.
	src = open(t, "msisdn,firstName\n1,'@john\n", parse.Options{})
	assert.False(t, src.Rejected())
	assert.Equal(t, []row{"2: 1|'@john"}, readAll(t, src))
}

func TestFormulaRisk(t *testing.T) {
	risky := []string{"=1+1", "=HYPERLINK(\"x\")", "@SUM(A1)", "@john", "\tx", "\rx", "-2-3", "+2-2", "+1+1", "-A1",
		"-Smith", "+1-555-HELLO", "+cmd|' /C calc'!A0", "-1+cmd|' /C calc'!A0", "+12", "+1234", "-5-", "-1.2.3",
		"+1 (650) 253-0000 x1", "+A1"}
	safe := []string{"", "-", "-5", "-2.5", "+44 20 7946 0958", "+1 (650) 253-0000", "+16502530000", "+49 30 5550100",
		"+1.650.253.0000", "+33 1 55 55 01 03", "'twas", "John", "1+1", "a=b", " =x", "2024-01-02", "ann@example.com"}
	for _, s := range risky {
		assert.True(t, parse.FormulaRisk(s), "%q is risky", s)
	}
	for _, s := range safe {
		assert.False(t, parse.FormulaRisk(s), "%q is safe", s)
	}
}

// TestOpenContext: a cancelled context stops reading with an error matching context.Canceled
// that keeps the cause.
func TestOpenContext(t *testing.T) {
	cause := errors.New("user pressed ctrl-c")
	ctx, cancel := context.WithCancelCause(context.Background())
	in := "msisdn\n" + strings.Repeat("+16505550101\n", 200_000)
	src, err := parse.OpenContext(ctx, strings.NewReader(in), parse.Options{})
	require.NoError(t, err)
	cancel(cause)
	n := 0
	for {
		_, err = src.Next()
		if err != nil {
			break
		}
		n++
	}
	require.NotEqual(t, io.EOF, err)
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, err, cause)
	assert.Less(t, n, 200_000)

	_, err = parse.OpenContext(ctx, strings.NewReader(in), parse.Options{})
	assert.ErrorIs(t, err, context.Canceled)
}

func TestJapanese(t *testing.T) {
	src := openFile(t, "japanese.csv", parse.Options{})
	assert.Equal(t, map[string]string{"姓": "lastName", "名": "firstName", "電話番号": "msisdn", "メールアドレス": "email", "国": "country"},
		src.Mapping().Columns())
	rec, err := src.Next()
	require.NoError(t, err)
	assert.Equal(t, values(parse.LastName, "佐藤", parse.FirstName, "花子", parse.Msisdn, "03-5555-0101",
		parse.Email, "hanako@example.jp", parse.Country, "JP"), rec.Values)
}

// TestColumnsSkipTheHeaderAsItIs: with Columns, the first row is the header whatever it holds
// (no search for a later row that looks like one).
func TestColumnsSkipTheHeaderAsItIs(t *testing.T) {
	src := open(t, "a,b\nMobile,x@y.z\n", parse.Options{Columns: []string{"msisdn", "email"}})
	assert.Nil(t, src.SkippedRows())
	assert.Equal(t, []row{"2: Mobile|x@y.z"}, readAll(t, src))
}

// TestOutlookFrench maps the contact columns of a French Outlook/Windows export.
func TestOutlookFrench(t *testing.T) {
	m, err := parse.MapHeader([]string{"Titre personnel", "Prénom", "Deuxième prénom", "Nom de famille", "Téléphone professionnel",
		"Téléphone personnel", "Téléphone portable", "Téléphone principal", "Adresse de messagerie", "Adresse de messagerie 2", "Pays/région (domicile)"})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"Titre personnel": "salutation", "Prénom": "firstName", "Nom de famille": "lastName",
		"Téléphone professionnel": "msisdn", "Téléphone personnel": "msisdn", "Téléphone portable": "msisdn", "Téléphone principal": "msisdn",
		"Adresse de messagerie": "email", "Adresse de messagerie 2": "email", "Pays/région (domicile)": "country"}, m.Columns())
	assert.Equal(t, parse.StatusMapped, m.Describe()[6].Status, "the mobile comes first")
	assert.Equal(t, []string{"Deuxième prénom"}, m.Ignored())
}

// TestHeaderSearch: a title row is skipped; a data row holding a known word is not taken for the
// header.
func TestHeaderSearch(t *testing.T) {
	src := open(t, "Kundenliste 2024\n\nVorname,Nachname,Telefon\nAnn,Lee,+49 30 5550101\n", parse.Options{})
	assert.Equal(t, []int{1}, src.SkippedRows())
	assert.Equal(t, []row{"4: Ann|Lee|+49 30 5550101"}, readAll(t, src))

	src = open(t, "Kunde,Nummer,Art\nAnn,+49 151 5550101,Mobile\nBob,+49 30 5550102,Telefon\n", parse.Options{})
	assert.Nil(t, src.SkippedRows())
	assert.Equal(t, []string{"Kunde", "Nummer", "Art"}, src.Header())
	assert.Equal(t, "msisdn", src.Mapping().Columns()["Nummer"], "mapped by content")
}
