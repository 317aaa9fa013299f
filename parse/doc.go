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
// still one row. RowError.Line gives the line of the text file where the record starts. Blank rows
// (every cell empty or spaces) are skipped. The first non-blank row is the header, unless
// Options.NoHeader. Rows are shaped to the header's width: a short row gets empty cells; extra
// cells that are empty (Excel's trailing commas) are dropped; a row with a non-empty cell beyond the
// header is rejected (extra_fields).
//
// # Malformed and hostile input
//
//   - Text after the closing quote of a field ("a"b) rejects that record (malformed_csv, with its
//     row and column); the field reads on to the next delimiter and parsing resumes with the next
//     record, so one broken record costs one row. If its quotes made it span several lines, the
//     error says which.
//   - A quoted field that is never closed — still open at the end of the input, or when its record
//     has passed Options.MaxRecordBytes bytes — costs one row, not the file: the reader goes back to
//     where the record started and rejects its physical line (malformed_csv, naming the row and the
//     column where the quote opened; errors.Is ErrQuote and ErrUnterminatedQuote). Record.Raw holds
//     the line's text cut at the delimiters outside quotes, the unclosed cell keeping the rest of the
//     line as it is ("Smith, Ann,Lee with its opening quote), so that rejected.csv shows it. Reading
//     resumes at the next line; rows before and after are imported. When the record had spanned
//     lines before the broken quote opened, each line from its start through the quote's line is
//     rejected the same way, one row each (re-reading them is what would import guessed data). To
//     go back, the reader keeps the bytes of the current record, at most MaxRecordBytes, so memory
//     stays bounded and every byte is read at most three times. A quoted field that opens in a
//     record already over a limit gets a budget of its own and, if broken, ends that record at the
//     end of its line. Options.StrictCSV keeps the stop-at-first-error behaviour: Next returns a
//     fatal *RowError (code unterminated_quote, errors.Is ErrUnterminatedQuote and ErrQuote) naming
//     the row and line where the quote opened, after every row before it.
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
// Header names are compared ignoring case and every character that is not a letter or a digit, so
// "First Name", "first_name", "FIRSTNAME" and "First-Name" are the same name. Known names:
//
//   - the API's own names, in any case: msisdn, firstName, lastName, externalId, country, email,
//     weChatUserId, facebookUserId, zaloId, lineId, kakaoTalkId, salutation;
//   - msisdn: mobile, mobile phone, mobile number, mobile phone number, cell, cell phone, cellular …
//     (preferred), then phone, phone number, telephone, tel, contact number …, then Primary Phone,
//     then Google's "Phone N - Value", then Outlook's Business Phone, Home Phone, Other Phone,
//     Company Main Phone, Car Phone (faxes and pagers are not mapped);
//   - firstName: first name, given name, forename (then first, fname); lastName: last name, family
//     name, surname (then last, lname); salutation: salutation, then title, name prefix;
//   - email: email, e-mail, email address, mail, primary email, Google's "E-mail N - Value",
//     Outlook's "E-mail 2 Address" …, then secondary email;
//   - a single full-name column (name, full name, contact name, then display name) is used for a row
//     whose first and last name are both empty: it is split on its last space, "Mary Ann Smith" →
//     firstName "Mary Ann", lastName "Smith"; a name without a space is all first name;
//   - chat ids: wechat, facebook, zalo, line user id, kakaotalk, with or without "id".
//
// When several columns feed a field, each row takes the first non-blank one in the order above. For
// msisdn a mobile number wins first: a column named mobile, or a Google "Phone N - Value" whose
// "Phone N - Type" (or "- Label") says Mobile or Cell; then the first non-blank number not typed as
// a fax or pager; then any. A Google cell holding several values ("a ::: b") gives its first.
// Unknown columns are ignored and listed by Mapping.Ignored. Two columns with the same name, or two
// columns that would feed a field with the same priority (phone and telephone), are an error
// (*HeaderError naming both) rather than a silent pick; so is a header where nothing maps.
// Options.Columns replaces the automatic mapping. Mapping.Columns shows the mapping for a report.
//
// # Performance
//
// Next allocates about one string per row (the row's text; cells are substrings of it), plus a
// shared slab for the []string cells, and no maps or fmt.
package parse
