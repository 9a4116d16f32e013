package roundtable

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"
	"unicode/utf8"
)

// DocumentKind tells a stored file from a link.
type DocumentKind string

// Document kinds.
const (
	DocumentFile DocumentKind = "file"
	DocumentLink DocumentKind = "link"
)

// Limits on a circle's documents.
const (
	// MaxDocumentSize is the largest file a member may upload.
	MaxDocumentSize = 20 << 20
	// DefaultDocumentQuota is how much a circle's files may take together,
	// unless the program's installation sets another quota.
	DefaultDocumentQuota = 500 << 20
	// MaxDocumentTitle bounds a document's title and file name.
	MaxDocumentTitle = 200
	// MaxLinkLength bounds a link's address.
	MaxLinkLength = 2000
	// DocumentSniffSize is how much of a file decides its type.
	DocumentSniffSize = 512
	// DocumentsPerPage is how many documents the documents page lists at
	// once, newest first.
	DocumentsPerPage = 30
)

// Document is a file or a link a member shared with her circle. Its title,
// file name and address are circle content, and so are a file's bytes.
type Document struct {
	ID       string
	CircleID string
	Kind     DocumentKind
	Title    string
	FileName string // files only
	URL      string // links only
	// ContentType is the type a file is served with, found from its first
	// bytes and its name (see DocumentType).
	ContentType string
	Size        int64 // bytes, files only
	AddedBy     string
	AddedByName string // "" when her account is gone: "a former member"
	CreatedAt   time.Time
	// MeetingIDs are the meetings it is a reading for.
	MeetingIDs []string
}

// Inline reports whether browsers may show the file themselves: images and
// PDF. Every other file is offered as a download.
func (d *Document) Inline() bool {
	return d.ContentType == "application/pdf" || strings.HasPrefix(d.ContentType, "image/")
}

// Href is where a member opens the document: the link's address, or the
// file's download path on this site.
func (d *Document) Href() string {
	if d.Kind == DocumentLink {
		return d.URL
	}
	return "/documents/" + url.PathEscape(d.ID)
}

// SizeLabel writes a file's size for people, like "2.4 MB".
func (d *Document) SizeLabel() string { return ByteSize(d.Size) }

// ByteSize writes a number of bytes for people, like "2.4 MB" or "830 KB".
func ByteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return strings.Replace(fmt.Sprintf("%.1f MB", float64(n)/(1<<20)), ".0 ", " ", 1)
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", (n+512)>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// DocumentShelf is a page of a circle's documents, newest first, what its
// files take of the quota, and the meetings a document can be a reading
// for.
type DocumentShelf struct {
	Circle    *Circle
	Documents []*Document // the page's
	Page      int         // from 1
	Pages     int         // at least 1
	Total     int         // documents in the circle
	Used      int64
	Quota     int64
	// Meetings are the circle's coming meetings, soonest first, not
	// cancelled.
	Meetings []*Meeting
	// Facilitating is set when the reader facilitates the circle (she may
	// remove anyone's document).
	Facilitating bool
}

// DocumentUpload is a file on its way in: Body is read once, to its end
// or to the first refusal, and never held whole.
type DocumentUpload struct {
	CircleID string
	Title    string // "" takes the file's name
	FileName string
	Body     io.Reader
}

// DocumentService keeps a circle's shared files and links. Every method is
// for the circle's members who accepted its ground rules: ENOTFOUND for
// anyone else (organizers included), EGROUNDRULES before the rules.
type DocumentService interface {
	// FindDocumentShelf returns a page of the circle's documents
	// (DocumentsPerPage a page, from 1; a page past the last is the last).
	FindDocumentShelf(ctx context.Context, circleID string, page int) (*DocumentShelf, error)

	// UploadDocument stores a file, read from up.Body in pieces. EINVALID
	// (field "file") for a type not allowed, a file larger than
	// MaxDocumentSize, or one the circle's quota has no room for; nothing is
	// stored then. Returns the stored document.
	UploadDocument(ctx context.Context, up *DocumentUpload) (*Document, error)

	// AddLink stores a link with a title (d.CircleID, d.Title, d.URL).
	// EINVALID (fields title, url) for a missing title or an address that
	// is not a web link.
	AddLink(ctx context.Context, d *Document) error

	// FindDocument returns a document, a file or a link.
	FindDocument(ctx context.Context, id string) (*Document, error)

	// FindDocumentMeetings returns a document and its circle's coming
	// meetings (soonest first, not cancelled), to choose the one it is a
	// reading for.
	FindDocumentMeetings(ctx context.Context, id string) (*Document, []*Meeting, error)

	// OpenDocument returns a file and a reader of its bytes, which reads
	// them from the database piece by piece; the caller closes it.
	// ENOTFOUND for a link.
	OpenDocument(ctx context.Context, id string) (*Document, io.ReadCloser, error)

	// DeleteDocument removes a document, and with it its readings. Its
	// author or the circle's facilitator only (EFORBIDDEN otherwise).
	DeleteDocument(ctx context.Context, id string) error

	// AttachDocument makes a document a reading for a meeting of its
	// circle; attaching twice changes nothing. EINVALID for a meeting that
	// is not the circle's.
	AttachDocument(ctx context.Context, documentID, meetingID string) error

	// DetachDocument takes a document off a meeting's readings.
	DetachDocument(ctx context.Context, documentID, meetingID string) error
}

