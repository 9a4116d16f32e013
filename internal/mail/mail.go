// Package mail sends e-mail and writes the messages Roundtable sends.
package mail

import "context"

// Message is one e-mail, with a plain-text and an HTML body.
type Message struct {
	To      string
	Subject string
	Text    string
	HTML    string
}

// Mailer delivers messages. Implementations: SMTP (SMTPMailer) and, without an
// SMTP server, LogMailer for demos.
type Mailer interface {
	Send(ctx context.Context, m Message) error
}
