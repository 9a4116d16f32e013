package mailtest

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"regexp"
	"strings"
)

// ParsedMessage is a received e-mail, decoded.
type ParsedMessage struct {
	From    string   // envelope sender
	To      []string // envelope recipients
	Header  netmail.Header
	Subject string // decoded
	Text    string // the text/plain body, decoded
	HTML    string // the text/html body, decoded
	Raw     []byte

	// MessageID is the Message-ID header without its angle brackets.
	MessageID string
	// Calendar is the text/calendar part exactly as decoded (CRLF line
	// ends kept), CalendarMethod its method parameter (REQUEST, CANCEL).
	Calendar       []byte
	CalendarMethod string
}

// SentTo reports whether the message went to the address (case-insensitive).
func (m ParsedMessage) SentTo(addr string) bool {
	for _, to := range m.To {
		if strings.EqualFold(strings.TrimSpace(to), strings.TrimSpace(addr)) {
			return true
		}
	}
	return false
}

var linkRE = regexp.MustCompile(`https?://[^\s<>"']+`)

// Links returns the web addresses in the text body, in order.
func (m ParsedMessage) Links() []string {
	links := linkRE.FindAllString(m.Text, -1)
	for i, l := range links {
		// A link ending a sentence is not followed by its full stop.
		links[i] = strings.TrimRight(l, ".,;:!?)")
	}
	return links
}

// Link returns the first link in the text body that contains part, or "".
func (m ParsedMessage) Link(part string) string {
	for _, l := range m.Links() {
		if strings.Contains(l, part) {
			return l
		}
	}
	return ""
}

// Parse decodes a raw message: headers, subject, and the text and HTML parts
// of a (possibly nested) multipart body in quoted-printable, base64 or 8bit.
func Parse(raw []byte) (ParsedMessage, error) {
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return ParsedMessage{}, fmt.Errorf("read message: %w", err)
	}
	m := ParsedMessage{Header: msg.Header, Raw: raw, MessageID: messageID(msg.Header)}
	dec := new(mime.WordDecoder)
	if m.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return m, fmt.Errorf("subject: %w", err)
	}
	err = m.walk(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
	return m, err
}

// parseHeader reads only the Message-ID and subject, for servers that count.
func parseHeader(raw []byte) (ParsedMessage, error) {
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return ParsedMessage{}, fmt.Errorf("read message: %w", err)
	}
	return ParsedMessage{MessageID: messageID(msg.Header), Subject: msg.Header.Get("Subject")}, nil
}

func messageID(h netmail.Header) string {
	return strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(h.Get("Message-ID")), "<"), ">")
}

func (m *ParsedMessage) walk(contentType, encoding string, body io.Reader) error {
	if contentType == "" {
		contentType = "text/plain"
	}
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return fmt.Errorf("content type %q: %w", contentType, err)
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("multipart: %w", err)
			}
			if err := m.walk(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p); err != nil {
				return err
			}
		}
	}
	var r io.Reader = body
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "quoted-printable":
		r = quotedprintable.NewReader(body)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, body) // skips line breaks itself
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("decode %s part: %w", mediaType, err)
	}
	if mediaType == "text/calendar" {
		if m.Calendar == nil {
			m.Calendar, m.CalendarMethod = b, params["method"]
		}
		return nil
	}
	text := strings.ReplaceAll(string(b), "\r\n", "\n")
	switch mediaType {
	case "text/plain":
		if m.Text == "" {
			m.Text = text
		}
	case "text/html":
		if m.HTML == "" {
			m.HTML = text
		}
	}
	return nil
}
