package web

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/roundtable/roundtable"
)

// uploadBody bounds an upload's request: the largest file and room for the
// form around it. The service refuses a file past its limit before this.
const uploadBody = roundtable.MaxDocumentSize + 1<<20

// documentAccept is what the file picker offers.
const documentAccept = ".pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp,.png,.jpg,.jpeg,.gif,.webp,.txt,.csv"

// documentsPage is a circle's shared documents and links.
type documentsPage struct {
	layoutData
	Shelf     *roundtable.DocumentShelf
	Documents []documentView
	Meetings  []meetingChoice // the coming meetings, to attach a document to
	UsedLabel string
	QuotaLeft string
	Accept    string
	FileForm  *form
	LinkForm  *form
	// Newer and Older are the neighbouring pages of the list, 0 if none.
	Newer, Older int
}

// documentView is one document as the list shows it. Its fields are plain
// and filled in here: the list may hold hundreds, and a template that reads
// through an embedded struct or calls methods searches the type by
// reflection at every reading.
type documentView struct {
	ID, Title, Href string
	IsLink          bool
	Meta            string // like "PDF, 2.4 MB · added by Ana on 3 Jan 2027"
	MayDelete       bool
	Readings        []meetingChoice // the meetings it is a reading for
}

// meetingChoice names a meeting by when it starts, in the reader's zone
// (a reading's meeting, or a meeting a thread can carry on from).
type meetingChoice struct {
	ID, When string
	Attached bool // the document is a reading for it already
	Checked  bool // chosen at first: the next meeting it is not a reading for
}

// handleDocumentIndex shows a circle's documents.
func (s *Server) handleDocumentIndex(w http.ResponseWriter, r *http.Request) error {
	return s.renderDocuments(w, r, http.StatusOK, newForm(nil, "file_title", "file"), newForm(nil, "link_title", "link_url"))
}

func (s *Server) renderDocuments(w http.ResponseWriter, r *http.Request, status int, ff, lf *form) error {
	u, err := requireUser(r)
	if err != nil {
		return err
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	sh, err := s.svc.Documents.FindDocumentShelf(r.Context(), r.PathValue("circleID"), page)
	if err != nil {
		return err
	}
	loc, now := u.Location(), s.now()
	data := &documentsPage{
		layoutData: layoutData{Title: "Documents of " + sh.Circle.Name, Nav: "home"},
		Shelf:      sh, FileForm: ff, LinkForm: lf, Accept: documentAccept,
		UsedLabel: roundtable.ByteSize(sh.Used), QuotaLeft: roundtable.ByteSize(max(sh.Quota-sh.Used, 0)),
	}
	when := map[string]string{}
	for _, m := range sh.Meetings {
		c := meetingChoice{ID: m.ID, When: meetingWhen(m.StartsAt, m.EndsAt(), loc, now)}
		data.Meetings = append(data.Meetings, c)
		when[m.ID] = c.When
	}
	for _, d := range sh.Documents {
		data.Documents = append(data.Documents, newDocumentView(d, u, loc, sh.Facilitating, when))
	}
	if sh.Page > 1 {
		data.Newer = sh.Page - 1
	}
	if sh.Page < sh.Pages {
		data.Older = sh.Page + 1
	}
	s.render(w, r, status, "documents", data)
	return nil
}

// newDocumentView words a document for the list, in the reader's zone.
func newDocumentView(d *roundtable.Document, u *roundtable.User, loc *time.Location, facilitating bool, when map[string]string) documentView {
	v := documentView{ID: d.ID, Title: d.Title, Href: d.Href(), IsLink: d.Kind == roundtable.DocumentLink,
		MayDelete: d.AddedBy == u.ID || facilitating}
	by := d.AddedByName
	if by == "" {
		by = roundtable.FormerMemberName
	}
	kind := strings.ToUpper(strings.TrimPrefix(path.Ext(d.FileName), ".")) + ", " + d.SizeLabel()
	if v.IsLink {
		kind = "Link"
		if l, err := url.Parse(d.URL); err == nil {
			kind = "Link to " + strings.TrimPrefix(l.Hostname(), "www.")
		}
	}
	v.Meta = kind + " · added by " + by + " on " + d.CreatedAt.In(loc).Format("2 Jan 2006")
	for _, id := range d.MeetingIDs {
		if w, ok := when[id]; ok {
			v.Readings = append(v.Readings, meetingChoice{ID: id, When: w})
		}
	}
	return v
}

// handleDocumentUpload stores a file as it arrives: the form's parts are
// read in order (the title, file_title, comes before the file), and the file
// goes to the database a piece at a time, never whole in memory.
func (s *Server) handleDocumentUpload(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	allowSlowTransfer(w)
	circleID := r.PathValue("circleID")
	up := &roundtable.DocumentUpload{CircleID: circleID, Body: http.NoBody}
	body := &recordingReader{}
	doc, err := s.uploadParts(r, up, body)
	if err == nil {
		return s.notice(w, r, "/circles/"+url.PathEscape(circleID)+"/documents", "“"+doc.Title+"” is shared with your circle.")
	}
	ff := newForm(url.Values{"file_title": {up.Title}}, "file_title", "file")
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig) || errors.As(body.err, &tooBig):
		ff.add("file", "This file is larger than "+roundtable.ByteSize(roundtable.MaxDocumentSize)+". Upload a smaller file, or share a link to it instead.")
		ff.finish("")
	case body.err != nil:
		// The browser's form broke off or could not be read; the service
		// kept nothing of it.
		s.renderBodyError(w, r, body.err)
		return nil
	case ff.fail(renameFields(err, map[string]string{"title": "file_title"})):
		// Read the rest of what the browser sends, so it sees the reason
		// rather than a closed connection; the body's bound stops this.
		io.Copy(io.Discard, r.Body)
	default:
		return err
	}
	return s.renderDocuments(w, r, http.StatusUnprocessableEntity, ff, newForm(nil, "link_title", "link_url"))
}

