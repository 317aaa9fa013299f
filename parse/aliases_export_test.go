package parse_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/contactpipe/contactpipe/parse"
)

// zimbraExports are the contact columns of the localized Outlook 2003+ CSV export
// ("outlook-2003-csv") and Windows Live Mail CSV export ("windows-live-mail-csv") as Zimbra's
// importer knows them: Zimbra/zm-mailbox store-conf/conf/contacts/zimbra-contact-fields.xml
// (<format name=… locale=…>), copied in that file's order. Left out: faxes, pagers, ISDN, telex,
// radio, callback and assistant phones (not phones to message), the address parts, and in the
// Outlook lists the "Name" column Zimbra accepts but Outlook does not write, and in the Windows Live
// Mail lists a "Name" column spelled like the first- or last-name column (Spanish "Nombre", French
// "Nom" …: two columns of one name feeding one field are refused as ambiguous). The field is what
// Zimbra files the column under: namePrefix → salutation, the phones → msisdn, the e-mail
// addresses → email, the home/work/other countries → country, a full name → firstName+lastName
// (or, for a word meaning "name" beside a first- or last-name column, what it stands for there).
// A trailing "!" marks the column that must be the one mapped (the mobile phone, the first
// address); the others of that field are alternatives.
var zimbraExports = []struct {
	format, locale string
	cols           []col
}{
	{"outlook-2003-csv", "da", []col{{"Titel", "salutation"}, {"Fornavn", "firstName"}, {"Efternavn", "lastName"}, {"Land/område (arbejde)", "country"}, {"Land/område (privat)", "country"}, {"Andet land/område", "country"}, {"Telefon (arbejde)", "msisdn"}, {"Telefon 2 (arbejde)", "msisdn"}, {"Biltelefon", "msisdn"}, {"Primær telefon (firma)", "msisdn"}, {"Telefon (privat)", "msisdn"}, {"Telefon 2 (privat)", "msisdn"}, {"Mobiltelefon", "msisdn!"}, {"Anden telefon", "msisdn"}, {"Primær telefon", "msisdn"}, {"E-mail-adresse", "email!"}, {"E-mail 2-adresse", "email"}, {"E-mail 3-adresse", "email"}}},
	{"outlook-2003-csv", "de", []col{{"Anrede", "salutation"}, {"Vorname", "firstName"}, {"Nachname", "lastName"}, {"Land/Region geschäftlich", "country"}, {"Land/Region privat", "country"}, {"Weiteres/e Land/Region", "country"}, {"Telefon geschäftlich", "msisdn"}, {"Telefon geschäftlich 2", "msisdn"}, {"Autotelefon", "msisdn"}, {"Telefon Firma", "msisdn"}, {"Telefon privat", "msisdn"}, {"Telefon privat 2", "msisdn"}, {"Mobiltelefon", "msisdn!"}, {"Weiteres Telefon", "msisdn"}, {"Haupttelefon", "msisdn"}, {"E-Mail-Adresse", "email!"}, {"E-Mail 2: Adresse", "email"}, {"E-Mail 3: Adresse", "email"}}},
	{"outlook-2003-csv", "es", []col{{"Title", "salutation"}, {"Nombre", "firstName"}, {"Apellidos", "lastName"}, {"País o región del trabajo", "country"}, {"País o región del domicilio", "country"}, {"Otro país o región", "country"}, {"Teléfono del trabajo", "msisdn"}, {"Business Phone 2", "msisdn"}, {"Car Phone", "msisdn"}, {"Número de centralita de la organización", "msisdn"}, {"Particular", "msisdn"}, {"Home Phone 2", "msisdn"}, {"Mobile Phone", "msisdn!"}, {"Otro teléfono", "msisdn"}, {"E-mail Address", "email!"}, {"Dirección de correo electrónico 2", "email"}, {"Dirección del correo electrónico 3", "email"}}},
	{"outlook-2003-csv", "fr", []col{{"Titre", "salutation"}, {"Prénom", "firstName"}, {"Nom", "lastName"}, {"Pays/Région (bureau)", "country"}, {"Pays/Région (domicile)", "country"}, {"Pays/Région (autre)", "country"}, {"Téléphone (bureau)", "msisdn"}, {"Téléphone 2 (bureau)", "msisdn"}, {"Téléphone (voiture)", "msisdn"}, {"Téléphone société", "msisdn"}, {"Téléphone (domicile)", "msisdn"}, {"Téléphone 2 (domicile)", "msisdn"}, {"Tél. mobile", "msisdn!"}, {"Téléphone (autre)", "msisdn"}, {"Téléphone principal", "msisdn"}, {"Adresse de messagerie", "email!"}, {"Adresse de messagerie 2", "email"}, {"Adresse de messagerie 3", "email"}}},
	{"outlook-2003-csv", "it", []col{{"Titolo", "salutation"}, {"Nome", "firstName"}, {"Cognome", "lastName"}, {"Paese (uff.)", "country"}, {"Paese (ab.)", "country"}, {"Altro paese", "country"}, {"Ufficio", "msisdn"}, {"Ufficio 2", "msisdn"}, {"Telefono auto", "msisdn"}, {"Telefono principale società", "msisdn"}, {"Abitazione", "msisdn"}, {"Abitazione 2", "msisdn"}, {"Cellulare", "msisdn!"}, {"Altro telefono", "msisdn"}, {"Telefono principale", "msisdn"}, {"Indirizzo posta elettronica", "email!"}, {"Indirizzo posta elettronica 2", "email"}, {"Indirizzo posta elettronica 3", "email"}}},
	{"outlook-2003-csv", "nl", []col{{"Titel", "salutation"}, {"Voornaam", "firstName"}, {"Achternaam", "lastName"}, {"Land/regio (werk)", "country"}, {"Land/regio (thuis)", "country"}, {"Land/regio (anders)", "country"}, {"Telefoon op werk", "msisdn"}, {"Telefoon op werk 2", "msisdn"}, {"Autotelefoon", "msisdn"}, {"Hoofdtelefoon bedrijf", "msisdn"}, {"Telefoon thuis", "msisdn"}, {"Telefoon thuis 2", "msisdn"}, {"Mobiele telefoon", "msisdn!"}, {"Andere telefoon", "msisdn"}, {"E-mailadres", "email!"}, {"E-mailadres 2", "email"}, {"E-mailadres 3", "email"}}},
	{"outlook-2003-csv", "pl", []col{{"Tytuł", "salutation"}, {"Imię", "firstName"}, {"Nazwisko", "lastName"}, {"Adres służbowy - kraj/region", "country"}, {"Adres domowy - kraj/region", "country"}, {"Inny adres - kraj/region", "country"}, {"Telefon służbowy", "msisdn"}, {"Telefon służbowy 2", "msisdn"}, {"Telefon w samochodzie", "msisdn"}, {"Główny telefon do firmy", "msisdn"}, {"Telefon domowy", "msisdn"}, {"Telefon domowy 2", "msisdn"}, {"Telefon komórkowy", "msisdn!"}, {"Inny telefon", "msisdn"}, {"Telefon podstawowy", "msisdn"}, {"Adres e-mail", "email!"}, {"Adres e-mail 2", "email"}, {"Adres e-mail 3", "email"}}},
	{"outlook-2003-csv", "pt_BR", []col{{"Tratamento", "salutation"}, {"Primeiro nome", "firstName"}, {"Sobrenome", "lastName"}, {"País/Região da Empresa", "country"}, {"País/Região de Residência", "country"}, {"Outro País/Região", "country"}, {"Telefone comercial", "msisdn"}, {"Telefone comercial 2", "msisdn"}, {"Telefone do carro", "msisdn"}, {"Telefone principal da empresa", "msisdn"}, {"Telefone residencial", "msisdn"}, {"Telefone residencial 2", "msisdn"}, {"Telefone celular", "msisdn!"}, {"Outro telefone", "msisdn"}, {"Telefone principal", "msisdn"}, {"E-mail Address", "email!"}, {"Endereço de email 2", "email"}, {"Endereço de email 3", "email"}}},
	{"outlook-2003-csv", "sv", []col{{"Titel", "salutation"}, {"Förnamn", "firstName"}, {"Efternamn", "lastName"}, {"Land, arbete", "country"}, {"Land, hem", "country"}, {"Annat land", "country"}, {"Arbete", "msisdn"}, {"Telefon 2, arbete", "msisdn"}, {"Biltelefon", "msisdn"}, {"Företag, växel", "msisdn"}, {"Hem", "msisdn"}, {"Telefon 2, hem", "msisdn"}, {"Mobiltelefon", "msisdn!"}, {"Telefon, annan", "msisdn"}, {"Telefon 1", "msisdn"}, {"E-postadress", "email!"}, {"E-postadress 2", "email"}, {"E-postadress 3", "email"}}},
	{"outlook-2003-csv", "tr", []col{{"Unvan", "salutation"}, {"İlk Adı", "firstName"}, {"Soyadı", "lastName"}, {"İş-Ülke/Bölge", "country"}, {"Ev-Ülke/Bölge", "country"}, {"Diğer-Ülke/Bölge", "country"}, {"İş Telefon No", "msisdn"}, {"İş Telefonu 2", "msisdn"}, {"Araç Telefonu", "msisdn"}, {"Şirket Santral Telefonu", "msisdn"}, {"Ev Telefonu", "msisdn"}, {"Ev Telefonu 2", "msisdn"}, {"Cep Telefonu", "msisdn!"}, {"Diğer Telefon No", "msisdn"}, {"Birincil Telefon", "msisdn"}, {"Elektronik Posta Adresi", "email!"}, {"Elektronik Posta 2 Adres", "email"}, {"Elektronik Posta 3 Adres", "email"}}},
	{"outlook-2003-csv", "ja", []col{{"肩書き", "salutation"}, {"名", "firstName"}, {"姓", "lastName"}, {"国 (会社)/地域", "country"}, {"国 (自宅)/地域", "country"}, {"国 (その他)/地域", "country"}, {"会社電話", "msisdn"}, {"会社電話 2", "msisdn"}, {"自動車電話", "msisdn"}, {"会社代表電話", "msisdn"}, {"自宅電話", "msisdn"}, {"自宅電話 2", "msisdn"}, {"携帯電話", "msisdn!"}, {"その他の電話", "msisdn"}, {"通常の電話", "msisdn"}, {"電子メール アドレス", "email!"}, {"電子メール 2 アドレス", "email"}, {"電子メール 3 アドレス", "email"}}},
	{"windows-live-mail-csv", "da", []col{{"Fornavn", "firstName"}, {"Efternavn", "lastName"}, {"Navn", "firstName+lastName"}, {"E-mail-adresse", "email!"}, {"Land/område (privat)", "country"}, {"Telefon (privat)", "msisdn"}, {"Mobiltelefon", "msisdn!"}, {"Land/område (arbejde)", "country"}, {"Telefon (arbejde)", "msisdn"}}},
	{"windows-live-mail-csv", "de", []col{{"Vorname", "firstName"}, {"Nachname", "lastName"}, {"Name", "firstName+lastName"}, {"E-Mail-Adresse", "email!"}, {"Land/Region (privat)", "country"}, {"Telefon (privat)", "msisdn"}, {"Mobiltelefon", "msisdn!"}, {"Land/Region (geschäftlich)", "country"}, {"Telefon (geschäftlich)", "msisdn"}}},
	{"windows-live-mail-csv", "es", []col{{"Nombre", "firstName"}, {"Apellidos", "lastName"}, {"Dirección de correo electrónico", "email!"}, {"País o región de residencia", "country"}, {"Teléfono particular", "msisdn"}, {"Teléfono móvil", "msisdn!"}, {"País o región del trabajo", "country"}, {"Teléfono del trabajo", "msisdn"}}},
	{"windows-live-mail-csv", "fr", []col{{"Prénom", "firstName"}, {"Nom", "lastName"}, {"Adresse de messagerie", "email!"}, {"Pays/région (domicile)", "country"}, {"Téléphone domicile", "msisdn"}, {"Téléphone mobile", "msisdn!"}, {"Pays/région (bureau)", "country"}, {"Téléphone professionnel", "msisdn"}}},
	{"windows-live-mail-csv", "it", []col{{"Nome", "firstName"}, {"Cognome", "lastName"}, {"Indirizzo di posta elettronica", "email!"}, {"Paese (ab.)", "country"}, {"Telefono (abitazione)", "msisdn"}, {"Cellulare", "msisdn!"}, {"Paese (uff.)", "country"}, {"Telefono (ufficio)", "msisdn"}}},
	{"windows-live-mail-csv", "ja", []col{{"名", "firstName"}, {"姓", "lastName"}, {"名前", "firstName+lastName"}, {"電子メール アドレス", "email!"}, {"国または地域", "country"}, {"自宅電話番号", "msisdn"}, {"携帯電話", "msisdn!"}, {"勤務先の国または地域", "country"}, {"勤務先電話番号", "msisdn"}}},
	{"windows-live-mail-csv", "ko", []col{{"이름(성 제외)", "firstName"}, {"성", "lastName"}, {"이름", "firstName+lastName"}, {"메일 주소", "email!"}, {"국가/지역(집)", "country"}, {"집 전화", "msisdn"}, {"휴대폰", "msisdn!"}, {"국가(회사)", "country"}, {"직장 전화", "msisdn"}}},
	{"windows-live-mail-csv", "nl", []col{{"Voornaam", "firstName"}, {"Achternaam", "lastName"}, {"Naam", "firstName+lastName"}, {"E-mailadres", "email!"}, {"Land/regio thuis", "country"}, {"Telefoon thuis", "msisdn"}, {"Mobiele telefoon", "msisdn!"}, {"Land/regio werk", "country"}, {"Telefoon werk", "msisdn"}}},
	{"windows-live-mail-csv", "pl", []col{{"Imię", "firstName"}, {"Nazwisko", "lastName"}, {"Nazwa", "firstName+lastName"}, {"Adres e-mail", "email!"}, {"Kraj/region (dom)", "country"}, {"Telefon domowy", "msisdn"}, {"Telefon komórkowy", "msisdn!"}, {"Kraj/region (biuro)", "country"}, {"Telefon służbowy", "msisdn"}}},
	{"windows-live-mail-csv", "pt_BR", []col{{"Nome", "firstName"}, {"Sobrenome", "lastName"}, {"Endereço de Email", "email!"}, {"País/Região do endereço residencial", "country"}, {"Telefone Residencial", "msisdn"}, {"Celular", "msisdn!"}, {"País/Região do Endereço Comercial", "country"}, {"Telefone Comercial", "msisdn"}}},
	{"windows-live-mail-csv", "sv", []col{{"Förnamn", "firstName"}, {"Efternamn", "lastName"}, {"Namn", "firstName+lastName"}, {"E-postadress", "email!"}, {"Land, hem", "country"}, {"Telefon, hem", "msisdn"}, {"Mobiltelefon", "msisdn!"}, {"Land, företag", "country"}, {"Telefon, företag", "msisdn"}}},
	{"windows-live-mail-csv", "tr", []col{{"Ad", "firstName"}, {"Soyadı", "lastName"}, {"E-posta Adresi", "email!"}, {"Ev Ülke/Bölge", "country"}, {"Ev Telefonu", "msisdn"}, {"Cep Telefonu", "msisdn!"}, {"İş Ülke/Bölge", "country"}, {"İş Telefonu", "msisdn"}}},
	{"windows-live-mail-csv", "zh_CN", []col{{"名", "firstName"}, {"姓", "lastName"}, {"名字", "firstName+lastName"}, {"电子邮件地址", "email!"}, {"住宅所在国家/地区", "country"}, {"住宅电话", "msisdn"}, {"移动电话", "msisdn!"}, {"公司所在国家/地区", "country"}, {"商务电话", "msisdn"}}},
	{"windows-live-mail-csv", "zh_HK", []col{{"名字", "firstName"}, {"姓氏", "lastName"}, {"名稱", "firstName+lastName"}, {"電子郵件地址", "email!"}, {"住家所在國家 / 地區", "country"}, {"住家電話", "msisdn"}, {"行動電話", "msisdn!"}, {"公司所在國家 / 地區", "country"}, {"公司電話", "msisdn"}}},
}

