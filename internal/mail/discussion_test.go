package mail

import (
	"strings"
	"testing"
)

func TestDiscussionDigest(t *testing.T) {
	one := DigestCircle{Name: "Harbour", Link: "https://rt.example/circles/1/discussion",
		Threads: []DigestThread{{Title: "Budget <talk>", Link: "https://rt.example/threads/1", NewReplies: 2, From: "Ana and Ben"}}}
	two := DigestCircle{Name: "Summit", Link: "https://rt.example/circles/2/discussion",
		Threads: []DigestThread{{Title: "Reading", Link: "https://rt.example/threads/2", NewThread: true, Author: "Cem"}}}
	m := DiscussionDigest(DigestMail{To: "x@example.org", Name: "Xen", Circles: []DigestCircle{one}, PrefsLink: "https://rt.example/p"})
	if m.Subject != "This week in your circle's discussion: Harbour" || !strings.Contains(m.Text, "Budget <talk>: 2 new replies from Ana and Ben") ||
		!strings.Contains(m.HTML, "Budget &lt;talk&gt;") {
		t.Fatalf("got %q\n%s\n%s, want the thread and its replies, escaped in HTML", m.Subject, m.Text, m.HTML)
	}
	m = DiscussionDigest(DigestMail{To: "x@example.org", Circles: []DigestCircle{one, two}})
	if m.Subject != "This week in your circles' discussions: Harbour, Summit" || !strings.Contains(m.Text, "Reading (a new thread by Cem)") {
		t.Fatalf("got %q\n%s, want both circles", m.Subject, m.Text)
	}
}

func TestDiscussionPost(t *testing.T) {
	m := DiscussionPost(DiscussionMail{To: "x@example.org", Name: "Xen", CircleName: "Harbour", Author: "Ana", Title: "Budget",
		Reply: true, Body: []string{"Quarterly <b>"}, Link: "https://rt.example/threads/1"})
	if m.Subject != "Harbour: a reply in “Budget”" || !strings.Contains(m.Text, "Quarterly <b>") || !strings.Contains(m.HTML, "Quarterly &lt;b&gt;") {
		t.Fatalf("got %q\n%s\n%s, want the reply, escaped in HTML without its HTML form", m.Subject, m.Text, m.HTML)
	}
}
