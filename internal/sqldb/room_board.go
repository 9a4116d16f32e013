package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/roundtable/roundtable"
)

// Post puts a question or a suggestion on the board of the segment in
// progress.
func (s *RoomService) Post(ctx context.Context, meetingID string, kind roundtable.BoardKind, body string) (*roundtable.BoardPost, error) {
	body = strings.TrimSpace(clean(body))
	var p *roundtable.BoardPost
	err := s.change(ctx, meetingID, partBoard, func(tx *Tx, rc *roomCtx) error {
		if rc.userID == "" {
			return errSignIn()
		}
		if err := rc.requireLive(false); err != nil {
			return err
		}
		if err := rc.requireTakingPart(); err != nil {
			return err
		}
		seg := rc.segment()
		mode := roundtable.BoardClosed
		if seg != nil {
			mode = seg.Board
		}
		switch {
		case kind != roundtable.PostQuestion && kind != roundtable.PostSuggestion:
			return roundtable.Errorf(roundtable.EINVALID, "Post a question or a suggestion.")
		case mode == roundtable.BoardClosed:
			return roundtable.Errorf(roundtable.EINVALID, "The board is closed in this part of the meeting.")
		case kind == roundtable.PostSuggestion && mode == roundtable.BoardQuestions:
			return &roundtable.Error{Code: roundtable.EINVALID,
				Message: "This part of the meeting takes clarifying questions only: keep your suggestion for later.",
				Fields:  map[string]string{"body": "Ask a question here; suggestions come later."}}
		}
		var v roundtable.Problems
		if body == "" {
			v.Add("body", "Write your "+string(kind)+".")
		} else if utf8.RuneCountInString(body) > roundtable.MaxPostLength {
			v.Add("body", fmt.Sprintf("Use at most %d characters.", roundtable.MaxPostLength))
		}
		if err := v.Err(); err != nil {
			return err
		}
		// The room is locked by now (touched first), so two posts of one
		// person cannot both slip under the limit.
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM board_posts WHERE meeting_id = $1 AND author_id = $2`,
			rc.m.ID, rc.userID).Scan(&n); err != nil {
			return fmt.Errorf("count posts: %w", err)
		}
		if n >= roundtable.MaxPostsPerMeeting {
			msg := fmt.Sprintf("You have posted %d times in this meeting, the most one person can, so that the board stays readable for everyone. Say the rest aloud, or ask the note-taker to put it in the minutes.", roundtable.MaxPostsPerMeeting)
			return &roundtable.Error{Code: roundtable.EINVALID, Message: msg, Fields: map[string]string{"body": msg}}
		}
		p = &roundtable.BoardPost{ID: newID(), MeetingID: rc.m.ID, SegmentID: seg.ID, AuthorID: rc.userID,
			Kind: kind, Body: body, CreatedAt: tx.now}
		var err error
		if p.AuthorName, err = userName(ctx, tx, rc.userID); err != nil {
			return err
		}
		sealed, err := sealPost(ctx, tx, p.MeetingID, p.ID, p.Body)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO board_posts (id, meeting_id, segment_id, author_id, kind, body, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			p.ID, p.MeetingID, nullable(p.SegmentID), p.AuthorID, p.Kind, sealed, ms(p.CreatedAt))
		if err != nil {
			return fmt.Errorf("insert post: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// loadBoard returns a meeting's board posts, oldest first.
func loadBoard(ctx context.Context, tx *Tx, meetingID string) ([]roundtable.BoardPost, error) {
	out, err := queryAll(ctx, tx, `
		SELECT p.id, p.meeting_id, COALESCE(p.segment_id, ''), p.author_id, u.name, p.kind, p.body, p.created_at, p.picked
		FROM board_posts p JOIN users u ON u.id = p.author_id
		WHERE p.meeting_id = $1 ORDER BY p.created_at, p.id`, func(rows *sql.Rows) (p roundtable.BoardPost, err error) {
		var created int64
		var picked int
		err = rows.Scan(&p.ID, &p.MeetingID, &p.SegmentID, &p.AuthorID, &p.AuthorName, &p.Kind, &p.Body, &created, &picked)
		p.CreatedAt, p.Picked = fromMS(created), picked == 1
		return p, err
	}, meetingID)
	if err != nil {
		return nil, fmt.Errorf("load board: %w", err)
	}
	if len(out) > 0 {
		o := tx.meetingOpener(ctx, meetingID)
		for i := range out {
			out[i].Body = o.open("board_posts", "body", out[i].ID, out[i].Body)
		}
	}
	return out, nil
}

// sealPost seals a board post's body for its row.
func sealPost(ctx context.Context, tx *Tx, meetingID, postID, body string) (string, error) {
	k, _, err := tx.meetingKey(ctx, meetingID)
	if err != nil {
		return "", err
	}
	return sealWith(k, "board_posts", "body", postID, body)
}

// PlayBack records the presenter's picks and commitments, replacing her
// earlier play-back in this meeting.
func (s *RoomService) PlayBack(ctx context.Context, meetingID string, picked []string, commitments []string) ([]*roundtable.ActionItem, error) {
	var words []string
	for _, c := range commitments {
		if c = strings.TrimSpace(clean(c)); c != "" {
			words = append(words, c)
		}
	}
	var items []*roundtable.ActionItem
	err := s.change(ctx, meetingID, partBoard|partActions, func(tx *Tx, rc *roomCtx) error {
		if rc.guest || !rc.perms().IsPresenter(rc.userID) {
			return roundtable.Errorf(roundtable.EFORBIDDEN, "Only the presenter can play back what to act on.")
		}
		if err := rc.requireLive(true); err != nil {
			return err
		}
		if !rc.st.started() {
			return roundtable.Errorf(roundtable.EINVALID, "The play-back comes once the meeting has started.")
		}
		var v roundtable.Problems
		if len(words) > roundtable.MaxCommitments {
			v.Add("commitments", fmt.Sprintf("Keep to at most %d commitments.", roundtable.MaxCommitments))
		}
		for _, w := range words {
			if utf8.RuneCountInString(w) > roundtable.MaxCommitmentLength {
				v.Add("commitments", fmt.Sprintf("Keep each commitment to at most %d characters.", roundtable.MaxCommitmentLength))
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		board, err := loadBoard(ctx, tx, rc.m.ID)
		if err != nil {
			return err
		}
		var posts []roundtable.BoardPost
		for _, id := range picked {
			i := slices.IndexFunc(board, func(p roundtable.BoardPost) bool { return p.ID == id })
			if i < 0 || board[i].Kind != roundtable.PostSuggestion {
				return roundtable.Errorf(roundtable.EINVALID, "Pick suggestions from this meeting's board.")
			}
			if !slices.ContainsFunc(posts, func(p roundtable.BoardPost) bool { return p.ID == id }) {
				posts = append(posts, board[i])
			}
		}
		// Her earlier picks and her commitments not yet reported on give way
		// to this play-back.
		if _, err := tx.ExecContext(ctx, `UPDATE board_posts SET picked = 0, picked_by = NULL WHERE meeting_id = $1 AND picked_by = $2`,
			rc.m.ID, rc.userID); err != nil {
			return fmt.Errorf("unpick posts: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM action_items WHERE meeting_id = $1 AND owner_id = $2 AND status = 'open' AND report = ''`,
			rc.m.ID, rc.userID); err != nil {
			return fmt.Errorf("replace commitments: %w", err)
		}
		for _, p := range posts {
			if _, err := tx.ExecContext(ctx, `UPDATE board_posts SET picked = 1, picked_by = $1 WHERE id = $2`, rc.userID, p.ID); err != nil {
				return fmt.Errorf("pick post: %w", err)
			}
		}
		items = commitmentsFrom(rc.m, rc.userID, words, posts)
		if len(items) > 0 {
			if err := insertActionItems(ctx, tx, items); err != nil {
				return err
			}
		}
		// Her commitments are the follow-ups of the circle's later rooms:
		// those reload their actions part too.
		rooms, err := queryStrings(ctx, tx, `
			SELECT s.meeting_id FROM room_state s JOIN meetings x ON x.id = s.meeting_id
			WHERE x.circle_id = $1 AND s.ended_at IS NULL AND x.id <> $2`, rc.m.CircleID, rc.m.ID)
		if err != nil {
			return fmt.Errorf("list open rooms: %w", err)
		}
		for _, it := range items {
			if it.DueMeetingID != "" {
				rooms = append(rooms, it.DueMeetingID)
			}
		}
		return touchRooms(ctx, tx, rooms, partActions)
	})
	if err != nil {
		return nil, err
	}
	return items, nil
}