// uploadParts reads the upload form's parts and hands the file to the
// service as it arrives, through body, which keeps any error reading the
// request. Without a file the service is still asked: it checks who asks
// before it says a file is missing.
func (s *Server) uploadParts(r *http.Request, up *roundtable.DocumentUpload, body *recordingReader) (*roundtable.Document, error) {
	mr, err := r.MultipartReader()
	for err == nil {
		var part *multipart.Part
		if part, err = mr.NextPart(); err != nil {
			break
		}
		switch part.FormName() {
		case "file_title":
			body.r = io.LimitReader(part, 4<<10)
			b, _ := io.ReadAll(body)
			up.Title = string(b)
		case "file":
			if part.FileName() == "" {
				continue // the picker was left empty
			}
			body.r = part
			up.FileName, up.Body = part.FileName(), body
			return s.svc.Documents.UploadDocument(r.Context(), up)
		}
	}
	if err != nil && err != io.EOF && err != http.ErrNotMultipart && body.err == nil {
		body.err = err
	}
	if body.err != nil {
		return nil, body.err
	}
	return s.svc.Documents.UploadDocument(r.Context(), up)
}

// recordingReader reads r and keeps the first error other than the end.
type recordingReader struct {
	r   io.Reader
	err error
}

func (b *recordingReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF && b.err == nil {
		b.err = err
	}
	return n, err
}

// renameFields returns a validation error with its fields renamed, for a
// page with two forms that share field names.
func renameFields(err error, names map[string]string) error {
	fields := roundtable.ErrorFields(err)
	if len(fields) == 0 {
		return err
	}
	out := map[string]string{}
	for k, v := range fields {
		if n, ok := names[k]; ok {
			k = n
		}
		out[k] = v
	}
	return &roundtable.Error{Code: roundtable.ErrorCode(err), Message: roundtable.ErrorMessage(err), Fields: out}
}

// handleDocumentLink adds a link.
func (s *Server) handleDocumentLink(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	circleID := r.PathValue("circleID")
	lf := newForm(r.PostForm, "link_title", "link_url")
	d := &roundtable.Document{CircleID: circleID, Title: lf.Get("link_title"), URL: lf.Get("link_url")}
	err := s.svc.Documents.AddLink(r.Context(), d)
	if err == nil {
		return s.notice(w, r, "/circles/"+url.PathEscape(circleID)+"/documents", "“"+d.Title+"” is shared with your circle.")
	}
	if !lf.fail(renameFields(err, map[string]string{"title": "link_title", "url": "link_url"})) {
		return err
	}
	return s.renderDocuments(w, r, http.StatusUnprocessableEntity, newForm(nil, "file_title", "file"), lf)
}

// handleDocumentDownload sends a file to a member of its circle, read from
// the database a piece at a time. Images and PDF open in the browser;
// everything else downloads, so no file is ever run as a page of this site.
func (s *Server) handleDocumentDownload(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	d, rc, err := s.svc.Documents.OpenDocument(r.Context(), r.PathValue("documentID"))
	if err != nil {
		return err
	}
	defer rc.Close()
	disposition := "attachment"
	if d.Inline() {
		disposition = "inline"
	}
	value := mime.FormatMediaType(disposition, map[string]string{"filename": d.FileName})
	if value == "" {
		value = disposition
	}
	h := w.Header()
	h.Set("Content-Type", d.ContentType)
	h.Set("Content-Length", strconv.FormatInt(d.Size, 10))
	h.Set("Content-Disposition", value)
	h.Set("X-Content-Type-Options", "nosniff")
	// The pages' policy forbids plugins (object-src 'none'), which would
	// keep browsers from showing a PDF; a file runs no script either way.
	h.Set("Content-Security-Policy", documentPolicy)
	h.Set("Cache-Control", "private, no-store")
	h.Set("Last-Modified", d.CreatedAt.UTC().Format(http.TimeFormat))
	if r.Method == http.MethodHead {
		return nil // the headers alone: no piece is read
	}
	allowSlowTransfer(w)
	if _, err := io.Copy(w, rc); err != nil {
		// The status is sent: the browser sees a broken download.
		s.log.Warn("document download broke off", "document", d.ID, "err", err)
	}
	return nil
}

