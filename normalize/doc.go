// Package normalize turns the raw text of contact fields into the canonical
// values the 8x8 Contacts API and Kore.ai accept: phone numbers in E.164,
// countries as ISO 3166 alpha-2 codes, email addresses, names and chat ids.
// It works on plain strings and imports no other contactpipe package.
//
// A blank field (empty or only white space) normalizes to the zero value
// with a nil error: whether a field is required is for the caller to decide.
// A field that cannot be normalized gives an *Error whose Code is stable
// (report.json's rejectReasons and rejected.csv use it) and whose Message
// says in plain words what is wrong and what to do. The message does not
// name the field (the caller names the user's column) and does not repeat
// the number or address, except that ambiguous_phone shows the two
// numbers the user must choose between.
//
// # Phone numbers
//
// PhoneNumber(raw, region) applies these rules, in order:
//
//  1. Clean the text. Blanks at both ends are trimmed. A leading ' (Excel's
//     text marker), ="…" (Excel's formula-quoted text), the = of a cell
//     written as a formula (=+4930…) and a tel: prefix are removed. Unicode spaces (NBSP, thin space …), Unicode dashes and dots,
//     brackets and slashes are separators and are dropped; fullwidth and
//     other Unicode decimal digits become ASCII digits, and a fullwidth plus
//     becomes '+'. What remains must be one optional leading '+' and digits;
//     any other letter or symbol rejects the number (invalid_phone), so text
//     such as "555 1234 (home)" is never read as a vanity number.
//  2. Split off an extension: ";ext=12", "ext. 12", "ext 12", "extn 12",
//     "extension 12", "x12", "#12" (1–20 digits at the end, optionally
//     followed by '#'). It is returned in Phone.Extension, for targets that
//     have an extension field, and is not part of the msisdn.
//  3. Undo spreadsheet damage. A number in scientific notation whose
//     mantissa carries every digit its exponent implies ("4.47911123456E+11",
//     also with a decimal comma or a lower-case e) is expanded exactly by
//     string arithmetic — no floating point — and then read by rule 4. One
//     with fewer digits ("4.47911E+11", what Excel shows for a 12-digit
//     number in a General cell) may have lost digits: it is rejected with
//     phone_truncated_by_excel and a message to format the column as text,
//     never guessed. A trailing ".0" of a numeric cell ("447911123456.0") is
//     removed; text with a leading zero is never a numeric cell, so in
//     "036605.000" the dot is a separator.
//  4. Read the number, only when the text leaves no reasonable doubt which
//     number was meant: never a different valid number, a rejection with
//     a reason instead. See "Reading a number" below.
//  5. Output '+' and digits only (phonenumbers' E.164 format). The API
//     accepts ^\+?[1-9][0-9]{6,14}$; a valid number outside it (fewer than
//     7 or more than 15 digits with the country code) is rejected with
//     unsupported_phone_length.
//
// # Reading a number
//
// A reading is phonenumbers' Parse + IsValidNumber of the digits in the
// region (the national reading: the row's country, else the default
// country) or of '+' and the digits (the international reading). Cues in
// the text decide first:
//
//   - '+' is international: only the international reading
//     ("+44 7400 123456").
//   - 00, or the region's own international prefix, is international
//     ("0044 7400 123456"; "011 44 7400 123456" in US). 00 counts even where
//     the region's prefix is another one, when the region does not read the
//     text as a number of its own.
//   - Parentheses or a leading national prefix (0 in most countries, 1 in the
//     NANP, 8 in Russia) are national: only the national reading
//     ("(201) 555-0123" in US, "0447400123456" in DE → +49 4474 00123456).
//
// No country (no row country, no default country, or one phonenumbers does
// not know):
//
//   - National cues, or a leading single 0, are rejected with
//     phone_needs_country ("(201) 547-5000", "030 123456").
//   - Bare digits are read as international only when no common national
//     reading competes: no country reads them, as written or after its
//     national prefix, as one of its valid numbers of a type with at most
//     three lengths (mobile numbers, fixed lines of closed numbering plans;
//     not the open plans of Germany or Austria, where nearly any digit string
//     is some number). So the 10-digit US number 2015475000 is never
//     +20 15475000 (Egypt) but phone_needs_country, as is 16502530000 (also a
//     Chinese mobile number), while 447400123456 reads as +44 7400 123456 and
//     905321234567 as +90 532 123 45 67.
//
// A known country and bare digits (separators allowed, no cue): both
// readings are made. One valid reading, or two equal ones, is the number
// ("447400123456" in US or GB → +44 7400 123456; "7400123456" in GB →
// +44 7400 123456). Two valid, different readings are settled, in order, by:
//
//   - Grouping. Text written in groups is national ("201 547 5000" in US →
//     +1 201-547-5000) unless its first group is the international reading's
//     calling code; then it is national if its groups are those of the
//     national format of the national reading, its national prefix left out
//     ("220 919 5242" in MX → +52 220 919 5242, not Gambia's +220), else
//     international if they are those of the international format
//     ("20 15 475000" in US → +20 15 475000).
//   - Convention. Digits written exactly as the country writes the national
//     reading at home, without a national prefix, are national, unless they
//     start with the country's own calling code: ten digits in the NANP
//     ("2015475000" in US → +1 201-547-5000), "3123456789" in IT →
//     +39 312 345 6789.
//   - Otherwise: ambiguous_phone, with both readings in international format.
//     "447400123456" in DE is +44 7400 123456 (a UK mobile whose + was
//     dropped) or +49 4474 00123456 (a German number whose 0 was dropped).
//
// Where national numbers may start with a 0 that is not a national prefix
// (Italy, Gabon), digits without groups also compete with the same digits
// with that 0 restored, as a spreadsheet drops it, unless they are the
// conventional writing of their reading: "6031234" in GA is +241 6031234 or
// +241 06031234, ambiguous_phone; the Italian mobile "3123456789" is
// national.
//
// A reading that is possible but not valid (right length, unassigned range)
// is no reading. With none left, invalid_phone says why: too short, too
// long, unknown country calling code, or not a number in use.
//
// # Speed
//
// PhoneNumber computes exactly what PhoneNumberReference computes with
// phonenumbers' Parse, IsValidNumber and Format(E164) for each reading of
// rule 4 (the rules themselves are shared code), but answers from tables
// made from phonenumbers' own metadata: the national-number patterns of
// each region become one deterministic automaton over digits, walked with
// one table lookup per digit, and the national and international prefix
// patterns run on a small leftmost-first matcher that reproduces regexp's
// matches. The automata are compiled at build time (go generate writes
// phonetables.bin, and a test checks it against the metadata) and each
// region's are decoded, and its prefix patterns compiled, when a number
// first needs them, so a process that reads a few numbers starts in about
// a millisecond instead of the 80 ms compiling all of them takes. A valid number
// costs at most one allocation (the E.164 string; none when the input is
// already E.164) plus one for an extension; a rejection costs two (the
// *Error and its message). It takes no lock, so it scales with the cores.
// Anything the tables cannot decide goes to phonenumbers. A differential
// test (fastpath_test.go; go test -long for 1,000,000 numbers) and a fuzz
// target hold the two to identical results.
//
// SplitE164 splits an E.164 number into its calling code and national
// number, for Kore.ai's cellPhoneCountryCode.
//
// # Other fields
//
//   - Country: an alpha-2 code in any case ("UK" is read as GB), an alpha-3
//     code ("USA", "GBR"), the English name ("United States", "United
//     Kingdom"), the name in the country's main language ("Deutschland") or
//     a common alias ("Great Britain", "Holland") → upper-case alpha-2, from
//     golang.org/x/text's CLDR region data. Anything else: invalid_country.
//   - Email: trimmed, "Name <addr>" reduced to the address, checked with
//     net/mail, domain lower-cased and checked as an (internationalized)
//     host name: invalid_email; longer than 320 characters: email_too_long.
//   - Name, NameField: control characters removed, white space collapsed to
//     single spaces and trimmed; longer than 200 characters: name_too_long.
//   - ChatID (weChatUserId, facebookUserId, zaloId, lineId, kakaoTalkId):
//     trimmed; longer than 128 characters: chat_id_too_long.
//
// # Codes
//
//	invalid_phone             not a valid phone number (rules 1, 2, 4)
//	phone_needs_country       national, or possibly national, and no country (rule 4)
//	ambiguous_phone           two valid readings and nothing to tell them apart (rule 4)
//	phone_truncated_by_excel  scientific notation that may have lost digits (rule 3)
//	unsupported_phone_length  valid, but not 7–15 digits as the API requires (rule 5)
//	invalid_country           not a known country code or name
//	invalid_email             not a well-formed email address
//	email_too_long            email longer than 320 characters
//	name_too_long             name longer than 200 characters
//	chat_id_too_long          chat id longer than 128 characters
package normalize
