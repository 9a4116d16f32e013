package mail

import (
	htmltemplate "html/template"
	"strings"
)

// DiscussionMail tells a member of a new thread or reply in her circle's
// discussion, for those who asked for an e-mail on each post.
type DiscussionMail struct {
	To          string
	Name        string
	ProgramName string
	CircleName  string
	Author      string
	Title       string   // the thread's
	Reply       bool     // a reply, not a new thread
	Body        []string // the post as written (Markdown), a line each, for the text part
	// BodyHTML is the post as the site shows it, sanitised when it was
	// written (see internal/markdown), for the HTML part.
	BodyHTML  htmltemplate.HTML
	Link      string // the thread's page
	PrefsLink string // where she changes what she receives
}

// DigestThread is one thread with news in a weekly digest.
type DigestThread struct {
	Title      string
	Link       string
	NewThread  bool   // started this week, by Author
	Author     string // who started it
	NewReplies int    // replies new to the reader
	From       string // who wrote them, like "Ana and Ben"
}

// DigestCircle is one circle's news in a weekly digest.
type DigestCircle struct {
	Name    string
	Link    string // the circle's discussion
	Threads []DigestThread
}

// DigestMail is the weekly digest of what is new in a person's circles'
// discussions since her last visit.
type DigestMail struct {
	To        string
	Name      string
	Circles   []DigestCircle
	PrefsLink string
}

type discussionData struct {
	Subject     string
	ButtonLabel string
	ProgramName string
	DiscussionMail
}

type digestData struct {
	Subject     string
	Where       string // "your circle's discussion", or "your circles' discussions"
	ButtonLabel string
	Link        string
	ProgramName string
	DigestMail
}

var discussionHTML = parseHTML([]string{"discussion_post", "discussion_digest"})

// DiscussionPost writes the e-mail about one new post.
func DiscussionPost(d DiscussionMail) Message {
	d.Name, d.CircleName, d.ProgramName, d.Author, d.Title = firstLine(d.Name), firstLine(d.CircleName), firstLine(d.ProgramName), firstLine(d.Author), firstLine(d.Title)
	subject := d.CircleName + ": " + d.Title
	if d.Reply {
		subject = d.CircleName + ": a reply in “" + d.Title + "”"
	}
	data := discussionData{Subject: subject, ButtonLabel: "Read and reply", ProgramName: d.ProgramName, DiscussionMail: d}
	return render("discussion_post", d.To, subject, d.Link, discussionHTML["discussion_post"], data)
}

// DiscussionDigest writes the weekly digest.
func DiscussionDigest(d DigestMail) Message {
	d.Name = firstLine(d.Name)
	names := make([]string, len(d.Circles))
	for i := range d.Circles {
		c := &d.Circles[i]
		c.Name = firstLine(c.Name)
		names[i] = c.Name
		for j := range c.Threads {
			c.Threads[j].Title, c.Threads[j].Author = firstLine(c.Threads[j].Title), firstLine(c.Threads[j].Author)
		}
	}
	where := "your circle's discussion"
	if len(names) > 1 {
		where = "your circles' discussions"
	}
	subject := "This week in " + where + ": " + strings.Join(names, ", ")
	link := ""
	if len(d.Circles) > 0 {
		link = d.Circles[0].Link
	}
	data := digestData{Subject: subject, Where: where, ButtonLabel: "Open the discussion", Link: link, DigestMail: d}
	return render("discussion_digest", d.To, subject, link, discussionHTML["discussion_digest"], data)
}
