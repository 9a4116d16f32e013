package main

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/sqldb"
)

// Issue 13's target for the discussion's pages, with a thread of
// benchThreadReplies replies.
const (
	threadTargetP99    = 50 * time.Millisecond
	benchThreadReplies = 1000
)

// threadCases starts a thread in the demo member's circle, has the member
// and the facilitator write benchThreadReplies replies to it in turns, and
// lists the discussion's pages as the member sees them: the circle's
// threads, the thread (its first page, once she has seen everything) and
// its last page.
func threadCases(ctx context.Context, m *Main, session string) ([]pageCase, error) {
	d := m.Demo
	users := sqldb.NewUserService(m.DB)
	sysCtx := roundtable.NewSystemContext(ctx)
	member, err := users.FindUserByID(sysCtx, d.Users[d.MemberEmail])
	if err != nil {
		return nil, fmt.Errorf("find the member: %w", err)
	}
	fac, err := users.FindUserByID(sysCtx, d.Users[d.FacilitatorEmail])
	if err != nil {
		return nil, fmt.Errorf("find the facilitator: %w", err)
	}
	s := sqldb.NewDiscussionService(m.DB)
	th := &roundtable.Thread{CircleID: d.MemberCircleID, Title: "Carrying on from our last meeting",
		Body: "What did each of you **try** since Tuesday?\n\n- one thing that worked\n- one that did not"}
	if err := s.StartThread(roundtable.NewContextWithUser(ctx, member), th); err != nil {
		return nil, fmt.Errorf("start the thread: %w", err)
	}
	for i := range benchThreadReplies {
		u := fac
		if i%2 == 1 {
			u = member
		}
		body := "Reply " + strconv.Itoa(i+1) + ": I tried *delegating* the weekly report, and [wrote it up](https://example.org/notes).\n\n" +
			"> What would you do next?\n\nTwo ideas:\n\n1. ask the team\n2. wait a week"
		if err := s.AddReply(roundtable.NewContextWithUser(ctx, u), &roundtable.Reply{ThreadID: th.ID, Body: body}); err != nil {
			return nil, fmt.Errorf("reply %d: %w", i+1, err)
		}
	}
	path := "/threads/" + url.PathEscape(th.ID)
	last := (benchThreadReplies + roundtable.RepliesPerPage - 1) / roundtable.RepliesPerPage
	return []pageCase{
		{Page: "discussion", Role: "member", Session: session, P99Target: threadTargetP99,
			Path: "/circles/" + url.PathEscape(d.MemberCircleID) + "/discussion", Marker: th.Title},
		{Page: "thread", Role: "member", Session: session, P99Target: threadTargetP99,
			Path: path + "?page=1", Marker: "Page 1 of " + strconv.Itoa(last)},
		{Page: "thread last", Role: "member", Session: session, P99Target: threadTargetP99,
			Path: path + "?page=last", Marker: "Page " + strconv.Itoa(last) + " of " + strconv.Itoa(last)},
	}, nil
}
