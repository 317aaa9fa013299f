package parse_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/contactpipe/contactpipe/parse"
)

// thunderbirdExports are the contact columns of the header row of Thunderbird's CSV export in each
// language: first name, last name, display name, primary and secondary email, work, home and
// mobile phone, home and work country — strings 2100, 2101, 2102, 2104–2107, 2110, 2116 and 2122
// of thunderbird/thunderbird-l10n <lang>/mail/chrome/messenger/importMsgs.properties, which
// mozilla/releases-comm-central mailnews/addrbook/modules/AddrBookUtils.sys.mjs writes as the
// header (exportDirectoryToDelimitedText). Copied as the files have them (French's work phone
// ends in a space; Polish writes "Telefonu"; Korean names both countries 국가).
var thunderbirdExports = []struct {
	lang   string
	header []string
}{
	{"fr", []string{"Prénom", "Nom de famille", "Nom à afficher", "Adresse e-mail principale", "Adresse e-mail secondaire", "Tél. professionnel ", "Tél. personnel", "Portable", "Pays/Région (domicile)", "Pays/Région (bureau)"}},
	{"it", []string{"Nome", "Cognome", "Nome visualizzato", "Email primaria", "Email secondaria", "Telefono lavoro", "Telefono casa", "Numero cellulare", "Nazione di residenza", "Nazione di lavoro"}},
	{"pt-BR", []string{"Primeiro nome", "Sobrenome", "Nome de exibição", "Email principal", "Email secundário", "Telefone comercial", "Telefone residencial", "Número do celular", "País", "País de trabalho"}},
	{"pt-PT", []string{"Nome", "Apelido", "Nome exibido", "Email primário", "E-mail secundário", "Telefone profissional", "Telefone de casa", "Número de telemóvel", "Nacionalidade", "País do local de trabalho"}},
	{"nl", []string{"Voornaam", "Achternaam", "Weergavenaam", "Primair e-mailadres", "Secundair e-mailadres", "Telefoon werk", "Telefoon thuis", "Mobiel nummer", "Land", "Werkland"}},
	{"pl", []string{"Imię", "Nazwisko", "Wyświetlana nazwa", "Podstawowy e-mail", "Dodatkowy e-mail", "Telefonu służbowy", "Telefon domowy", "Numer telefonu komórkowego", "Państwo (dom)", "Państwo (praca)"}},
	{"sv-SE", []string{"Förnamn", "Efternamn", "Visa", "E-post", "Ytterligare e-post", "Telefon arbete", "Telefon privat", "Mobiltelefon", "Land privat", "Land arbete"}},
	{"da", []string{"Fornavn", "Efternavn", "Vis navn", "Primær mail", "Sekundær mail", "Arbejdstelefon", "Hjemmetelefon", "Mobilnummer", "Hjemmeland", "Arbejdsland"}},
	{"nb-NO", []string{"Fornavn", "Etternavn", "Fullt navn", "Primær e-post", "Sekundær e-post", "Arbeidstelefon", "Hjemmetelefon", "Mobil", "Hjem Land", "Arbeid Land"}},
	{"fi", []string{"Etunimi", "Sukunimi", "Näyttönimi", "Ensisijainen sähköposti", "Toissijainen sähköposti", "Työpuhelin", "Kotipuhelin", "Matkapuhelinnumero", "Kotimaa", "Työpaikan maa"}},
	{"tr", []string{"Adı", "Soyadı", "Görüntülenecek ad", "Birinci e-posta", "İkinci e-posta", "İş telefonu", "Ev telefonu", "Cep telefonu", "Ev ülkesi", "İş ülkesi"}},
	{"ja", []string{"名", "姓", "表示名", "メールアドレス", "別のメールアドレス", "勤務先の電話番号", "自宅の電話番号", "携帯電話番号", "国 (自宅)", "国 (勤務先)"}},
	{"zh-CN", []string{"名字", "姓氏", "显示名称", "主要电子邮件", "备用电子邮件", "工作电话", "家庭电话", "移动电话号码", "居住国家/地区", "工作国家/地区"}},
	{"zh-TW", []string{"名", "姓", "顯示名稱", "主要 Email", "次要 Email", "商務電話", "住家電話", "手機號碼", "居住國家", "商務國家"}},
	{"ko", []string{"이름", "성", "표시명", "기본 메일", "추가 메일", "직장 전화", "자택 전화", "휴대폰", "국가", "국가"}},
	{"es-ES", []string{"Nombre", "Apellidos", "Nombre mostrado", "Dirección de correo electrónico principal", "Dirección de correo electrónico secundaria", "Teléfono (Trabajo)", "Teléfono particular", "Teléfono móvil", "País de residencia", "País (Trabajo)"}},
	{"es-AR", []string{"Primer nombre", "Apellido", "Nombre mostrado", "Dirección de correo electrónico principal", "Dirección de correo electrónico secundaria", "Teléfono (Trabajo)", "Teléfono particular", "Teléfono móvil", "País de residencia", "País (Trabajo)"}},
	{"es-MX", []string{"Nombre", "Apellido", "Mostrar nombre", "Correo principal", "Correo secundario", "Teléfono de trabajo", "Teléfono de casa", "Teléfono celular", "País donde vives", "País donde trabajas"}},
	{"de", []string{"Vorname", "Nachname", "Anzeigename", "Primäre E-Mail-Adresse", "Sekundäre E-Mail-Adresse", "Tel. dienstlich", "Tel. privat", "Mobil-Tel.-Nr.", "Privat: Land", "Dienstlich: Land"}},
	{"nn-NO", []string{"Førenamn", "Etternamn", "Fullt namn", "Primær e-post", "Sekundær e-post", "Jobbtelefon", "Heimetelefon", "Mobil", "Land (heime)", "Land (arbeid)"}},
}

