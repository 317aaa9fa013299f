package normalize

// Rejection codes. They are stable: report.json counts rejected rows by code
// (rejectReasons) and rejected.csv writes the code of each rejected row, so a
// code is never renamed or reused for another meaning.
const (
	// CodeInvalidPhone: the phone field is not a valid number (see the
	// package rules), or holds letters or symbols that are not part of one.
	CodeInvalidPhone = "invalid_phone"
	// CodePhoneTruncatedByExcel: the phone field is in scientific notation
	// (4.47911E+11) with fewer digits than the number had, so digits may
	// have been lost by a spreadsheet.
	CodePhoneTruncatedByExcel = "phone_truncated_by_excel"
	// CodeUnsupportedPhoneLength: the number is valid but its E.164 form
	// has fewer than 7 or more than 15 digits, which the API does not
	// accept (^\+?[1-9][0-9]{6,14}$).
	CodeUnsupportedPhoneLength = "unsupported_phone_length"
	// CodePhoneNeedsCountry: the number is written nationally, or could be
	// a national number of some country, and there is no country to read
	// it in (no country column value and no default country).
	CodePhoneNeedsCountry = "phone_needs_country"
	// CodeAmbiguousPhone: bare digits that are a valid national number of
	// the row's country and a different valid international number, with
	// nothing in the text to tell which was meant.
	CodeAmbiguousPhone = "ambiguous_phone"
	// CodeInvalidCountry: the country field is not a known country code
	// or name.
	CodeInvalidCountry = "invalid_country"
	// CodeInvalidEmail: the email field is not a well-formed address.
	CodeInvalidEmail = "invalid_email"
	// CodeEmailTooLong: the email address is longer than 320 characters.
	CodeEmailTooLong = "email_too_long"
	// CodeNameTooLong: a name is longer than 200 characters.
	CodeNameTooLong = "name_too_long"
	// CodeChatIDTooLong: a chat id is longer than 128 characters.
	CodeChatIDTooLong = "chat_id_too_long"
)

// Error is a field that cannot be normalized. Code is one of the Code*
// constants; Message is a lower-case sentence for the user that says in
// plain words what is wrong and what to do ("too short for a phone number
// in US; check for missing digits"). It does not name the field: the
// caller knows the user's name for the column and adds it. Neither repeats
// a phone number or an email address, except that an ambiguous_phone
// message shows the two numbers the user must choose between.
type Error struct {
	// Field is the API field name of the column, e.g. "msisdn".
	Field string
	// Code is the stable reason code (CodeInvalidPhone, …).
	Code string
	// Message tells the user what is wrong and what to do.
	Message string
}

// Error returns the message.
func (e *Error) Error() string { return e.Message }

func newError(field, code, msg string) *Error {
	return &Error{Field: field, Code: code, Message: msg}
}