type col struct{ header, field string }

// TestZimbraExportHeaders maps every contact column of the localized Outlook and Windows Live
// Mail exports (zimbraExports) to its field, with the mobile number as msisdn and the first
// address as email.
func TestZimbraExportHeaders(t *testing.T) {
	for _, tt := range zimbraExports {
		t.Run(tt.format+"/"+tt.locale, func(t *testing.T) {
			checkExportHeader(t, tt.cols)
		})
	}
}

// checkExportHeader maps the header made of cols and checks each column's field, and that the
// columns marked "!" are the ones mapped for their field (all other columns of that field being
// alternatives).
func checkExportHeader(t *testing.T, cols []col) {
	t.Helper()
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = c.header
	}
	m, err := parse.MapHeader(header)
	require.NoError(t, err)
	d := m.Describe()
	for i, c := range cols {
		field, primary := strings.CutSuffix(c.field, "!")
		assert.Equal(t, field, d[i].Field, "%q: %+v", c.header, d[i])
		switch {
		case primary:
			assert.Equal(t, parse.StatusMapped, d[i].Status, "%q: %+v", c.header, d[i])
		case field == "msisdn" || field == "email":
			assert.Equal(t, parse.StatusAlternative, d[i].Status, "%q: %+v", c.header, d[i])
		}
	}
}