// TestThunderbirdExports maps the header of Thunderbird's CSV export in each language issue 11
// lists: every contact column feeds its field, the mobile number is the msisdn taken first, the
// primary email the email, the home country the country; the others are alternatives.
func TestThunderbirdExports(t *testing.T) {
	type use struct{ field, status string }
	mapped := func(f string) use { return use{f, parse.StatusMapped} }
	alt := func(f string) use { return use{f, parse.StatusAlternative} }
	for _, tt := range thunderbirdExports {
		t.Run(tt.lang, func(t *testing.T) {
			want := []use{mapped("firstName"), mapped("lastName"), mapped("firstName+lastName"), mapped("email"), alt("email"),
				alt("msisdn"), alt("msisdn"), mapped("msisdn"), mapped("country"), alt("country")}
			switch tt.lang {
			case "sv-SE":
				want[2] = use{"", parse.StatusIgnored} // "Visa" (show): also a card brand, not mapped
			case "pt-PT":
				want[8], want[9] = use{"", parse.StatusIgnored}, mapped("country") // "Nacionalidade" is a nationality
			}
			m, err := parse.MapHeader(tt.header)
			require.NoError(t, err)
			var got []use
			for _, c := range m.Describe() {
				got = append(got, use{c.Field, c.Status})
			}
			assert.Equal(t, want, got, "%v", m.Describe())
		})
	}
}

