package web

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
)

// docWorld is a circle with a member, a facilitator, a coming meeting, and
// outsiders: a member of another circle and the organizer.
type docWorld struct {
	a                   *app
	circle              *roundtable.Circle
	member, fac         *roundtable.User
	outsider, organizer *roundtable.User
	meeting             *roundtable.Meeting
}

func newDocWorld(t *testing.T) *docWorld {
	a := newApp(t)
	org := a.user("org@example.org", "Olga Organizer", true)
	p := a.program(org, "Docs Program")
	c := a.circle(org, p, "Circle A")
	cb := a.circle(org, p, "Circle B")
	w := &docWorld{a: a, circle: c, organizer: org}
	w.member = a.member(org, c, a.applicant(org, p, "mia@example.org", "Mia Member", "Goals.", true), "Europe/Paris")
	w.outsider = a.member(org, cb, a.applicant(org, p, "bo@example.org", "Bo Other", "Goals.", true), "Europe/Paris")
	w.fac = a.facilitator(org, c, "fay@example.org", "Fay Fac")
	w.meeting = &roundtable.Meeting{CircleID: c.ID, StartsAt: time.Now().Add(72 * time.Hour).Truncate(time.Minute), Minutes: 90,
		VideoURL: "https://video.example/a"}
	if err := a.svc.Meetings.CreateMeeting(as(w.fac), w.meeting); err != nil {
		t.Fatal(err)
	}
	return w
}

// uploadForm is a multipart body with a title and a file, in page order.
func uploadForm(title, name string, content []byte) (*bytes.Buffer, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("file_title", title)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(content)
	mw.Close()
	return &buf, mw.FormDataContentType()
}

func (w *docWorld) upload(b *browser, title, name string, content []byte) *response {
	body, ct := uploadForm(title, name, content)
	return b.do(http.MethodPost, "/circles/"+w.circle.ID+"/documents/files", body, ct)
}

func TestDocuments_UploadAndDownload(t *testing.T) {
	w := newDocWorld(t)
	b := w.a.browser().signInAs(w.member)
	pdf := []byte("%PDF-1.7\nquarterly figures\n%%EOF")
	r := w.upload(b, "Quarterly figures", "figures.pdf", pdf).want(t, http.StatusSeeOther)
	b.follow(r).want(t, http.StatusOK).contains(t, "Quarterly figures", "PDF, 32 bytes", "Mia Member", `role="status"`, "Only your circle can see this")
	w.upload(b, "", "Case notes.docx", append([]byte("PK\x03\x04"), make([]byte, 100)...)).want(t, http.StatusSeeOther)

	sh, err := w.a.svc.Documents.FindDocumentShelf(as(w.member), w.circle.ID, 1)
	if err != nil || len(sh.Documents) != 2 {
		t.Fatalf("got %v, %v; want two documents", sh, err)
	}
	docx, pdfDoc := sh.Documents[0], sh.Documents[1]

	got := w.a.browser().signInAs(w.fac).get("/documents/"+pdfDoc.ID).want(t, http.StatusOK)
	if got.Body != string(pdf) {
		t.Errorf("got body %q, want the file", got.Body)
	}
	for k, want := range map[string]string{
		"Content-Type": "application/pdf", "Content-Disposition": `inline; filename=figures.pdf`,
		"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store", "Content-Security-Policy": documentPolicy,
	} {
		if v := got.Header.Get(k); v != want {
			t.Errorf("%s: got %q, want %q", k, v, want)
		}
	}
	got = b.get("/documents/"+docx.ID).want(t, http.StatusOK)
	if ct, cd := got.Header.Get("Content-Type"), got.Header.Get("Content-Disposition"); !strings.Contains(ct, "wordprocessingml") ||
		cd != `attachment; filename="Case notes.docx"` {
		t.Errorf("got %q, %q; want a Word type, as an attachment", ct, cd)
	}
}

