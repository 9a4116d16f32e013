package sqldb_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/sqldb"
	"github.com/roundtable/roundtable/internal/sqldb/sqldbtest"
)

// pdfFile returns n bytes that start like a PDF, with text in them and
// random bytes after.
func pdfFile(n int, text string) []byte {
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(uint64(n), 7))
	for i := range b {
		b[i] = byte(r.IntN(256))
	}
	copy(b, "%PDF-1.7\n% "+text+"\n")
	return b
}

// docEnv is a test's database with the documents service, and a quota.
func docEnv(t *testing.T, engine string, quota int64) (*env, *sqldb.DocumentService) {
	e := newEnv(t, engine)
	if quota > 0 {
		db := sqldbtest.OpenWith(t, engine, sqldb.Config{Now: e.clock.Now, BaseURL: "https://rt.example", DocumentQuota: quota})
		e = &env{t: t, db: db, clock: e.clock, users: sqldb.NewUserService(db), auth: sqldb.NewAuthService(db),
			programs: sqldb.NewProgramService(db), applicants: sqldb.NewApplicantService(db), circles: sqldb.NewCircleService(db),
			meetings: sqldb.NewMeetingService(db), outbox: sqldb.NewOutbox(db), mailer: &recorder{}}
	}
	return e, sqldb.NewDocumentService(e.db)
}

// upload uploads body as name to circle c.
func upload(ctx context.Context, s *sqldb.DocumentService, circleID, title, name string, body []byte) (*roundtable.Document, error) {
	return s.UploadDocument(ctx, &roundtable.DocumentUpload{CircleID: circleID, Title: title, FileName: name, Body: bytes.NewReader(body)})
}

// readAll opens a document and reads it whole.
func readAll(t *testing.T, ctx context.Context, s *sqldb.DocumentService, id string) (*roundtable.Document, []byte) {
	t.Helper()
	d, rc, err := s.OpenDocument(ctx, id)
	must(t, err)
	defer rc.Close()
	b, err := io.ReadAll(rc)
	must(t, err)
	return d, b
}

// wantNothingStored checks that circle c has no document rows and that no
// pieces are left.
func wantNothingStored(t *testing.T, e *env, circleID string) {
	t.Helper()
	docs, chunks, err := sqldb.DocumentRowsForTest(context.Background(), e.db, circleID)
	must(t, err)
	if docs != 0 || chunks != 0 {
		t.Errorf("got %d documents and %d pieces stored, want none", docs, chunks)
	}
}

