package web

import (
	"bytes"
	"context"
	"net/http"
	"testing"

	"github.com/roundtable/roundtable"
)

// TestRoom_Readings: the meeting's readings are at hand in the room, next
// to the agenda, for the circle's members; never for a guest; gone once
// removed.
func TestRoom_Readings(t *testing.T) {
	w := newRoomWorld(t)
	a, id := w.a, w.meeting.ID
	docs := a.svc.Documents
	link := &roundtable.Document{CircleID: w.circle.ID, Title: "On listening (article)", URL: "https://example.org/listening"}
	if err := docs.AddLink(as(w.ny), link); err != nil {
		t.Fatal(err)
	}
	file, err := docs.UploadDocument(as(w.tokyo), &roundtable.DocumentUpload{CircleID: w.circle.ID, Title: "Case pack",
		FileName: "case.pdf", Body: bytes.NewReader([]byte("%PDF-1.7\ncase\n"))})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{link.ID, file.ID} {
		if err := docs.AttachDocument(as(w.fac), d, id); err != nil {
			t.Fatal(err)
		}
	}
	// Her own reflection still comes with them.
	w.goTo(t, rsClosing)
	if err := a.svc.Room.Reflect(as(w.ny), &roundtable.Reflection{MeetingID: id, Relevance: 4, Insights: 3, Heard: 5, Line: "Heard-line-7731"}); err != nil {
		t.Fatal(err)
	}
	r, err := a.svc.Room.Room(as(w.ny), id)
	if err != nil || len(r.Readings) != 2 || r.Readings[0].Title != link.Title || r.Readings[1].Title != "Case pack" ||
		r.MyReflection == nil || r.MyReflection.Line != "Heard-line-7731" {
		t.Fatalf("got readings %v, reflection %+v (%v); want the link then the file, and her reflection", r.Readings, r.MyReflection, err)
	}
	w.nb.get(w.path).want(t, http.StatusOK).contains(t, `id="readings"`, "On listening (article)", `href="https://example.org/listening"`,
		"Case pack", `href="/documents/`+file.ID+`"`, `target="_blank"`)

	if err := a.svc.Room.InviteGuest(as(w.fac), id, "Gia Guest", "gia@example.org"); err != nil {
		t.Fatalf("invite guest: %v", err)
	}
	gia, err := a.svc.Auth.RedeemSignInLink(context.Background(), a.tokenFor(linkRE, "gia@example.org"))
	if err != nil {
		t.Fatalf("redeem the guest's link: %v", err)
	}
	a.browser().signInAs(gia).get(w.path).want(t, http.StatusOK).contains(t, "You are a guest").
		lacks(t, `id="readings"`, "On listening", "Case pack", file.ID)

	if err := docs.DeleteDocument(as(w.tokyo), file.ID); err != nil {
		t.Fatal(err)
	}
	w.nb.get(w.path).want(t, http.StatusOK).contains(t, "On listening (article)").lacks(t, "Case pack", file.ID)
}