// commitmentsFrom makes the action items of a play-back: one per commitment
// she worded, tied to the picked suggestion it repeats word for word; with no
// commitment worded, one per picked suggestion.
func commitmentsFrom(m *roundtable.Meeting, ownerID string, words []string, posts []roundtable.BoardPost) []*roundtable.ActionItem {
	var items []*roundtable.ActionItem
	add := func(text, postID string) {
		items = append(items, &roundtable.ActionItem{MeetingID: m.ID, CircleID: m.CircleID, OwnerID: ownerID, Text: text, SourcePostID: postID})
	}
	if len(words) == 0 {
		for _, p := range posts {
			add(p.Body, p.ID)
		}
		return items
	}
	for _, w := range words {
		source := ""
		for _, p := range posts {
			if strings.EqualFold(strings.TrimSpace(p.Body), w) {
				source = p.ID
			}
		}
		add(w, source)
	}
	return items
}

// ReportFollowUp records what happened with a commitment.
func (s *RoomService) ReportFollowUp(ctx context.Context, itemID string, status roundtable.ActionStatus, report string) error {
	a := actorOf(ctx)
	report = strings.TrimSpace(clean(report))
	return s.db.update(ctx, func(tx *Tx) error {
		it, err := findActionItem(ctx, tx, itemID)
		if err != nil {
			return err
		}
		mb, err := memberOf(ctx, tx, a, it.CircleID)
		if err != nil {
			return notFound("commitment")
		}
		if !mb.accepted {
			return errGroundRules()
		}
		if !mb.system && a.id() != it.OwnerID && mb.role != roundtable.RoleFacilitator {
			ok, err := chairsMeeting(ctx, tx, it.CircleID, it.DueMeetingID, a.id())
			if err != nil {
				return err
			}
			if !ok {
				return roundtable.Errorf(roundtable.EFORBIDDEN, "Only %s or the facilitator can report on this commitment.", it.OwnerName)
			}
		}
		if status != roundtable.ActionDone && status != roundtable.ActionDropped {
			return roundtable.Errorf(roundtable.EINVALID, "Say whether the commitment is done or dropped.")
		}
		if utf8.RuneCountInString(report) > roundtable.MaxReportLength {
			return &roundtable.Error{Code: roundtable.EINVALID, Message: "Please shorten the report.",
				Fields: map[string]string{"report": fmt.Sprintf("Use at most %d characters.", roundtable.MaxReportLength)}}
		}
		if err := closeActionItem(ctx, tx, it.ID, status, report); err != nil {
			return err
		}
		// The commitment shows in the room it was made in, in the room it is
		// due at, and in the follow-ups of any meeting of the circle running
		// now.
		rooms, err := queryStrings(ctx, tx, `
			SELECT s.meeting_id FROM room_state s JOIN meetings x ON x.id = s.meeting_id
			WHERE x.circle_id = $1 AND s.started_at IS NOT NULL AND s.ended_at IS NULL`, it.CircleID)
		if err != nil {
			return fmt.Errorf("list running rooms: %w", err)
		}
		rooms = append(rooms, it.MeetingID)
		if it.DueMeetingID != "" {
			rooms = append(rooms, it.DueMeetingID)
		}
		return touchRooms(ctx, tx, rooms, partActions)
	})
}

// chairsMeeting reports whether userID facilitates a meeting of the circle
// where a commitment comes up: the one it is due at, or one running now.
func chairsMeeting(ctx context.Context, tx *Tx, circleID, dueMeetingID, userID string) (bool, error) {
	if userID == "" {
		return false, nil
	}
	var n int
	err := tx.QueryRowContext(ctx, `
		SELECT COUNT(*) FROM meeting_roles r
		JOIN meetings x ON x.id = r.meeting_id
		LEFT JOIN room_state s ON s.meeting_id = x.id
		WHERE r.role = $1 AND r.user_id = $2 AND x.circle_id = $3
			AND (x.id = $4 OR (s.started_at IS NOT NULL AND s.ended_at IS NULL))`,
		roundtable.RoleChair, userID, circleID, dueMeetingID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("check meeting facilitator: %w", err)
	}
	return n > 0, nil
}