func TestDocumentService_UploadDocument(t *testing.T) {
	t.Run("RoundTrip", func(t *testing.T) {
		forEachEngine(t, func(t *testing.T, e *env) {
			s := sqldb.NewDocumentService(e.db)
			w := e.world()
			body := pdfFile(2*sqldb.ChunkSizeForTest+1234, "board pack")
			d, err := upload(as(w.member), s, w.a.ID, "", "Board pack.pdf", body)
			must(t, err)
			if d.Title != "Board pack" || d.ContentType != "application/pdf" || d.Size != int64(len(body)) {
				t.Errorf("got %q %q %d, want the name without extension, application/pdf, %d bytes", d.Title, d.ContentType, d.Size, len(body))
			}
			got, b := readAll(t, as(w.fac), s, d.ID)
			if !bytes.Equal(b, body) {
				t.Fatalf("got %d bytes back, want the %d uploaded", len(b), len(body))
			}
			if got.FileName != "Board pack.pdf" || got.AddedByName != w.member.Name || !got.Inline() {
				t.Errorf("got %q by %q inline %v, want Board pack.pdf by %q, inline", got.FileName, got.AddedByName, got.Inline(), w.member.Name)
			}
			sh, err := s.FindDocumentShelf(as(w.member), w.a.ID, 1)
			must(t, err)
			if len(sh.Documents) != 1 || sh.Used != int64(len(body)) || sh.Quota != roundtable.DefaultDocumentQuota {
				t.Errorf("got %d documents, %d used of %d, want 1, %d of the default", len(sh.Documents), sh.Used, sh.Quota, len(body))
			}
		})
	})
	t.Run("TitleOfNameWithoutStem", func(t *testing.T) {
		forEachEngine(t, func(t *testing.T, e *env) {
			s := sqldb.NewDocumentService(e.db)
			w := e.world()
			// A file called just ".pdf" (or "  .pdf") still needs a title
			// to be listed and linked by.
			for _, name := range []string{".pdf", "  .pdf"} {
				d, err := upload(as(w.member), s, w.a.ID, "", name, pdfFile(100, "stem"))
				must(t, err)
				if d.Title != ".pdf" {
					t.Errorf("%q: got title %q, want the file's name %q", name, d.Title, ".pdf")
				}
			}
		})
	})
	t.Run("ErrWrongType", func(t *testing.T) {
		forEachEngine(t, func(t *testing.T, e *env) {
			s := sqldb.NewDocumentService(e.db)
			w := e.world()
			for _, f := range []struct{ name, body string }{
				{"notes.pdf", "<html><script>alert(1)</script></html>"},
				{"setup.exe", "MZ\x90\x00binary"},
				{"drawing.svg", "<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"},
				{"photo.png", "%PDF-1.7 not a picture"},
				{"empty.pdf", ""},
			} {
				_, err := upload(as(w.member), s, w.a.ID, "", f.name, []byte(f.body))
				wantCode(t, err, roundtable.EINVALID)
				if roundtable.ErrorFields(err)["file"] == "" {
					t.Errorf("%s: got no reason on the file field (%v), want one", f.name, err)
				}
			}
			wantNothingStored(t, e, w.a.ID)
		})
	})
	t.Run("ErrTooBig", func(t *testing.T) {
		forEachEngine(t, func(t *testing.T, e *env) {
			s := sqldb.NewDocumentService(e.db)
			w := e.world()
			big := io.MultiReader(strings.NewReader("%PDF-1.7\n"), io.LimitReader(zeros{}, roundtable.MaxDocumentSize))
			_, err := s.UploadDocument(as(w.member), &roundtable.DocumentUpload{CircleID: w.a.ID, FileName: "huge.pdf", Body: big})
			wantCode(t, err, roundtable.EINVALID)
			if msg := roundtable.ErrorFields(err)["file"]; !strings.Contains(msg, "larger than 20 MB") {
				t.Errorf("got reason %q, want it to say larger than 20 MB", msg)
			}
			wantNothingStored(t, e, w.a.ID)
		})
	})
	t.Run("ErrBodyCutShort", func(t *testing.T) {
		forEachEngine(t, func(t *testing.T, e *env) {
			s := sqldb.NewDocumentService(e.db)
			w := e.world()
			cut := io.MultiReader(bytes.NewReader(pdfFile(2*sqldb.ChunkSizeForTest+10, "cut")), failingReader{io.ErrUnexpectedEOF})
			_, err := s.UploadDocument(as(w.member), &roundtable.DocumentUpload{CircleID: w.a.ID, FileName: "cut.pdf", Body: cut})
			if err == nil || !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("got %v, want the reading error", err)
			}
			wantNothingStored(t, e, w.a.ID)
		})
	})
	t.Run("ErrOverQuota", func(t *testing.T) {
		t.Parallel()
		for _, engine := range sqldbtest.Engines(t) {
			t.Run(engine, func(t *testing.T) {
				e, s := docEnv(t, engine, 1<<20)
				w := e.world()
				first, err := upload(as(w.member), s, w.a.ID, "First", "first.pdf", pdfFile(700<<10, "first"))
				must(t, err)
				_, err = upload(as(w.fac), s, w.a.ID, "Second", "second.pdf", pdfFile(700<<10, "second"))
				wantCode(t, err, roundtable.EINVALID)
				if msg := roundtable.ErrorFields(err)["file"]; !strings.Contains(msg, "1 MB together") {
					t.Errorf("got reason %q, want the quota named", msg)
				}
				sh, err := s.FindDocumentShelf(as(w.member), w.a.ID, 1)
				must(t, err)
				if len(sh.Documents) != 1 || sh.Documents[0].ID != first.ID {
					t.Errorf("got %d documents, want the first alone", len(sh.Documents))
				}
				docs, chunks, err := sqldb.DocumentRowsForTest(context.Background(), e.db, w.a.ID)
				must(t, err)
				if docs != 1 || chunks != 3 {
					t.Errorf("got %d documents and %d pieces, want the first's 1 and 3", docs, chunks)
				}
			})
		}
	})
	t.Run("ErrOutsiders", func(t *testing.T) {
		forEachEngine(t, func(t *testing.T, e *env) {
			s := sqldb.NewDocumentService(e.db)
			w := e.world()
			d, err := upload(as(w.member), s, w.a.ID, "Secret", "secret.pdf", pdfFile(1000, "secret"))
			must(t, err)
			for name, ctx := range w.outsiders() {
				if _, err := upload(ctx, s, w.a.ID, "", "x.pdf", pdfFile(100, "x")); roundtable.ErrorCode(err) == "" {
					t.Errorf("%s: upload got no error, want one", name)
				}
				if _, _, err := s.OpenDocument(ctx, d.ID); roundtable.ErrorCode(err) != roundtable.ENOTFOUND && roundtable.ErrorCode(err) != roundtable.EUNAUTHORIZED {
					t.Errorf("%s: open got %v, want not found", name, err)
				}
				if _, err := s.FindDocumentShelf(ctx, w.a.ID, 1); err == nil {
					t.Errorf("%s: got the shelf, want an error", name)
				}
				if err := s.DeleteDocument(ctx, d.ID); err == nil {
					t.Errorf("%s: deleted, want an error", name)
				}
				if err := s.AttachDocument(ctx, d.ID, w.meeting.ID); err == nil {
					t.Errorf("%s: attached, want an error", name)
				}
			}
			// Before the ground rules: no documents.
			_, _, err = s.OpenDocument(as(w.pending), d.ID)
			if code := roundtable.ErrorCode(err); code != roundtable.EGROUNDRULES && code != roundtable.ENOTFOUND {
				t.Errorf("pending member: got %v, want the ground rules first", err)
			}
		})
	})
}

