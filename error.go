package roundtable

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Error codes. Each maps to one HTTP status in internal/web.
const (
	ECONFLICT       = "conflict"        // the thing exists already (duplicate e-mail …)
	EINTERNAL       = "internal"        // a bug or an outage; never shown to users
	EINVALID        = "invalid"         // the user can fix the input
	ENOTFOUND       = "not_found"       // does not exist, or the caller may not know it does
	EUNAUTHORIZED   = "unauthorized"    // not signed in, or wrong credentials
	EFORBIDDEN      = "forbidden"       // signed in, knows it exists, may not do this
	ETOOMANYREQ     = "too_many"        // rate limited
	EGROUNDRULES    = "ground_rules"    // a member must accept the ground rules first
	ENOTIMPLEMENTED = "not_implemented" // reserved
)

// Error is an error a user may see. Message is written for people; Fields holds
// per-field messages of a form ("email" → "Enter an e-mail address like name@example.org.").
type Error struct {
	Code    string
	Message string
	Fields  map[string]string
}

// Error implements the error interface.
func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return fmt.Sprintf("roundtable error: code=%s message=%s", e.Code, e.Message)
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%q", k, e.Fields[k])
	}
	return fmt.Sprintf("roundtable error: code=%s message=%s fields:%s", e.Code, e.Message, b.String())
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of an *Error, or a generic message for any
// other error, so internal text never reaches a user.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Something went wrong on our side. Please try again in a moment."
}

// ErrorFields returns the per-field messages of an *Error, or nil.
func ErrorFields(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// Problems collects field errors while a value is validated.
//
//	var p roundtable.Problems
//	if name == "" { p.Add("name", "Enter a name.") }
//	return p.Err()
type Problems map[string]string

// Add records msg for field unless the field already has a message (the first
// problem with a field is the one worth reading).
func (p *Problems) Add(field, msg string) {
	if *p == nil {
		*p = Problems{}
	}
	if _, ok := (*p)[field]; !ok {
		(*p)[field] = msg
	}
}

// Has reports whether field has a problem.
func (p Problems) Has(field string) bool { _, ok := p[field]; return ok }

// Err returns nil when there are no problems, or an EINVALID *Error holding them.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	msg := "Please correct the highlighted field."
	if len(p) > 1 {
		msg = fmt.Sprintf("Please correct the %d highlighted fields.", len(p))
	}
	return &Error{Code: EINVALID, Message: msg, Fields: map[string]string(p)}
}