func TestDocuments_UploadRefused(t *testing.T) {
	w := newDocWorld(t)
	b := w.a.browser().signInAs(w.member)
	for _, f := range []struct{ name, body, reason string }{
		{"page.pdf", "<html><script>alert(1)</script>", "does not look like a PDF file"},
		{"tool.exe", "MZ\x90\x00", "Upload a PDF, an office document"},
		{"", "", "Choose a file to upload."},
	} {
		w.upload(b, "Something", f.name, []byte(f.body)).want(t, http.StatusUnprocessableEntity).
			contains(t, f.reason, "There is a problem", `id="f-file"`)
	}
	r := b.post("/circles/"+w.circle.ID+"/documents/links", url.Values{"link_title": {"Bad"}, "link_url": {"javascript:alert(1)"}})
	r.want(t, http.StatusUnprocessableEntity).contains(t, "Enter a full web address")
	sh, err := w.a.svc.Documents.FindDocumentShelf(as(w.member), w.circle.ID, 1)
	if err != nil || len(sh.Documents) != 0 {
		t.Fatalf("got %v documents, %v; want none stored", len(sh.Documents), err)
	}
}

func TestDocuments_Outsiders(t *testing.T) {
	w := newDocWorld(t)
	secret := "%PDF-1.7\nSECRET-CONTENT-1b2c\n"
	w.upload(w.a.browser().signInAs(w.member), "Secret pack", "pack.pdf", []byte(secret)).want(t, http.StatusSeeOther)
	sh, _ := w.a.svc.Documents.FindDocumentShelf(as(w.member), w.circle.ID, 1)
	id := sh.Documents[0].ID
	for name, b := range map[string]*browser{
		"anonymous": w.a.browser(), "other circle": w.a.browser().signInAs(w.outsider), "organizer": w.a.browser().signInAs(w.organizer),
	} {
		for _, path := range []string{"/documents/" + id, "/circles/" + w.circle.ID + "/documents", "/documents/" + id + "/delete"} {
			r := b.get(path)
			if r.Code == http.StatusOK || strings.Contains(r.Body, "SECRET-CONTENT") || strings.Contains(r.Body, "Secret pack") {
				t.Errorf("%s: GET %s got %d with the content, want nothing", name, path, r.Code)
			}
		}
		if r := w.upload(b, "Intruder", "x.pdf", []byte("%PDF-1.7\n")); r.Code == http.StatusSeeOther && !strings.HasPrefix(r.Location, "/signin") {
			t.Errorf("%s: upload got %d, want a refusal", name, r.Code)
		}
	}
	sh, _ = w.a.svc.Documents.FindDocumentShelf(as(w.member), w.circle.ID, 1)
	if len(sh.Documents) != 1 {
		t.Errorf("got %d documents, want the member's one", len(sh.Documents))
	}
}