// failingReader fails every read with err.
type failingReader struct{ err error }

func (f failingReader) Read([]byte) (int, error) { return 0, f.err }

// zeros reads zero bytes forever.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func TestDocumentService_AddLink(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		s := sqldb.NewDocumentService(e.db)
		w := e.world()
		for _, bad := range []roundtable.Document{
			{Title: "", URL: "https://example.org/a"},
			{Title: "Script", URL: "javascript:alert(1)"},
			{Title: "No host", URL: "https://"},
			{Title: "Spaces", URL: "https://example.org/a b"},
		} {
			bad.CircleID = w.a.ID
			wantCode(t, s.AddLink(as(w.member), &bad), roundtable.EINVALID)
		}
		wantNothingStored(t, e, w.a.ID)
		l := &roundtable.Document{CircleID: w.a.ID, Title: "On delegation", URL: "https://hbr.example/delegation"}
		must(t, s.AddLink(as(w.member), l))
		sh, err := s.FindDocumentShelf(as(w.fac), w.a.ID, 1)
		must(t, err)
		if len(sh.Documents) != 1 || sh.Documents[0].URL != l.URL || sh.Documents[0].Href() != l.URL || sh.Used != 0 {
			t.Fatalf("got %+v, want the link", sh.Documents)
		}
		if _, _, err := s.OpenDocument(as(w.member), l.ID); roundtable.ErrorCode(err) != roundtable.ENOTFOUND {
			t.Errorf("open a link: got %v, want not found", err)
		}
		// Her export holds what she shared; the facilitator's does not.
		x, err := sqldb.NewExportService(e.db).ExportMyData(as(w.member))
		must(t, err)
		if len(x.Documents) != 1 || x.Documents[0].Title != l.Title || x.Documents[0].URL != l.URL || x.Documents[0].Circle != w.a.Name {
			t.Errorf("got exported documents %+v, want the link", x.Documents)
		}
		if x, err := sqldb.NewExportService(e.db).ExportMyData(as(w.fac)); err != nil || len(x.Documents) != 0 {
			t.Errorf("got the facilitator's export with %d documents (%v), want none", len(x.Documents), err)
		}
	})
}