// transferTime is how long a file may take to arrive or to leave: 20 MB on a
// line of 12 KB/s. The server's limits (a minute to read a request and to
// write its answer) suit pages, and would cut off a large file on a slow
// line. It stays below the hour after which an upload still arriving is
// taken for abandoned and removed (sqldb's staleUpload).
const transferTime = 30 * time.Minute

// allowSlowTransfer gives a signed-in member's upload or download
// transferTime to read the request and write the answer.
func allowSlowTransfer(w http.ResponseWriter) {
	rc := http.NewResponseController(w)
	deadline := time.Now().Add(transferTime)
	// A writer that cannot set deadlines (a test's recorder) has none to lift.
	rc.SetReadDeadline(deadline)
	rc.SetWriteDeadline(deadline)
}

// documentPolicy is the Content-Security-Policy of a served file: nothing
// but the file itself, shown by the browser's own viewer.
const documentPolicy = "default-src 'none'; img-src 'self'; object-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'; form-action 'none'; base-uri 'none'"

// handleDocumentAttach makes a document a reading for a meeting.
func (s *Server) handleDocumentAttach(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	id := r.PathValue("documentID")
	meetingID := r.PostForm.Get("meeting_id")
	if err := s.svc.Documents.AttachDocument(r.Context(), id, meetingID); err != nil {
		return err
	}
	return s.notice(w, r, localPath(r.PostForm.Get("back"), "/meetings/"+url.PathEscape(meetingID)),
		"The document is a reading for the meeting. It goes out with the reminder a week before.")
}

// documentAttachPage asks which meeting a document is a reading for.
type documentAttachPage struct {
	layoutData
	Document *roundtable.Document
	Meetings []meetingChoice
	Zone     string
	// Open is set when some coming meeting does not have it as a reading
	// yet: only then is there a choice to make.
	Open bool
}

// handleDocumentAttachChoose shows the circle's coming meetings to choose
// from, the next one first.
func (s *Server) handleDocumentAttachChoose(w http.ResponseWriter, r *http.Request) error {
	u, err := requireUser(r)
	if err != nil {
		return err
	}
	d, ms, err := s.svc.Documents.FindDocumentMeetings(r.Context(), r.PathValue("documentID"))
	if err != nil {
		return err
	}
	loc, now := u.Location(), s.now()
	page := &documentAttachPage{layoutData: layoutData{Title: "Make it a reading", Nav: "home"}, Document: d, Zone: zoneName(loc)}
	for _, m := range ms {
		page.Meetings = append(page.Meetings, meetingChoice{ID: m.ID, When: meetingWhen(m.StartsAt, m.EndsAt(), loc, now),
			Attached: slices.Contains(d.MeetingIDs, m.ID)})
	}
	for i := range page.Meetings {
		if !page.Meetings[i].Attached {
			page.Meetings[i].Checked, page.Open = true, true
			break
		}
	}
	s.render(w, r, http.StatusOK, "document_attach", page)
	return nil
}

// handleDocumentDetach takes a document off a meeting's readings.
func (s *Server) handleDocumentDetach(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	meetingID := r.PostForm.Get("meeting_id")
	if err := s.svc.Documents.DetachDocument(r.Context(), r.PathValue("documentID"), meetingID); err != nil {
		return err
	}
	return s.notice(w, r, localPath(r.PostForm.Get("back"), "/meetings/"+url.PathEscape(meetingID)),
		"The document is no longer a reading for the meeting; it stays in the circle's documents.")
}

// documentDeletePage asks once before a document is removed.
type documentDeletePage struct {
	layoutData
	Document *roundtable.Document
	Added    string
	IsFile   bool
}

// handleDocumentDeleteConfirm asks before removing a document.
func (s *Server) handleDocumentDeleteConfirm(w http.ResponseWriter, r *http.Request) error {
	u, err := requireUser(r)
	if err != nil {
		return err
	}
	d, err := s.svc.Documents.FindDocument(r.Context(), r.PathValue("documentID"))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "document_delete", &documentDeletePage{
		layoutData: layoutData{Title: "Remove " + d.Title, Nav: "home"},
		Document:   d, Added: d.CreatedAt.In(u.Location()).Format("2 January 2006"), IsFile: d.Kind == roundtable.DocumentFile,
	})
	return nil
}

// handleDocumentDelete removes a document.
func (s *Server) handleDocumentDelete(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	d, err := s.svc.Documents.FindDocument(r.Context(), r.PathValue("documentID"))
	if err != nil {
		return err
	}
	if err := s.svc.Documents.DeleteDocument(r.Context(), d.ID); err != nil {
		return err
	}
	return s.notice(w, r, "/circles/"+url.PathEscape(d.CircleID)+"/documents", "“"+d.Title+"” is removed.")
}