// TestOpenXchangeOutlookHeaders maps whole header rows of localized Outlook exports as
// Open-Xchange's importer has them: the Dutch Outlook 2007 header of
// open-xchange/appsuite-middleware
// com.openexchange.importexport/test/com/openexchange/importexport/importers/CSVContactImporterTest.java
// (copied as it is there, with "Categorien" and "Priv" spelled so), and the columns of the Japanese
// Outlook 2010 map com.openexchange.importexport/importCSV/outlook2010.jp_JP.properties (in that
// file's order). The contact columns feed their fields (a trailing "!" marks the one mapped);
// every other column — faxes, pager, the e-mail type and display-name columns, addresses, notes —
// feeds nothing.
func TestOpenXchangeOutlookHeaders(t *testing.T) {
	tests := []struct {
		name   string
		header []string
		want   map[string]string
	}{
		{"outlook2007.nl_NL", []string{
			"Titel", "Voornaam", "Middelste naam", "Achternaam", "Achtervoegsel", "Bedrijf", "Afdeling", "Functie", "Werkadres, straat",
			"Werkadres 2, straat", "Werkadres 3, straat", "Werkadres, plaats", "Werkadres, provincie", "Werkadres, postcode",
			"Land/regio (werk)", "Huisadres, straat", "Huisadres, straat 2", "Huisadres, straat 3", "Huisadres, plaats",
			"Huisadres, provincie", "Huisadres, postcode", "Land/regio (thuis)", "Ander adres, straat", "Ander adres, straat 2",
			"Ander adres, straat 3", "Ander adres, plaats", "Ander adres, provincie", "Ander adres, postcode", "Land/regio (anders)",
			"Telefoon assistent", "Fax op werk", "Telefoon op werk", "Telefoon op werk 2", "Terugbellen", "Autotelefoon",
			"Hoofdtelefoon bedrijf", "Fax thuis", "Telefoon thuis", "Telefoon thuis 2", "ISDN", "Mobiele telefoon", "Andere fax",
			"Andere telefoon", "Pager", "Hoofdtelefoon", "Radiotelefoon", "Teksttelefoon", "Telex", "Account", "Adreslijstserver",
			"Ander adres, postbusnummer", "Beroep", "Categorien", "E-mailadres", "E-mailtype", "Weergavenaam voor e-mail", "E-mailadres 2",
			"E-mailtype 2", "E-mail, weergegeven naam 2", "E-mailadres 3", "E-mailtype 3", "E-mail, weergegeven naam 3", "Factuurinformatie",
			"Gebruiker 1", "Gebruiker 2", "Gebruiker 3", "Gebruiker 4", "Geslacht", "Gevoeligheid", "Hobby's", "Huisadres, postbusnummer",
			"Initialen", "Internet Beschikbaarheidsinfo", "Kantoorlocatie", "Kinderen", "Locatie", "Naam assistent", "Naam manager",
			"Notities", "Organisatie-id", "Partner", "Prioriteit", "Priv", "Referentie van", "Reisafstand", "Sofinummer", "Speciale datum",
			"Taal", "Trefwoorden", "Verjaardag", "Webpagina", "Werkadres, postbusnummer"},
			map[string]string{
				"Titel": "salutation", "Voornaam": "firstName", "Achternaam": "lastName",
				"Land/regio (werk)": "country", "Land/regio (thuis)": "country!", "Land/regio (anders)": "country",
				"Telefoon op werk": "msisdn", "Telefoon op werk 2": "msisdn", "Autotelefoon": "msisdn", "Hoofdtelefoon bedrijf": "msisdn",
				"Telefoon thuis": "msisdn", "Telefoon thuis 2": "msisdn", "Mobiele telefoon": "msisdn!", "Andere telefoon": "msisdn",
				"Hoofdtelefoon": "msisdn", "E-mailadres": "email!", "E-mailadres 2": "email", "E-mailadres 3": "email",
			}},
		{"outlook2010.jp_JP", []string{
			"記念日", "秘書の氏名", "誕生日", "キーワード", "携帯電話", "市町村 (会社)", "市町村 (自宅)", "市町村 (その他)", "会社 ID", "会社名",
			"国 (会社)/地域", "国 (自宅)/地域", "国 (その他)/地域", "部署", "電子メール アドレス", "電子メール 2 アドレス", "電子メール 3 アドレス",
			"会社 FAX", "自宅 FAX", "その他の FAX", "名", "姓", "マネージャー", "メモ", "子供", "役職", "郵便番号 (会社)", "郵便番号 (自宅)",
			"郵便番号 (その他)", "プライベート", "職業", "ミドル ネーム", "配偶者", "都道府県 (会社)", "都道府県 (自宅)", "都道府県 (その他)",
			"番地 (会社)", "番地 (自宅)", "番地 (その他)", "秘書の電話", "会社電話", "会社電話 2", "コールバック", "自動車電話", "会社代表電話",
			"自宅電話", "自宅電話 2", "ISDN", "その他の電話", "ポケットベル", "通常の電話", "無線電話", "テレックス", "TTY/TDD", "肩書き", "Web ページ"},
			map[string]string{
				"携帯電話": "msisdn!", "国 (会社)/地域": "country", "国 (自宅)/地域": "country!", "国 (その他)/地域": "country",
				"電子メール アドレス": "email!", "電子メール 2 アドレス": "email", "電子メール 3 アドレス": "email", "名": "firstName", "姓": "lastName",
				"会社電話": "msisdn", "会社電話 2": "msisdn", "自動車電話": "msisdn", "会社代表電話": "msisdn", "自宅電話": "msisdn",
				"自宅電話 2": "msisdn", "その他の電話": "msisdn", "通常の電話": "msisdn", "肩書き": "salutation",
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cols := make([]col, len(tt.header))
			for i, h := range tt.header {
				cols[i] = col{h, tt.want[h]}
			}
			checkExportHeader(t, cols)
		})
	}
}