// TestRoundcubeOutlookHeaders maps the contact columns of localized Outlook CSV exports as
// Roundcube's importer knows them (roundcube/roundcubemail program/localization/<lang>/
// csv2vcard.inc). Left out: faxes (Roundcube files some under phone:other; they are not phones to
// message), "Région" and Spanish "Provincia o estado", which are a region, not a country, and the
// words meaning "name" (Nom, Nome, Nombre, 名字), which depend on the column beside them
// (TestNameWords, TestThunderbirdExports).
func TestRoundcubeOutlookHeaders(t *testing.T) {
	tests := []struct{ lang, header, field string }{
		// fr_FR
		{"fr_FR", "Pays/Région (bureau)", "country"}, {"fr_FR", "Téléphone (bureau)", "msisdn"},
		{"fr_FR", "Téléphone 2 (bureau)", "msisdn"}, {"fr_FR", "Téléphone (voiture)", "msisdn"},
		{"fr_FR", "Adresse de messagerie", "email"}, {"fr_FR", "Prénom", "firstName"}, {"fr_FR", "Pays/Région (domicile)", "country"},
		{"fr_FR", "Téléphone (domicile)", "msisdn"}, {"fr_FR", "Téléphone 2 (domicile)", "msisdn"}, {"fr_FR", "Tél. mobile", "msisdn"},
		{"fr_FR", "Pays/Région (autre)", "country"}, {"fr_FR", "Téléphone (autre)", "msisdn"},
		{"fr_FR", "Téléphone principal", "msisdn"}, {"fr_FR", "Titre", "salutation"},
		{"fr_FR", "Nom à afficher", "firstName+lastName"}, {"fr_FR", "Portable", "msisdn"},
		{"fr_FR", "Adresse électronique principale", "email"}, {"fr_FR", "Adresse électronique secondaire", "email"},
		{"fr_FR", "Tél. professionnel", "msisdn"},
		// it_IT
		{"it_IT", "Nazione/Regione di lavoro", "country"}, {"it_IT", "Telefono di Lavoro", "msisdn"},
		{"it_IT", "Telefono di Lavoro 2", "msisdn"}, {"it_IT", "Telefono dell'Auto", "msisdn"}, {"it_IT", "Indirizzo E-mail", "email"},
		{"it_IT", "Indirizzo E-mail 2", "email"}, {"it_IT", "Indirizzo E-mail 3", "email"},
		{"it_IT", "Nazione/Regione di casa", "country"}, {"it_IT", "Telefono di casa", "msisdn"},
		{"it_IT", "Telefono di casa 2", "msisdn"}, {"it_IT", "Cognome", "lastName"}, {"it_IT", "Telefono Mobile", "msisdn"},
		{"it_IT", "Nazione/Regione Altro", "country"}, {"it_IT", "Phone Altro", "msisdn"}, {"it_IT", "Telefono Principale", "msisdn"},
		{"it_IT", "Titolo", "salutation"}, {"it_IT", "Nome visualizzato", "firstName+lastName"},
		{"it_IT", "Nazione di residenza", "country"}, {"it_IT", "Numero cellulare", "msisdn"}, {"it_IT", "Email principale", "email"},
		{"it_IT", "Email secondaria", "email"}, {"it_IT", "Telefono lavoro", "msisdn"}, {"it_IT", "Nazione di lavoro", "country"},
		{"it_IT", "Email", "email"}, {"it_IT", "Cellulare di Casa", "msisdn"}, {"it_IT", "Cellulare di lavoro", "msisdn"},
		// pl_PL
		{"pl_PL", "Kraj/region (biuro)", "country"}, {"pl_PL", "Telefon służbowy", "msisdn"},
		{"pl_PL", "Telefon służbowy 2", "msisdn"}, {"pl_PL", "Adres e-mail", "email"}, {"pl_PL", "Imię", "firstName"},
		{"pl_PL", "Kraj/region (dom)", "country"}, {"pl_PL", "Telefon domowy", "msisdn"}, {"pl_PL", "Home Phone 2", "msisdn"},
		{"pl_PL", "Nazwisko", "lastName"}, {"pl_PL", "Telefon komórkowy", "msisdn"}, {"pl_PL", "Telefon główny", "msisdn"},
		{"pl_PL", "Tytuł", "salutation"},
		// pt_BR
		{"pt_BR", "Região/País comercial", "country"}, {"pt_BR", "Fone comercial", "msisdn"}, {"pt_BR", "Fone comercial 2", "msisdn"},
		{"pt_BR", "Fone do carro", "msisdn"}, {"pt_BR", "Endereço de E-mail", "email"}, {"pt_BR", "Endereço de E-mail 2", "email"},
		{"pt_BR", "Endereço de E-mail 3", "email"}, {"pt_BR", "Primeiro nome", "firstName"},
		{"pt_BR", "Região/País de casa", "country"}, {"pt_BR", "Fone de casa", "msisdn"}, {"pt_BR", "Fone de casa 2", "msisdn"},
		{"pt_BR", "Último nome", "lastName"}, {"pt_BR", "Celular", "msisdn"}, {"pt_BR", "Outro País/Região", "country"},
		{"pt_BR", "Outro Fone", "msisdn"}, {"pt_BR", "Fone Primario", "msisdn"}, {"pt_BR", "Título", "salutation"},
		{"pt_BR", "Mostrar nome", "firstName+lastName"}, {"pt_BR", "País de casa", "country"}, {"pt_BR", "E-mail primário", "email"},
		{"pt_BR", "E-mail secundário", "email"}, {"pt_BR", "Fone de trabalho", "msisdn"}, {"pt_BR", "País de trabalho", "country"},
		{"pt_BR", "E-mail", "email"}, {"pt_BR", "Celular pessoal", "msisdn"}, {"pt_BR", "Celular de trabalho", "msisdn"},
		// fi_FI
		{"fi_FI", "Näyttönimi", "firstName+lastName"}, {"fi_FI", "Etunimi", "firstName"}, {"fi_FI", "Sukunimi", "lastName"},
		{"fi_FI", "Kotipuhelin", "msisdn"}, {"fi_FI", "Näytettävä nimi", "firstName+lastName"},
		{"fi_FI", "Ensisijainen sähköposti", "email"}, {"fi_FI", "Toissijainen sähköposti", "email"},
		{"fi_FI", "Työpuhelin", "msisdn"}, {"fi_FI", "Matkapuhelinnumero", "msisdn"}, {"fi_FI", "Kotimaa", "country"},
		{"fi_FI", "Työpaikan maa", "country"},
		// zh_TW
		{"zh_TW", "商務 - 國家/地區", "country"}, {"zh_TW", "商務電話", "msisdn"}, {"zh_TW", "商務電話 2", "msisdn"}, {"zh_TW", "汽車電話", "msisdn"},
		{"zh_TW", "電子郵件地址", "email"}, {"zh_TW", "住家 - 國家/地區", "country"}, {"zh_TW", "住家電話", "msisdn"}, {"zh_TW", "住家電話 2", "msisdn"},
		{"zh_TW", "姓氏", "lastName"}, {"zh_TW", "行動電話", "msisdn"}, {"zh_TW", "其他 - 國家/地區", "country"}, {"zh_TW", "其他電話", "msisdn"},
		{"zh_TW", "代表電話", "msisdn"}, {"zh_TW", "頭銜", "salutation"}, {"zh_TW", "姓", "lastName"}, {"zh_TW", "名", "firstName"},
		{"zh_TW", "顯示名稱", "firstName+lastName"}, {"zh_TW", "居住國家", "country"}, {"zh_TW", "手機號碼", "msisdn"},
		{"zh_TW", "主要 Email", "email"}, {"zh_TW", "次要 Email", "email"}, {"zh_TW", "商務國家", "country"},
		// es_ES
		{"es_ES", "Teléfono del trabajo", "msisdn"}, {"es_ES", "Business Phone 2", "msisdn"}, {"es_ES", "Car Phone", "msisdn"},
		{"es_ES", "E-mail Address", "email"}, {"es_ES", "Dirección de correo electrónico 2", "email"},
		{"es_ES", "Dirección del correo electrónico 3", "email"}, {"es_ES", "País o región del domicilio", "country"},
		{"es_ES", "Particular", "msisdn"}, {"es_ES", "Home Phone 2", "msisdn"}, {"es_ES", "Apellidos", "lastName"},
		{"es_ES", "Mobile Phone", "msisdn"}, {"es_ES", "Otro teléfono", "msisdn"}, {"es_ES", "Teléfono principal", "msisdn"},
		{"es_ES", "Title", "salutation"}, {"es_ES", "Nombre en pantalla", "firstName+lastName"},
		{"es_ES", "País de residencia", "country"}, {"es_ES", "Teléfono móvil", "msisdn"},
		{"es_ES", "Dirección de correo electrónico principal", "email"},
		{"es_ES", "Dirección de correo electrónico secundaria", "email"}, {"es_ES", "Teléfono (Trabajo)", "msisdn"},
		{"es_ES", "País (Trabajo)", "country"}, {"es_ES", "Email", "email"}, {"es_ES", "Home Mobile", "msisdn"},
		{"es_ES", "Work Mobile", "msisdn"},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.header, func(t *testing.T) {
			m, err := parse.MapHeader([]string{tt.header, "msisdn"})
			require.NoError(t, err)
			assert.Equal(t, tt.field, m.Describe()[0].Field, "%+v", m.Describe()[0])
		})
	}
}