func TestDocumentService_DeleteDocument(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		s := sqldb.NewDocumentService(e.db)
		w := e.world()
		other := e.member(w.a, "Ola Other", "ola@example.org")
		d, err := upload(as(w.member), s, w.a.ID, "", "pack.pdf", pdfFile(sqldb.ChunkSizeForTest+1, "pack"))
		must(t, err)
		must(t, s.AttachDocument(as(w.member), d.ID, w.meeting.ID))
		wantCode(t, s.DeleteDocument(as(other), d.ID), roundtable.EFORBIDDEN)
		must(t, s.DeleteDocument(as(w.fac), d.ID))
		wantNothingStored(t, e, w.a.ID)
		pg, err := e.circles.FindMeetingPage(as(w.member), w.meeting.ID)
		must(t, err)
		if len(pg.Readings) != 0 {
			t.Errorf("got %d readings, want none after the document is gone", len(pg.Readings))
		}
		// Nor in the reminder a week before, nor in her calendar.
		msg, _, err := sqldb.RenderForTest(context.Background(), e.db,
			sqldb.JobForTest{Kind: sqldb.KindReminderWeek, MeetingID: w.meeting.ID, UserID: w.member.ID, Sequence: w.meeting.Sequence})
		must(t, err)
		cal := sqldb.NewCalendarService(e.db)
		secret, err := cal.FeedSecret(as(w.member))
		must(t, err)
		feed, err := cal.Feed(anon, secret)
		must(t, err)
		for where, text := range map[string]string{"reminder": msg.Text + msg.HTML, "calendar feed": strings.ReplaceAll(string(feed), "\r\n ", "")} {
			if strings.Contains(text, d.ID) {
				t.Errorf("the %s still names the removed document", where)
			}
		}
	})
}

func TestDocumentService_AttachDocument(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		s := sqldb.NewDocumentService(e.db)
		w := e.world()
		d, err := upload(as(w.member), s, w.a.ID, "Case notes", "case.docx", append([]byte("PK\x03\x04"), make([]byte, 600)...))
		must(t, err)
		l := &roundtable.Document{CircleID: w.a.ID, Title: "Article", URL: "https://example.org/article"}
		must(t, s.AddLink(as(w.member), l))
		// Another circle's meeting is no choice.
		other := &roundtable.Meeting{CircleID: w.b.ID, StartsAt: start.Add(48 * time.Hour), Minutes: 60, VideoURL: "https://meet.example/b"}
		must(t, e.meetings.CreateMeeting(as(w.otherFac), other))
		wantCode(t, s.AttachDocument(as(w.member), d.ID, other.ID), roundtable.EINVALID)

		must(t, s.AttachDocument(as(w.member), d.ID, w.meeting.ID))
		must(t, s.AttachDocument(as(w.member), d.ID, w.meeting.ID)) // twice changes nothing
		must(t, s.AttachDocument(as(w.fac), l.ID, w.meeting.ID))
		pg, err := e.circles.FindMeetingPage(as(w.member), w.meeting.ID)
		must(t, err)
		if len(pg.Readings) != 2 || pg.Readings[0].Title != "Case notes" || pg.Readings[1].Title != "Article" {
			t.Fatalf("got %d readings, want Case notes then Article", len(pg.Readings))
		}
		if pg.Readings[0].Inline() {
			t.Errorf("got a Word file shown inline, want it downloaded")
		}

		msg, why, err := sqldb.RenderForTest(context.Background(), e.db,
			sqldb.JobForTest{Kind: sqldb.KindReminderWeek, MeetingID: w.meeting.ID, UserID: w.member.ID, Sequence: w.meeting.Sequence})
		must(t, err)
		if why != "" {
			t.Fatalf("reminder dropped: %s", why)
		}
		for _, want := range []string{"Case notes: https://rt.example/documents/" + d.ID, "Article: https://example.org/article"} {
			if !strings.Contains(msg.Text, want) {
				t.Errorf("reminder text lacks %q:\n%s", want, msg.Text)
			}
		}
		if !strings.Contains(msg.HTML, `href="https://rt.example/documents/`+d.ID+`"`) {
			t.Errorf("reminder HTML lacks the link to the file")
		}

		cal := sqldb.NewCalendarService(e.db)
		secret, err := cal.FeedSecret(as(w.member))
		must(t, err)
		feed, err := cal.Feed(anon, secret)
		must(t, err)
		if unfolded := strings.ReplaceAll(string(feed), "\r\n ", ""); !strings.Contains(unfolded, "Case notes: https://rt.example/documents/"+d.ID) {
			t.Errorf("calendar feed lacks the reading:\n%s", unfolded)
		}

		must(t, s.DetachDocument(as(w.member), l.ID, w.meeting.ID))
		sh, err := s.FindDocumentShelf(as(w.member), w.a.ID, 1)
		must(t, err)
		for _, doc := range sh.Documents {
			if want := map[string]int{d.ID: 1, l.ID: 0}[doc.ID]; len(doc.MeetingIDs) != want {
				t.Errorf("%s: got %d meetings, want %d", doc.Title, len(doc.MeetingIDs), want)
			}
		}
	})
}