// TestEGroupwareFinnishOutlook maps the contact columns EGroupware writes for its export in the
// Finnish Outlook layout (EGroupware/egroupware addressbook/setup/outlook_csv_finnish.xml, in
// that file's order). Left out: its second address column, spelled "Säköpostiosoite 2" there (a
// typo, not Outlook's name), the fax, pager and ISDN columns.
func TestEGroupwareFinnishOutlook(t *testing.T) {
	checkExportHeader(t, []col{
		{"Tehtävänimike", ""}, {"Etunimi", "firstName"}, {"Toinen nimi", ""}, {"Sukunimi", "lastName"},
		{"Maa (työ)", "country"}, {"Maa (koti)", "country!"}, {"Työpuhelin", "msisdn"}, {"Autopuhelin", "msisdn"},
		{"Kotipuhelin", "msisdn"}, {"Matkapuhelin", "msisdn!"}, {"Työpuhelin 2", "msisdn"}, {"Sähköpostiosoite", "email!"},
	})
}

// TestOutlookJapaneseHonorific: Japanese Outlook writes its Title column as 肩書き and its Suffix
// column as 敬称 (Zimbra/zm-mailbox store-conf/conf/contacts/zimbra-contact-fields.xml, format
// outlook-2003-csv locale ja, which files 敬称 under nickname). 敬称 holds an honorific written
// after the name (様, 殿), not a salutation, so it feeds nothing, as English "Suffix" does; 肩書き is
// a salutation or a job title, decided by the values.
func TestOutlookJapaneseHonorific(t *testing.T) {
	header := []string{"肩書き", "名", "ミドル", "姓", "敬称", "携帯電話", "電子メール アドレス"}
	checkExportHeader(t, []col{{"肩書き", "salutation"}, {"名", "firstName"}, {"ミドル", ""}, {"姓", "lastName"},
		{"敬称", ""}, {"携帯電話", "msisdn!"}, {"電子メール アドレス", "email!"}})
	m, err := parse.MapHeader(header)
	require.NoError(t, err)
	assert.Equal(t, values(parse.FirstName, "太郎", parse.LastName, "山田", parse.Msisdn, "090-1234-5678", parse.Email, "taro@example.jp"),
		m.Values([]string{"", "太郎", "", "山田", "様", "090-1234-5678", "taro@example.jp"}))
}