func TestDocuments_Readings(t *testing.T) {
	w := newDocWorld(t)
	b := w.a.browser().signInAs(w.member)
	b.post("/circles/"+w.circle.ID+"/documents/links", url.Values{"link_title": {"On listening"}, "link_url": {"https://example.org/listening"}}).
		want(t, http.StatusSeeOther)
	sh, _ := w.a.svc.Documents.FindDocumentShelf(as(w.member), w.circle.ID, 1)
	id := sh.Documents[0].ID
	b.get("/circles/"+w.circle.ID+"/documents").want(t, http.StatusOK).contains(t, "Make it a reading", "/documents/"+id+"/attach")
	b.get("/documents/"+id+"/attach").want(t, http.StatusOK).contains(t, "Which meeting is it a reading for?", `name="meeting_id"`, w.meeting.ID, "checked")
	r := b.post("/documents/"+id+"/attach", url.Values{"meeting_id": {w.meeting.ID}, "back": {"/circles/" + w.circle.ID + "/documents"}})
	r.want(t, http.StatusSeeOther)
	b.get("/meetings/"+w.meeting.ID).want(t, http.StatusOK).contains(t, "Readings", `href="https://example.org/listening"`, "On listening", "Take off the readings")
	b.post("/documents/"+id+"/detach", url.Values{"meeting_id": {w.meeting.ID}}).want(t, http.StatusSeeOther)
	b.get("/meetings/"+w.meeting.ID).want(t, http.StatusOK).lacks(t, "On listening")
	// Removing asks once; another member may not remove it.
	other := w.a.browser().signInAs(w.fac)
	other.get("/documents/"+id+"/delete").want(t, http.StatusOK).contains(t, "Remove “On listening”?", "You cannot undo this.")
	other.post("/documents/"+id+"/delete", url.Values{"back": {"/circles/" + w.circle.ID + "/documents"}}).want(t, http.StatusSeeOther)
	b.get("/circles/"+w.circle.ID+"/documents").want(t, http.StatusOK).lacks(t, "On listening")
	b.get("/circles/"+w.circle.ID).want(t, http.StatusOK).contains(t, "/circles/"+w.circle.ID+"/documents")
}

func TestDocuments_UploadTooBig(t *testing.T) {
	w := newDocWorld(t)
	b := w.a.browser().signInAs(w.member)
	big := append([]byte("%PDF-1.7\n"), make([]byte, roundtable.MaxDocumentSize)...)
	w.upload(b, "Too much", "huge.pdf", big).want(t, http.StatusUnprocessableEntity).contains(t, "larger than 20 MB")
	sh, err := w.a.svc.Documents.FindDocumentShelf(as(w.member), w.circle.ID, 1)
	if err != nil || sh.Total != 0 || sh.Used != 0 {
		t.Fatalf("got %d documents, %d bytes (%v); want nothing stored", sh.Total, sh.Used, err)
	}
}

func TestDocuments_UploadBrokenBody(t *testing.T) {
	w := newDocWorld(t)
	b := w.a.browser().signInAs(w.member)
	path := "/circles/" + w.circle.ID + "/documents/files"
	body, ct := uploadForm("Cut short", "cut.pdf", append([]byte("%PDF-1.7\n"), make([]byte, 300<<10)...))
	cut := bytes.NewReader(body.Bytes()[:body.Len()-200<<10]) // no closing boundary
	b.do(http.MethodPost, path, cut, ct).want(t, http.StatusBadRequest).contains(t, "We could not read that")
	b.do(http.MethodPost, path, strings.NewReader("--x\r\nnonsense"), "multipart/form-data").want(t, http.StatusBadRequest)
	b.post(path, url.Values{"file_title": {"No file"}}).want(t, http.StatusUnprocessableEntity).contains(t, "Choose a file to upload.")
	sh, err := w.a.svc.Documents.FindDocumentShelf(as(w.member), w.circle.ID, 1)
	if err != nil || sh.Total != 0 {
		t.Fatalf("got %d documents (%v), want nothing stored", sh.Total, err)
	}
}

// TestDocuments_AttachChooseAllTaken: when the document is a reading for
// every coming meeting already, the page says so rather than offering a
// button that can only fail.
func TestDocuments_AttachChooseAllTaken(t *testing.T) {
	w := newDocWorld(t)
	b := w.a.browser().signInAs(w.member)
	l := &roundtable.Document{CircleID: w.circle.ID, Title: "On trust", URL: "https://example.org/trust"}
	if err := w.a.svc.Documents.AddLink(as(w.member), l); err != nil {
		t.Fatal(err)
	}
	if err := w.a.svc.Documents.AttachDocument(as(w.member), l.ID, w.meeting.ID); err != nil {
		t.Fatal(err)
	}
	b.get("/documents/"+l.ID+"/attach").want(t, http.StatusOK).
		contains(t, "It is a reading for every coming meeting already.").lacks(t, `<button type="submit" class="button">Make it a reading</button>`)
}