// documentTypes are the files a circle may keep, by extension: the type
// each is served with and the type its first bytes must show (see
// DocumentType).
var documentTypes = map[string]struct{ serve, sniffed string }{
	".pdf":  {"application/pdf", "application/pdf"},
	".png":  {"image/png", "image/png"},
	".jpg":  {"image/jpeg", "image/jpeg"},
	".jpeg": {"image/jpeg", "image/jpeg"},
	".gif":  {"image/gif", "image/gif"},
	".webp": {"image/webp", "image/webp"},
	".docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/zip"},
	".xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/zip"},
	".pptx": {"application/vnd.openxmlformats-officedocument.presentationml.presentation", "application/zip"},
	".odt":  {"application/vnd.oasis.opendocument.text", "application/zip"},
	".ods":  {"application/vnd.oasis.opendocument.spreadsheet", "application/zip"},
	".odp":  {"application/vnd.oasis.opendocument.presentation", "application/zip"},
	".doc":  {"application/msword", oleType},
	".xls":  {"application/vnd.ms-excel", oleType},
	".ppt":  {"application/vnd.ms-powerpoint", oleType},
	".txt":  {"text/plain; charset=utf-8", "text/plain; charset=utf-8"},
	".csv":  {"text/csv; charset=utf-8", "text/plain; charset=utf-8"},
}

// oleType stands for the container of older Office files, which
// http.DetectContentType does not name.
const oleType = "application/x-ole-storage"

var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// errDocumentType is the reason a file of another kind is refused.
const errDocumentType = "Upload a PDF, an office document (Word, Excel, PowerPoint, OpenDocument), an image (PNG, JPEG, GIF, WebP) or a text file."

// DocumentType returns the content type a file is served with, from its
// name and its first bytes (up to DocumentSniffSize): the name's extension
// must be one of the allowed kinds and the bytes must look like that kind,
// so a page or a script renamed to .pdf is refused. EINVALID (field "file")
// with the reason otherwise.
func DocumentType(fileName string, head []byte) (string, error) {
	ext := strings.ToLower(path.Ext(fileName))
	t, ok := documentTypes[ext]
	if !ok {
		return "", FileProblem(errDocumentType)
	}
	if len(head) > DocumentSniffSize {
		head = head[:DocumentSniffSize]
	}
	sniffed := http.DetectContentType(head)
	if bytes.HasPrefix(head, oleMagic) {
		sniffed = oleType
	}
	if sniffed != t.sniffed {
		return "", FileProblem(fmt.Sprintf("This file does not look like a %s file inside; it may be another kind of file renamed. %s",
			strings.ToUpper(ext[1:]), errDocumentType))
	}
	return t.serve, nil
}

// FileProblem is an EINVALID error about an upload's file (field "file").
func FileProblem(msg string) error {
	return &Error{Code: EINVALID, Message: msg, Fields: map[string]string{"file": msg}}
}

// ValidateDocumentTitle tidies and checks a title (field "title").
func ValidateDocumentTitle(v *Problems, title *string, required bool) {
	*title = strings.TrimSpace(*title)
	switch {
	case *title == "" && required:
		v.Add("title", "Enter a title, like the article's name.")
	case utf8.RuneCountInString(*title) > MaxDocumentTitle:
		v.Add("title", fmt.Sprintf("Use at most %d characters.", MaxDocumentTitle))
	}
}

// ValidateLink tidies and checks a link's title and address (fields title
// and url).
func ValidateLink(d *Document) error {
	var v Problems
	ValidateDocumentTitle(&v, &d.Title, true)
	d.URL = strings.TrimSpace(d.URL)
	u, err := url.Parse(d.URL)
	switch {
	case d.URL == "":
		v.Add("url", "Enter the link's address, starting with https://.")
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || strings.ContainsAny(d.URL, " \t\r\n"):
		v.Add("url", "Enter a full web address starting with https://.")
	case len(d.URL) > MaxLinkLength:
		v.Add("url", fmt.Sprintf("Use an address of at most %d characters.", MaxLinkLength))
	}
	return v.Err()
}