func TestDocumentService_FindDocumentShelf(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		s := sqldb.NewDocumentService(e.db)
		w := e.world()
		n := roundtable.DocumentsPerPage + 5
		for i := range n {
			e.clock.Add(time.Second)
			must(t, s.AddLink(as(w.member), &roundtable.Document{CircleID: w.a.ID, Title: fmt.Sprintf("Link %d", i), URL: "https://example.org/" + strconv.Itoa(i)}))
		}
		for _, c := range []struct {
			ask, page, count int
			first            string
		}{
			{0, 1, roundtable.DocumentsPerPage, fmt.Sprintf("Link %d", n-1)},
			{2, 2, 5, "Link 4"},
			{99, 2, 5, "Link 4"},
		} {
			sh, err := s.FindDocumentShelf(as(w.member), w.a.ID, c.ask)
			must(t, err)
			if sh.Page != c.page || sh.Pages != 2 || sh.Total != n || len(sh.Documents) != c.count || sh.Documents[0].Title != c.first {
				t.Errorf("page %d: got page %d of %d, %d of %d documents, first %q; want page %d of 2, %d of %d, first %q",
					c.ask, sh.Page, sh.Pages, len(sh.Documents), sh.Total, sh.Documents[0].Title, c.page, c.count, n, c.first)
			}
		}
	})
}

// TestDocumentService_AccountDeletion: what she shared stays with her
// circle, shown as a former member's.
func TestDocumentService_AccountDeletion(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		s := sqldb.NewDocumentService(e.db)
		w := e.world()
		d, err := upload(as(w.member), s, w.a.ID, "Her pack", "pack.pdf", pdfFile(2000, "pack"))
		must(t, err)
		tok, err := e.auth.StartSession(sys, w.member.ID, roundtable.SessionStart{})
		must(t, err)
		must(t, sqldb.NewAccountDeletionService(e.db).DeleteMyAccount(as(w.member), tok, "a long enough password"))
		got, b := readAll(t, as(w.fac), s, d.ID)
		if got.Title != "Her pack" || got.AddedByName != roundtable.FormerMemberName || len(b) != 2000 {
			t.Errorf("got %q by %q, %d bytes; want her pack, by %q, whole", got.Title, got.AddedByName, len(b), roundtable.FormerMemberName)
		}
	})
}

// meetAtEnd reads r, and at its end waits for the other uploads of the
// group to reach theirs, so their last steps run at once.
type meetAtEnd struct {
	r     io.Reader
	group *sync.WaitGroup
	once  sync.Once
}

func (m *meetAtEnd) Read(p []byte) (int, error) {
	n, err := m.r.Read(p)
	if err == io.EOF {
		m.once.Do(func() {
			m.group.Done()
			m.group.Wait()
		})
	}
	return n, err
}