// TestGoogleExportHeaders reads Google Contacts CSV exports made by users of other languages:
// Google writes its header (and the phone types) in English whatever the account's language, so
// no localized Google header exists to map. Rows as published:
//   - https://github.com/owncloud-archive/contacts/issues/827: a Russian user's export ("Google
//     CSV", the format before 2020), stripped by its author to one contact;
//   - https://github.com/owncloud-archive/contacts/issues/817: the same format, exported by the
//     maintainer;
//   - tine20/tine20 tine20/Addressbook/Import/examples/adb_google_import.csv: the example of
//     tine20's Google import definition (German data, an older Google column set).
func TestGoogleExportHeaders(t *testing.T) {
	tests := []struct {
		name   string
		header string
		row    string
		want   [parse.NumFields]string
	}{
		{"owncloud-archive/contacts#827",
			"Name,Given Name,Additional Name,Family Name,Yomi Name,Given Name Yomi,Additional Name Yomi,Family Name Yomi,Name Prefix,Name Suffix,Initials,Nickname,Short Name,Maiden Name,Birthday,Gender,Location,Billing Information,Directory Server,Mileage,Occupation,Hobby,Sensitivity,Priority,Subject,Notes,Group Membership,E-mail 1 - Type,E-mail 1 - Value,E-mail 2 - Type,E-mail 2 - Value,E-mail 3 - Type,E-mail 3 - Value,Phone 1 - Type,Phone 1 - Value,Phone 2 - Type,Phone 2 - Value,Phone 3 - Type,Phone 3 - Value,Phone 4 - Type,Phone 4 - Value,Phone 5 - Type,Phone 5 - Value,Website 1 - Type,Website 1 - Value",
			"Имя Фамилия,Имя,,Фамилия,,,,,,,,,,,,,,,,,,,,,,,* My Contacts ::: University ::: School,* ,email@example.com,,,,,Mobile,+7 000 000-00-00,,,,,,,,,,",
			values(parse.FirstName, "Имя", parse.LastName, "Фамилия", parse.Email, "email@example.com", parse.Msisdn, "+7 000 000-00-00")},
		{"owncloud-archive/contacts#817",
			"Name,Given Name,Additional Name,Family Name,Yomi Name,Given Name Yomi,Additional Name Yomi,Family Name Yomi,Name Prefix,Name Suffix,Initials,Nickname,Short Name,Maiden Name,Birthday,Gender,Location,Billing Information,Directory Server,Mileage,Occupation,Hobby,Sensitivity,Priority,Subject,Notes,Group Membership,Phone 1 - Type,Phone 1 - Value",
			"Owncloud 8 test,Owncloud,8,test,,,,,,,,,,,,,,,,,,,,,,,* My Contacts,Mobile,444 111 5552",
			values(parse.FirstName, "Owncloud", parse.LastName, "test", parse.Msisdn, "444 111 5552")},
		{"tine20 adb_google_import.csv",
			"Given Name,Additional Name,Family Name,Title,Name Suffix,Web Page,Birthday,Notes,E-mail 1 - Value,E-mail 2 - Value,Address 1 - Fax,Address 1 - Street,Address 1 - City,Address 1 - State,Address 1 - Postal Code,Address 1 - Country,Address 2 - Fax,Address 2 - Street,Address 2 - City,Address 2 - State,Address 2 - Postal Code,Address 2 - Country,Phone 1 - Value,Phone 2 - Value,Company,Job Title,Department,Private,Categories",
			"Max,,Mustermann,,,www.muster.de,01.01.99,,max@muster.de,,,Musterstraße 1,Hamburg,,22767,DE,,,,,,,04012345,,Musterfirma,,,,",
			values(parse.FirstName, "Max", parse.LastName, "Mustermann", parse.Email, "max@muster.de", parse.Msisdn, "04012345", parse.Country, "DE")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := parse.MapHeader(strings.Split(tt.header, ","))
			require.NoError(t, err)
			assert.Equal(t, tt.want, m.Values(strings.Split(tt.row, ",")))
			for _, c := range m.Describe() {
				if c.Field == "msisdn" || c.Field == "email" {
					assert.Regexp(t, `^(Phone|E-mail) \d - (Value|Type)$`, c.Header, "%+v", c)
				}
			}
		})
	}
}

