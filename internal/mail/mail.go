// Package mail sends e-mail and writes the messages Roundtable sends.
package mail

import "context"

// Message is one e-mail, with a plain-text and an HTML body.
type Message struct {
	To      string
	Subject string
	Text    string
	HTML    string

	// ID, when set, is the message's Message-ID without the angle brackets.
	// Messages about meetings derive it from their outbox key, so a message
	// sent again after a crash is recognisably the same one.
	ID string
	// Calendar, when set, is an iCalendar file sent with the message as a
	// text/calendar part with method CalendarMethod (REQUEST or CANCEL), which
	// mail programs offer to add to the calendar.
	Calendar       []byte
	CalendarMethod string
}

// Mailer delivers messages. Implementations: SMTP (SMTPMailer) and, without an
// SMTP server, LogMailer for demos.
type Mailer interface {
	Send(ctx context.Context, m Message) error
}

// BatchMailer is a Mailer that also delivers several messages over one
// connection, which the outbox prefers: a connection per message costs a
// TCP, TLS and authentication handshake each.
type BatchMailer interface {
	Mailer
	// SendBatch delivers ms in order and returns one error per message, nil
	// for each one delivered. When ctx ends it stops: the messages it had not
	// yet tried get ctx's error.
	SendBatch(ctx context.Context, ms []Message) []error
}