// TestDocumentService_UploadDocument_QuotaRace: two members upload at once
// into room for one file; the circle never ends up over its quota.
func TestDocumentService_UploadDocument_QuotaRace(t *testing.T) {
	for _, engine := range sqldbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e, s := docEnv(t, engine, 1<<20)
			w := e.world()
			var group, done sync.WaitGroup
			group.Add(2)
			errs := make([]error, 2)
			for i, who := range []*roundtable.User{w.member, w.fac} {
				done.Add(1)
				go func() {
					defer done.Done()
					// Whole pieces: after the wait comes the last step alone.
					body := &meetAtEnd{r: bytes.NewReader(pdfFile(3*sqldb.ChunkSizeForTest, "race")), group: &group}
					_, errs[i] = s.UploadDocument(as(who), &roundtable.DocumentUpload{CircleID: w.a.ID, FileName: "race.pdf", Body: body})
				}()
			}
			done.Wait()
			sh, err := s.FindDocumentShelf(as(w.member), w.a.ID, 1)
			must(t, err)
			if sh.Used > sh.Quota || sh.Total != 1 {
				t.Errorf("got %d documents taking %d of a %d quota (errors %v), want one, within the quota", sh.Total, sh.Used, sh.Quota, errs)
			}
			if code := roundtable.ErrorCode(errors.Join(errs...)); code != roundtable.EINVALID {
				t.Errorf("got errors %v, want the quota's reason for one", errs)
			}
			if docs, chunks, err := sqldb.DocumentRowsForTest(context.Background(), e.db, w.a.ID); err != nil || docs != 1 || chunks != 3 {
				t.Errorf("got %d documents and %d pieces (%v), want the one stored and its 3", docs, chunks, err)
			}
		})
	}
}

// TestDocumentService_AbandonedUploads: what an upload cut off by a crash
// left goes with the day's housekeeping once it is old enough, even if
// nobody uploads again; an upload still arriving stays.
func TestDocumentService_AbandonedUploads(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		w := e.world()
		must(t, sqldb.AbandonUploadForTest(ctx, e.db, w.a.ID))
		e.clock.Add(2 * time.Hour)
		must(t, sqldb.AbandonUploadForTest(ctx, e.db, w.b.ID)) // still arriving
		must(t, e.outbox.ScheduleHousekeeping(ctx))
		e.deliver()
		if docs, _, err := sqldb.DocumentRowsForTest(ctx, e.db, w.a.ID); err != nil || docs != 0 {
			t.Errorf("got %d abandoned uploads left (%v), want none", docs, err)
		}
		if docs, chunks, err := sqldb.DocumentRowsForTest(ctx, e.db, w.b.ID); err != nil || docs != 1 || chunks != 1 {
			t.Errorf("got %d uploads arriving with %d pieces (%v), want the one still arriving, whole", docs, chunks, err)
		}
	})
}

// onEnd reads r and calls fn once when r ends, before saying so.
type onEnd struct {
	r    io.Reader
	fn   func()
	done bool
}

func (o *onEnd) Read(p []byte) (int, error) {
	n, err := o.r.Read(p)
	if err == io.EOF && !o.done {
		o.done = true
		o.fn()
	}
	return n, err
}

// TestDocumentService_UploadDocument_OutlivedStale: an upload taken for
// abandoned and removed while still arriving is never reported stored.
func TestDocumentService_UploadDocument_OutlivedStale(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		s := sqldb.NewDocumentService(e.db)
		w := e.world()
		body := &onEnd{r: bytes.NewReader(pdfFile(sqldb.ChunkSizeForTest, "slow")), fn: func() {
			e.clock.Add(2 * time.Hour)
			must(t, e.outbox.ScheduleHousekeeping(ctx))
			e.deliver()
		}}
		d, err := s.UploadDocument(as(w.member), &roundtable.DocumentUpload{CircleID: w.a.ID, FileName: "slow.pdf", Body: body})
		if err == nil {
			_, _, err := s.OpenDocument(as(w.member), d.ID)
			t.Fatalf("got the upload stored, yet opening it says %v; want a refusal", err)
		}
		wantCode(t, err, roundtable.EINVALID)
		wantNothingStored(t, e, w.a.ID)
	})
}