// TestWindowsLiveMailNameTwice: Zimbra's map of Windows Live Mail's Spanish export names its
// first-name and its full-name column both "Nombre". Such a header is refused as ambiguous, with
// both columns named; a column map naming the word opens it, the first column feeding firstName
// and the second an alternative.
func TestWindowsLiveMailNameTwice(t *testing.T) {
	const file = "Nombre,Apellidos,Nombre,Dirección de correo electrónico,Teléfono móvil\n" +
		"Ana,García,Ana García,ana@example.es,+34 600 000 000\n"
	_, err := parse.Open(strings.NewReader(file), parse.Options{})
	require.ErrorIs(t, err, parse.ErrDuplicateColumn)
	var he *parse.HeaderError
	require.ErrorAs(t, err, &he)
	assert.Equal(t, []string{"Nombre", "Nombre"}, he.Columns)

	src, err := parse.Open(strings.NewReader(file), parse.Options{ColumnMap: map[string]string{"Nombre": "firstName"}})
	require.NoError(t, err)
	t.Cleanup(func() { _ = src.Close() })
	d := src.Mapping().Describe()
	assert.Equal(t, []string{"firstName", "firstName"}, []string{d[0].Field, d[2].Field})
	assert.Equal(t, []string{parse.StatusMapped, parse.StatusAlternative}, []string{d[0].Status, d[2].Status})
}
