// Package parse turns the bytes of a contact list (CSV or other delimited text, XLSX, legacy XLS)
// into records whose cells are mapped to the contact fields of the 8x8 Contacts API.
//
//	src, err := parse.Open(r, parse.Options{})
//	defer src.Close()
//	for rec, err := range src.All() { … rec.Values[parse.Msisdn] … }
//
// # Format
//
// The format comes from the content, not the file name: "PK\x03\x04" is XLSX, the OLE2 signature
// D0 CF 11 E0 is XLS, anything else is text. HTML pages and tables (what many web apps save as
// .xls), Excel 2003 XML, OpenDocument, compressed and other binary files are refused with a
// *FormatError saying what the content looks like. Tab-separated text saved as .xls is read as text.
// Spreadsheets are read by package parse/sheet; a stream that is not an io.ReaderAt+io.Seeker is
// first spooled to a 0600 temporary file in Options.TempDir, unlinked as soon as it is created.
// Excel 2.x-4.x files (a bare BIFF stream) go to the XLS reader, which names the format. A
// spreadsheet cell that cannot be read (XLSX or XLS alike) rejects its row with code bad_cell
// naming the column and the cell (e.g. C7); the row is counted, never dropped.
//
// # Encoding (text)
//
// A byte order mark decides: UTF-8, UTF-16LE or UTF-16BE (the BOM is dropped and never reaches the
// first header name). UTF-16 without a BOM is recognized by its zero bytes. Otherwise the first
// 64 KiB decide: text with any valid multi-byte UTF-8 sequence is UTF-8 (read as Windows-1252 it
// would be mojibake such as "MÃ¼ller", so its invalid rows are rejected instead); text whose only
// non-ASCII bytes are invalid UTF-8 is Windows-1252 (what Excel on Windows writes as "CSV"). When
// the first 64 KiB are plain ASCII the decision is deferred: if a later row is not
// valid UTF-8 and no earlier row had a non-ASCII UTF-8 character, the file switches to Windows-1252
// from that row on (earlier rows read the same in both). Options.Encoding overrides detection.
// Decoding uses golang.org/x/text. A row that cannot be decoded (bytes that are not UTF-8 in a UTF-8
// file, one of the five bytes Windows-1252 leaves undefined, an unpaired UTF-16 surrogate) is
// rejected with code bad_encoding: U+FFFD is never produced silently. A U+FFFD that is really in a
// UTF-8 file is kept; in a file decoded by x/text (UTF-16, other encodings) it cannot be told from
// a decoding failure, so such a row is rejected.
//
// # Dialect (text)
//
// The delimiter is sniffed among ',' ';' tab and '|' from the first 100 records, respecting quotes:
// a candidate must occur in the first record, and the one whose count per record agrees with the
// first record's most often wins (then the one giving more fields, then that order); a file with
// none of them is one column. Options.Delimiter overrides it. Records end at "\n", "\r\n" or a lone "\r".
// The quote is '"', doubled inside a quoted field. Line breaks inside quotes are kept as they are
// (a CRLF stays CRLF). A '"' inside an unquoted field is an ordinary character (5" screen).
//
// # Rows
//
// Record.Row is the row number a spreadsheet shows for the record: the header is row 1, every
// record (blank ones included) is one row, and a record whose quoted cell spans several lines is
// still one row; when a malformed record spanning lines is read again from its second line (see
// below), each of its lines is a row of its own, so every line of the file is counted. RowError.Line gives the line of the text file where the record starts. Blank rows
// (every cell empty or spaces) are skipped.
//
// The header is the first non-blank row, unless that row maps no column to a contact field and
// one of the next rows (within the first 20) looks like a header — two or more of its cells are
// known column names and none looks like a phone number or an email: exports that open with notes (LinkedIn's Connections.csv starts with a "Notes:" line and a quoted paragraph)
// or a title are read from their real header, and Source.SkippedRows lists the rows skipped.
// Options.NoHeader says there is no header row.
//
// Record.Raw holds every original cell of the row — rejected.csv shows them all: a short row is
// padded with empty cells to the header's width; empty cells beyond the header (Excel's trailing
// commas) are dropped; a row with a non-empty cell beyond the header is rejected (extra_fields)
// with all its cells. Without a header row, cells beyond Options.Columns are ignored like an
// unmapped header column (never extra_fields): the header is then Columns plus "column N" for
// each column beyond them in the rows read ahead, and Mapping.Ignored lists "column 4",
// "column 5" ….
//
// Open reads the first rows after the header ahead (up to SampleRows, and at most 1 MiB of
// text) to decide columns by their values (below); Next returns them first.
//
// # Reading back contactpipe's rejected.csv
//
// A header that ends in error_row, error_column, error_code, error_message marks the rejected.csv
// contactpipe writes. In such a file only, those four columns are left out of Header and of every
// Record.Raw (so that they are neither imported, nor listed as ignored, nor copied into the next
// rejected.csv), and a leading apostrophe is taken off a cell exactly when contactpipe would have
// added it — when the rest of the cell is a formula risk (FormulaRisk): "'@john" reads "@john",
// "'-Smith" reads "-Smith", while "'twas" stays as typed. The UTF-8 byte order mark the writer
// puts first is dropped like any other.
//
// # Malformed and hostile input
//
//   - Text after the closing quote of a field ("a"b) rejects that record (malformed_csv, with its
//     row and column); the field reads on to the next delimiter and parsing resumes with the next
//     record, so one broken record costs one row.
//   - A quoted field that is never closed — still open at the end of the input, or when its record
//     has passed Options.MaxRecordBytes bytes — costs one row, not the file: the reader goes back to
//     where the record started and rejects its first physical line (malformed_csv, naming the row
//     and the column where the line's unclosed quote opened; errors.Is ErrQuote and
//     ErrUnterminatedQuote). Record.Raw holds the line's text cut at the delimiters outside
//     quotes, the unclosed cell keeping the rest of the line as it is ("Smith, Ann,Lee with its
//     opening quote), so that rejected.csv shows it. Reading resumes at the next line as if the
//     record had never been read; rows before and after are imported.
//   - A stray quote pairs with the next quote of the file and makes the lines between one record.
//     So a record that spans several lines and turns out malformed — text after a closing quote,
//     or a non-empty field beyond the header — is treated the same way: its first line only is
//     rejected (malformed_csv; errors.Is ErrQuote, and ErrFieldCount for the field count; the
//     message names the lines the record spanned) and the lines after it are read again as rows.
//     A stray quote on row 801 that pairs with the quoted "Smith, John" of row 900 costs row 801,
//     and rows 802–900 are read as written. A record that spans lines with well-formed quotes and
//     no field beyond the header is a multi-line cell and is kept; one with too many fields in all
//     (MaxFields) or too many bytes stays one rejected row.
//   - Going back keeps the bytes of the current record, at most MaxRecordBytes, so memory stays
//     bounded. Work stays linear: going back reads the record's bytes again, and the bytes read
//     again this way may not exceed the bytes read from the input. A hostile file in which every
//     line reopens a quote (x","y) would otherwise be read once per line; past that budget, a
//     failed record's lines from its first through the one where its last quoted field opened are
//     each rejected (one row each, "line N is part of a record that starts on line M …") and
//     reading resumes after them, so each byte is read a bounded number of times. A quoted field
//     that opens in a record already over a limit gets a budget of its own and, if broken, ends
//     that record at the end of its line. Options.StrictCSV keeps the stop-at-first-error
//     behaviour: Next returns a fatal *RowError (code unterminated_quote, errors.Is
//     ErrUnterminatedQuote and ErrQuote) naming the row and line where the quote opened, after
//     every row before it; a record spanning lines with text after a closing quote is then one
//     rejected row, as before.
//   - A record longer than Options.MaxRecordBytes (1 MiB) or with more fields than
//     Options.MaxFields (1024) is rejected (record_too_large, too_many_fields) and skipped without
//     being buffered: memory stays bounded by the limits plus 128 KiB of read buffers, whatever the
//     input. Measured: a 256 MiB file that is one line peaks at 14 MiB of resident memory.
//   - In spreadsheets a row with more than MaxFields cells or a cell longer than MaxRecordBytes is a
//     fatal error of package parse/sheet (ErrSpreadsheetTooLarge), as are zip bombs; an encrypted
//     workbook is refused with ErrEncrypted.
//
// # Header mapping
//
// Header names are compared ignoring case, accents and every character that is not a letter or a
// digit, so "First Name", "first_name", "FIRSTNAME", "Téléphone" and "TELEPHONE" match as the
// names they spell; a number in a name is set aside ("E-mail 2 Address", "Telefone1",
// "cp_phone1"). Known names:
//
//   - the API's own names, in any case: msisdn, firstName, lastName, externalId, country, email,
//     weChatUserId, facebookUserId, zaloId, lineId, kakaoTalkId, salutation;
//   - msisdn: mobile, mobile phone, cell …, WhatsApp (WhatsApp ids are mobile phone numbers),
//     then phone, phone number, telephone, tel …, then Primary Phone, then Google's "Phone N -
//     Value", then Outlook's Business Phone, Home Phone, Other Phone, Company Main Phone, Car
//     Phone (faxes and pagers are not mapped);
//   - firstName: first name, given name, forename (then first, fname); lastName: last name, family
//     name, surname (then last, lname); salutation: salutation, name prefix, and Title when its
//     values are salutations (Mr, Mrs, Ms, Dr, Herr, Frau, M., Mme, Sr, Sra …; at least 90% of the
//     sampled values): a Title holding job titles is ignored;
//   - email: email, e-mail, email address, mail, primary email, Google's "E-mail N - Value",
//     Outlook's "E-mail 2 Address" …, then secondary email; country: country, Country/Region, then
//     Outlook's Home and then Business Country/Region;
//   - a single full-name column (name, full name, contact name, then display name) is used for a row
//     whose first and last name are both empty: it is split on its last space, "Mary Ann Smith" →
//     firstName "Mary Ann", lastName "Smith"; a name without a space is all first name; a row that
//     has a first or last name never has its display name split;
//   - chat ids: wechat, facebook, zalo, line user id, kakaotalk, with or without "id";
//   - the same in other languages (table below). A word meaning just "name" (Nom, Nome, Nombre,
//     Naam, Namn, Navn, Nimi, İsim, 이름) is the last name beside a first-name column ("Prénom",
//     "Nom"), the first name beside a last-name column ("NOME", "COGNOME"), else a full name.
//
// Several columns for msisdn, email or country are never an error and never a silent pick: the first in
// the priority above is the column (Describe: mapped), the others are alternatives (Describe:
// alternative, with the reason), each row taking the first non-blank one in that order — for
// msisdn a mobile number first: a column named mobile (or WhatsApp), or a Google "Phone N - Value"
// whose "Phone N - Type" (or "- Label") says Mobile or Cell; then the first non-blank number not
// typed as a fax or pager; then any. Equal priorities go by column order. A Google cell holding
// several values ("a ::: b") gives its first. Two columns with the same priority for another field
// (First Name and Given Name, or the same name twice) are an error (*HeaderError naming both).
//
// Columns by content: a column whose header maps to nothing is looked at in the rows read ahead.
// When at least 90% of its non-empty values look like phone numbers it feeds msisdn (or emails:
// email), method "content" — unless that field already has a column, in which case it is listed
// as ignored with the reason. A column mixing the two is reported as ambiguous, not guessed. A
// value looks like a phone number when it has 7 to 15 digits, nothing but digits, spaces and
// + - . / ( ), and a cue that it is one: a leading '+', a leading 0, or a separator between digit
// groups — bare digits ("16502530000") are not taken for a phone (an id looks the same), nor is
// a date (1980-03-12, 24.12.1987, 12/31/2019: a birthday column is no phone column). Whether
// the number is valid is for package normalize to say.
//
// Options.ColumnMap ("Telefon" → "msisdn") wins over all of this: a field it gives is read from its
// columns only. Options.Columns replaces the mapping by position and accepts every name header
// mapping accepts ("phone", "name"). Mapping.Describe says for each column what it feeds, how
// (alias, map, content, columns), and for alternative, ignored and ambiguous columns why;
// Mapping.Columns and Mapping.Ignored give the same in short.
//
// A file in which no column maps to an address (msisdn, email or a chat id) is refused by Open
// (*HeaderError wrapping ErrNoAddressColumn; also ErrNoMappedColumn when nothing maps at all): the
// message lists the header and what each column was taken for, and says to map the right column
// with a column map (-map 'Telefon=msisdn'); Options.AllowNoAddress opens it anyway, for a preview,
// and Source.NoAddress returns that refusal. Options.StrictColumns refuses a file with an ignored
// or ambiguous column (ErrIgnoredColumn).
//
// # Header names in other languages
//
// Names of the contact columns in the languages contact lists are exported in, including the
// localized headers of the Outlook, Windows Live Mail and Thunderbird CSV exports (all in
// aliases.go). Sources, cited by repository and path:
//
//   - [TB] Thunderbird's CSV export: its header row is the localized strings 2100–2136 of
//     thunderbird/thunderbird-l10n <lang>/mail/chrome/messenger/importMsgs.properties, written by
//     mozilla/releases-comm-central mailnews/addrbook/modules/AddrBookUtils.sys.mjs
//     (exportDirectoryToDelimitedText); its importer reads the same names back. Every contact
//     column of it is mapped for de, fr, es-ES, es-AR, es-MX, it, pt-BR, pt-PT, nl, pl, sv-SE,
//     da, nb-NO, nn-NO, fi, tr, ja, zh-CN, zh-TW and ko (TestThunderbirdExports), except Swedish "Visa" (its display name; the
//     word is also a card brand) and Portuguese "Nacionalidade" (a nationality, not a country).
//
//   - [RC] Outlook's localized CSV export as Roundcube's importer maps it:
//     roundcube/roundcubemail program/localization/<lang>/csv2vcard.inc for de_DE, de_CH, es_ES,
//     fr_FR, it_IT, pl_PL, pt_BR, fi_FI and zh_TW (TestRoundcubeOutlookHeaders; faxes and
//     "Région"/"Provincia o estado", a region, are not mapped).
//
//   - [ZC] Outlook's localized CSV export (Outlook 2003 and later) and Windows Live Mail's, as
//     Zimbra's importer maps them: Zimbra/zm-mailbox store-conf/conf/contacts/zimbra-contact-fields.xml,
//     formats outlook-2003-csv for da, de, es, fr, it, nl, pl, pt_BR, sv, tr and ja, and
//     windows-live-mail-csv for da, de, es, fr, it, ja, ko, nl, pl, pt_BR, sv, tr, zh_CN and
//     zh_HK. Every name, phone, e-mail and country column of them is mapped, the mobile number
//     and the first address taken first (TestZimbraExportHeaders). Not mapped: faxes, pagers,
//     ISDN, telex, radio, callback and assistant phones. In Zimbra's map, Windows Live Mail's
//     full-name column is spelled like its first-name column in es, it, pt_BR and tr ("Nombre"
//     twice) and like its last-name column in fr ("Nom" twice): a header with both is refused as
//     ambiguous (ErrDuplicateColumn: two columns of one name feeding one field), and a column map
//     naming the word (-map 'Nombre=firstName') opens it, the second column then an alternative
//     (TestWindowsLiveMailNameTwice). The same file's thunderbird-csv formats (da, de, es_ES, fr,
//     it, ja, ko, nl, pl, pt_BR, sv, zh_CN, zh_HK) are the whole header rows of an older
//     Thunderbird, whose names differ from [TB]'s in many places (Eerste e-mail, Kortnamn,
//     Nombre mostrado, 国家 for both countries …); every contact column of them is mapped and every
//     other column feeds nothing (TestZimbraThunderbirdHeaders), except French "Région", a
//     region, which Zimbra files as the country. Two words differ between languages and are read
//     so: Portuguese "Apelido" is the surname in Portugal and the nickname in Brazil (written
//     beside "Sobrenome"), so it is a last name that yields to Sobrenome (an alternative where
//     that is blank); Brazilian "CEP" is the postal code, so Turkish "Cep" alone is not read as a
//     mobile ("Cep telefonu" is).
//
//   - [OX] Open-Xchange's importer: the whole header row of a Dutch Outlook 2007 export in
//     open-xchange/appsuite-middleware
//     com.openexchange.importexport/test/com/openexchange/importexport/importers/CSVContactImporterTest.java,
//     and its maps com.openexchange.importexport/importCSV/outlook2007.nl_NL.properties and
//     outlook2010.jp_JP.properties (TestOpenXchangeOutlookHeaders: the contact columns map,
//     every other column feeds nothing).
//
//   - [EG] EGroupware's exports in the Finnish and French Outlook layouts, and its list of the
//     87 columns of German Outlook's export (its import definition, one comment per column):
//     EGroupware/egroupware addressbook/setup/outlook_csv_finnish.xml, outlook_csv_french.xml
//     and outlook_csv_german.xml (TestEGroupwareFinnishOutlook,
//     TestEGroupwareOutlookGermanFrench).
//
//   - [G] Google Contacts writes its CSV export in English whatever the account's language, the
//     phone types too ("Mobile"): a Russian account's export in
//     https://github.com/owncloud-archive/contacts/issues/827, another in issue 817 there, and
//     tine20/tine20 tine20/Addressbook/Import/examples/adb_google_import.csv (German data)
//     (TestGoogleExportHeaders). No localized Google header was found, so none is mapped. Its
//     names are: "Name", "Given Name", "Family Name", "Name Prefix", "E-mail 1 - Value",
//     "Phone 1 - Type", "Phone 1 - Value", "Address 1 - Country" (the export before 2020) and
//     "First Name", "Last Name", "E-mail 1 - Value", "Phone 1 - Label", "Phone 1 - Value"
//     (today's; its names are mapped, TestMappingValues, but no export of it from a
//     non-English account was found to cite).
//
//   - [I11] headers quoted in issue 11 from real exports (tine20, Roundcube and Thunderbird test
//     fixtures, small converters): German Outlook 2013/2007 and Apple Address Book, Portuguese
//     "Nome", "Telefone1", Italian "NOME", "COGNOME", "TELEFONO", Spanish "nombre", "telefono",
//     Japanese 姓, 名, 電話番号, メールアドレス, CRM cp_phone1, tel_cell, n_given … (TestIssueHeaders).
//
//   - [WRK] the staff export of the Vienna Red Cross, as its dispatch software reads it:
//     wrk-fmd/CoCeSo coceso/src/main/java/at/wrk/coceso/service/csv/CsvService.java (Nachname,
//     Vorname, DNr., "Handy privat", "Handy geschäftlich", "Handy WRK") (TestWRKStaffExport).
//
//   - [WAB-ja] the Japanese Windows Address Book CSV columns 携帯電話 and 自宅電話番号 named on
//     https://poweraddress.jp/?p=98836.
//
//   - [OL-zh] Outlook's Simplified Chinese export, its whole header row as a script writing
//     Outlook-importable contact files reproduces it: bluewebgeek/python
//     Python_HtmlParse/galleryPhoneNumber.py (first_rec; the files it wrote, such as
//     Python_HtmlParse/北京.csv, open with it). Not a file Outlook wrote, but a copy of Outlook's
//     header made so that Outlook imports the output, and its wording agrees with Windows Live
//     Mail's ([ZC] zh_CN: 商务电话, 住宅电话, 移动电话, 电子邮件地址). Its Title column is 英文称谓, its
//     Suffix 中文称谓 (feeds nothing) (TestOutlookChineseKoreanHeaders).
//
//   - [OL-ko] Outlook's Korean export and the Korean Outlook Express (Windows Address Book)
//     export, their whole header rows as the Covision groupware serves them as contact
//     templates ("CSV" and "CSV(Express)"; its import page names the files it reads "Outlook
//     Express, Outlook, Excel"): ju1LEE/Covision
//     smarts4j.root-saas/smarts4j.groupware/src/main/java/egovframework/covision/groupware/bizcard/user/web/BizCardUtilCon.java
//     (csvTemplateDownload). Again a program reproducing Outlook's header, not an export; it adds
//     a 메신저 column of its own. The Outlook row's Title column is 호칭(영문), its Suffix 호칭(한글)
//     (feeds nothing); it also has a 국가 alone, among the columns Outlook writes in alphabetical
//     order after the phones, whose Outlook field no source names: it is read as a country and,
//     like any plain country column, comes before the address countries (when it is blank the
//     next country column is used; a value that is no country rejects the row as
//     invalid_country, and -map '국가=ignore' drops the column) (TestOutlookChineseKoreanHeaders).
//
//   - unchecked: the other names in aliases.go were written from the wording of the localized
//     Outlook and Google Contacts interfaces and were not checked against an export file or an
//     importer of that language; a header they miss is mapped with Options.ColumnMap. No source
//     was found for Outlook's Norwegian export (Thunderbird's is sourced). A zh_CN
//     csv2vcard.inc labelled "MS Outlook 2010" in roundcube/roundcubemail pull request 9979 is
//     not used: the pull request was closed unmerged, and its names differ from Outlook's own
//     zh-CN wording ([OL-zh]: 商务电话 where it has 公司电话).
//
// Japanese Outlook's 敬称 is its Suffix column (様, 殿 written after the name; [ZC]): like English
// "Suffix" it feeds nothing, as Chinese Outlook's 中文称谓 and Korean Outlook's 호칭(한글) do. Its
// Title column 肩書き is read like "Title" (a salutation or a job title, decided by the values), as
// are the Title columns of the other languages' Outlook exports (Titel, Titre, Titolo, Título,
// Tytuł, Unvan, 英文称谓, 호칭(영문) …; TestOutlookTitleByContent).
//
// The table gives examples per language and, on the right, the sources that confirm them;
// names in parentheses there are among the unchecked ones.
//
//	language    examples (first; last; display; phone; mobile; email; country)              sourced
//	German      Vorname; Nachname; Telefon, Telefon geschäftlich, Telefon (privat),          TB de, RC de_DE, de_CH; ZC de;
//	            Haupttelefon; Mobiltelefon, Handy privat; E-Mail-Adresse, E-Mail 2:          I11; WRK; EG de
//	            Adresse, Arbeit E-Mail; Land, Land/Region geschäftlich                       (Handy alone: unchecked)
//	French      Prénom; Nom, Nom de famille; Nom à afficher; Téléphone (bureau), Tél.        TB fr, RC fr_FR, ZC fr, EG fr
//	            professionnel, Téléphone principal; Portable, Tél. mobile; Adresse de
//	            messagerie, Adresse e-mail principale; Pays/Région (domicile)                (Courriel, Téléphone: unchecked)
//	Spanish     Nombre; Apellidos; Nombre mostrado, Nombre en pantalla; Teléfono             TB es-ES, es-AR, es-MX; RC
//	            del trabajo, Particular; Teléfono móvil; Dirección de correo                 es_ES; ZC es, ZC thunderbird-csv
//	            electrónico principal; País o región del domicilio, País (Trabajo)           es_ES; I11 (Celular, Correo
//	                                                                                         electrónico: unchecked)
//	Portuguese  Nome, Primeiro nome; Sobrenome, Apelido, Último nome; Nome de exibição;      TB pt-BR, pt-PT, RC pt_BR;
//	            Telefone comercial, Fone de casa; Celular, Número de telemóvel; Endereço     ZC pt_BR; I11
//	            de E-mail, Email principal; País, País/Região de Residência                  (Telemóvel alone: unchecked)
//	Italian     Nome; Cognome; Nome visualizzato; Telefono lavoro, Ufficio, Abitazione;      TB it, RC it_IT, ZC it; I11
//	            Cellulare, Numero cellulare; Indirizzo posta elettronica, Email primaria;
//	            Nazione di residenza, Paese (ab.)                                            (Paese alone: unchecked)
//	Dutch       Voornaam; Achternaam; Weergavenaam; Telefoon op werk, Telefoon thuis;        TB nl, ZC nl, OX nl_NL
//	            Mobiele telefoon, Mobiel nummer; E-mailadres, Primair e-mailadres;
//	            Land/regio (thuis), Werkland                                                 (GSM: unchecked)
//	Polish      Imię; Nazwisko; Wyświetlana nazwa; Telefon służbowy, Telefon domowy;         TB pl, RC pl_PL, ZC pl
//	            Telefon komórkowy; Adres e-mail, Podstawowy e-mail; Kraj/region (dom),
//	            Adres domowy - kraj/region                                                   (Kraj alone: unchecked)
//	Swedish     Förnamn; Efternamn; Namn; Arbete, Hem, Telefon arbete; Mobiltelefon;         TB sv-SE, ZC sv
//	            E-postadress, E-post; Land, hem, Land privat
//	Danish      Fornavn; Efternavn; Vis navn; Telefon (arbejde), Hjemmetelefon;              TB da, ZC da
//	            Mobiltelefon, Mobilnummer; E-mail-adresse, Primær mail; Land/område
//	            (privat), Hjemmeland
//	Norwegian   Fornavn; Etternavn; Fullt navn; Arbeidstelefon, Hjemmetelefon; Mobil;        TB nb-NO, nn-NO (no Outlook
//	            Primær e-post; Hjem Land, Arbeid Land                                        source) (E-postadresse: unchecked)
//	Finnish     Etunimi; Sukunimi; Näyttönimi; Työpuhelin, Kotipuhelin;                      TB fi, RC fi_FI, EG fi
//	            Matkapuhelin, Matkapuhelinnumero; Sähköpostiosoite, Ensisijainen
//	            sähköposti; Maa (koti), Kotimaa                                              (Sähköposti, Maa alone: unchecked)
//	Turkish     Adı, İlk Adı; Soyadı; Görüntülenecek ad; İş telefonu, Ev Telefonu; Cep       TB tr, ZC tr
//	            telefonu; Elektronik Posta Adresi, E-posta Adresi, Birinci e-posta;
//	            Ev-Ülke/Bölge, Ev ülkesi                                                     (E-posta, Ülke alone: unchecked)
//	Japanese    名; 姓; 表示名, 名前; 会社電話, 自宅電話, 電話番号; 携帯電話, 携帯電話番号;  TB ja, ZC ja, OX jp_JP; I11;
//	            電子メール アドレス, メールアドレス; 国 (自宅)/地域, 国 (自宅)              WAB-ja (国 alone: unchecked)
//	Chinese     名字, 名; 姓氏, 姓; 显示名称, 顯示名稱; 商务电话, 住宅电话, 商務電話;        OL-zh (Outlook zh-CN),
//	            移动电话, 手機號碼, 行動電話; 电子邮件地址, 電子郵件地址, 主要电子邮件;      TB zh-CN, zh-TW, RC zh_TW,
//	            住宅地址 国家/地区, 住宅所在国家/地区, 居住国家/地区, 商務 - 國家/地區       ZC zh_CN, zh_HK (Windows
//	                                                                                         Live Mail, and an older
//	                                                                                         Thunderbird: 国家)
//	                                                                                         (手机, 电话: unchecked)
//	Korean      이름(성 제외), 이름; 성; 표시명; 근무처 전화, 직장 전화, 집 전화 번호, 전화;  OL-ko (Outlook and Outlook
//	            휴대폰; 전자 메일 주소, 메일 주소, 기본 메일; 집 주소 국가, 국가(집),        Express ko), TB ko, ZC ko
//	            국가/지역(집), 국가                                                          (Windows Live Mail)
//	                                                                                         (이메일: unchecked)
//	English     Email Home, Email Work, Home Mobile, Country/Region; CRM exports            I11; RC en_US, de_DE
//	            cp_phone, cp_mobile, cp_email, cp_givenname, tel_cell, n_given, n_family
//	Google      Given Name; Family Name; Name; Phone 1 - Value (typed by Phone 1 - Type      G
//	            or - Label); E-mail 1 - Value; Address 1 - Country (English in every
//	            language)
//
// A word meaning "name" alone is read by the column beside it (see above): Thunderbird writes
// Italian "Nome" and Korean 이름 for the first name, Roundcube's French map "Nom" for the last
// name. 名字 is the given name in Chinese (Thunderbird zh-CN, beside 姓氏) but the family name in
// Japanese, so it is read the same way. Thunderbird's Korean export names both its home and its
// work country 국가: several country columns, like several phone or email columns, are never an
// error (the first non-blank one is used).
//
// # Cancellation
//
// OpenContext keeps its context: reading text checks it at every 64 KiB read and every 1,024 rows
// and then fails with an error matching context.Canceled (or context.DeadlineExceeded) that also
// wraps context.Cause. A Read that blocks is not interrupted: the caller closes the reader.
//
// # Performance
//
// Next allocates about one string per row (the row's text; cells are substrings of it), plus a
// shared slab for the []string cells, and no maps or fmt.
package parse
