package web

// routeList is every route of the site, in one place. Patterns are ServeMux
// patterns; path parameters are checked by the services (a malformed ID is
// simply not found).
func (s *Server) routeList() []route {
	return []route{
		{method: "GET", pattern: "/healthz", name: "health", h: s.handleHealth},
		{method: "GET", pattern: "/static/{file}", name: "static", h: s.handleStatic},
		{method: "GET", pattern: "/favicon.ico", name: "favicon", h: s.handleFavicon},
		{method: "GET", pattern: "/{$}", name: "home", h: s.handleHome},

		{method: "GET", pattern: "/setup", name: "setup", h: s.handleSetupShow},
		{method: "POST", pattern: "/setup", name: "setup.create", h: s.handleSetupCreate},
		{method: "GET", pattern: "/signin", name: "signin", h: s.handleSignInShow},
		{method: "POST", pattern: "/signin", name: "signin.password", h: s.handleSignInPassword},
		{method: "POST", pattern: "/signin/link", name: "signin.link.request", h: s.handleSignInLinkRequest},
		{method: "GET", pattern: "/signin/link/{token}", name: "signin.link", h: s.handleSignInLinkShow},
		{method: "POST", pattern: "/signin/link/{token}", name: "signin.link.redeem", h: s.handleSignInLinkRedeem},
		{method: "POST", pattern: "/signout", name: "signout", h: s.handleSignOut},

		{method: "GET", pattern: "/account", name: "account", h: s.handleAccountShow},
		{method: "POST", pattern: "/account", name: "account.update", h: s.handleAccountUpdate},
		{method: "POST", pattern: "/account/password", name: "account.password", h: s.handleAccountPassword},
		{method: "POST", pattern: "/account/sessions/end", name: "account.sessions.end", h: s.handleSessionsEndOthers},
		{method: "POST", pattern: "/account/sessions/{sessionID}/end", name: "account.session.end", h: s.handleSessionEnd},
		{method: "POST", pattern: "/account/messages", name: "account.messages", h: s.handleAccountMessages},
		{method: "POST", pattern: "/account/calendar", name: "account.calendar", h: s.handleCalendarReset},
		// A person's own data: downloaded, or deleted with her account after she confirms.
		{method: "POST", pattern: "/account/export", name: "account.export", h: s.handleExport},
		{method: "GET", pattern: "/account/delete", name: "account.delete.confirm", h: s.handleAccountDeleteShow},
		{method: "POST", pattern: "/account/delete", name: "account.delete", h: s.handleAccountDelete},
		// A calendar program's subscription: no sign-in, the secret is the key ({feed} is SECRET.ics).
		{method: "GET", pattern: "/calendar/{feed}", name: "calendar.feed", h: s.handleCalendarFeed},
		{method: "GET", pattern: "/admin/users", name: "users", h: s.handleUserIndex},
		{method: "POST", pattern: "/admin/users", name: "users.create", h: s.handleUserCreate},
		{method: "GET", pattern: "/admin/audit", name: "audit", h: s.handleAuditIndex},

		{method: "GET", pattern: "/programs", name: "programs", h: s.handleProgramIndex},
		{method: "GET", pattern: "/programs/new", name: "programs.new", h: s.handleProgramNew},
		{method: "POST", pattern: "/programs/new", name: "programs.create", h: s.handleProgramCreate},
		{method: "GET", pattern: "/programs/{programID}", name: "program", h: s.handleProgramShow},
		{method: "GET", pattern: "/programs/{programID}/edit", name: "program.edit", h: s.handleProgramEdit},
		{method: "POST", pattern: "/programs/{programID}/edit", name: "program.update", h: s.handleProgramUpdate},
		{method: "GET", pattern: "/programs/{programID}/attendance-rules", name: "lapse.rules", h: s.handleLapseRulesShow},
		{method: "POST", pattern: "/programs/{programID}/attendance-rules", name: "lapse.rules.update", h: s.handleLapseRulesUpdate},

		{method: "GET", pattern: "/programs/{programID}/applicants", name: "applicants", h: s.handleApplicantIndex},
		{method: "GET", pattern: "/programs/{programID}/applicants/import", name: "applicants.import", h: s.handleApplicantImportShow},
		{method: "POST", pattern: "/programs/{programID}/applicants/import", name: "applicants.import.create", h: s.handleApplicantImport, maxBody: maxUploadBody},
		// Deciding on many applicants: the list posts the choice to a page that asks to confirm it.
		{method: "POST", pattern: "/programs/{programID}/applicants/review", name: "applicants.review", h: s.handleApplicantReview},
		{method: "POST", pattern: "/programs/{programID}/applicants/decide", name: "applicants.decide", h: s.handleApplicantDecide},
		// Anonymising the declined and unplaced now: the page counts them and asks once.
		{method: "GET", pattern: "/programs/{programID}/applicants/anonymise", name: "applicants.anonymise.confirm", h: s.handleAnonymiseShow},
		{method: "POST", pattern: "/programs/{programID}/applicants/anonymise", name: "applicants.anonymise", h: s.handleAnonymise},
		{method: "GET", pattern: "/programs/{programID}/applicants/{applicantID}", name: "applicant", h: s.handleApplicantShow},
		{method: "POST", pattern: "/programs/{programID}/applicants/{applicantID}/status", name: "applicant.status", h: s.handleApplicantStatus},

		{method: "GET", pattern: "/apply/{programID}", name: "apply", h: s.handleApplyShow},
		{method: "POST", pattern: "/apply/{programID}", name: "apply.create", h: s.handleApplyCreate},
		{method: "GET", pattern: "/apply/{programID}/thanks", name: "apply.thanks", h: s.handleApplyThanks},

		{method: "GET", pattern: "/programs/{programID}/circles", name: "circles", h: s.handleCircleIndex},
		{method: "POST", pattern: "/programs/{programID}/circles", name: "circles.create", h: s.handleCircleCreate},
		{method: "GET", pattern: "/programs/{programID}/circles/{circleID}", name: "circle.roster", h: s.handleCircleRoster},
		{method: "POST", pattern: "/programs/{programID}/circles/{circleID}/place", name: "circle.place", h: s.handleCirclePlace},
		{method: "POST", pattern: "/programs/{programID}/circles/{circleID}/facilitator", name: "circle.facilitator", h: s.handleCircleFacilitator},
		{method: "POST", pattern: "/programs/{programID}/circles/{circleID}/remove", name: "circle.remove", h: s.handleCircleRemove},

		{method: "GET", pattern: "/programs/{programID}/formation", name: "formation", h: s.handleFormationShow},
		{method: "POST", pattern: "/programs/{programID}/formation", name: "formation.start", h: s.handleFormationStart},
		{method: "GET", pattern: "/programs/{programID}/formation/{draftID}", name: "formation.draft", h: s.handleFormationDraft},
		{method: "POST", pattern: "/programs/{programID}/formation/{draftID}/move", name: "formation.move", h: s.handleFormationMove},
		{method: "POST", pattern: "/programs/{programID}/formation/{draftID}/publish", name: "formation.publish", h: s.handleFormationPublish},
		// A way in for the unplaced: the organizer asks; she answers through her link, no sign-in.
		{method: "POST", pattern: "/programs/{programID}/formation/{draftID}/ask", name: "formation.ask", h: s.handleFormationAsk},
		{method: "GET", pattern: "/times/{token}", name: "times", h: s.handleTimesShow},
		{method: "POST", pattern: "/times/{token}", name: "times.answer", h: s.handleTimesAnswer},

		{method: "GET", pattern: "/programs/{programID}/seats", name: "seats", h: s.handleSeatsShow},
		{method: "POST", pattern: "/programs/{programID}/seats", name: "seats.place", h: s.handleSeatsPlace},

		{method: "GET", pattern: "/invite/{token}", name: "invite", h: s.handleInviteShow},
		{method: "POST", pattern: "/invite/{token}", name: "invite.accept", h: s.handleInviteAccept},

		{method: "GET", pattern: "/circles/{circleID}/welcome", name: "circle.welcome", h: s.handleCircleWelcome},
		{method: "POST", pattern: "/circles/{circleID}/welcome", name: "circle.accept", h: s.handleCircleAccept},
		{method: "GET", pattern: "/circles/{circleID}", name: "circle", h: s.handleCircleShow},
		{method: "GET", pattern: "/circles/{circleID}/goals", name: "goals", h: s.handleGoalsEdit},
		{method: "POST", pattern: "/circles/{circleID}/goals", name: "goals.update", h: s.handleGoalsUpdate},
		// Her goals over time: check-ins once a period, shown to the circle when she shares them.
		{method: "GET", pattern: "/circles/{circleID}/checkins", name: "checkins", h: s.handleCheckIns},
		{method: "POST", pattern: "/circles/{circleID}/checkins", name: "checkins.save", h: s.handleCheckInSave},
		{method: "POST", pattern: "/circles/{circleID}/checkins/share", name: "checkins.share", h: s.handleCheckInShare},
		{method: "GET", pattern: "/circles/{circleID}/members/{userID}/checkins", name: "checkins.member", h: s.handleMemberCheckIns},
		// Her commitments in all her circles, kept up to date between meetings.
		{method: "GET", pattern: "/commitments", name: "commitments", h: s.handleCommitments},
		{method: "POST", pattern: "/commitments/{itemID}", name: "commitment.update", h: s.handleCommitmentUpdate},
		// Attendance: the facilitator follows up a lapse; a member steps away after she confirms.
		{method: "POST", pattern: "/circles/{circleID}/lapses/{userID}/done", name: "lapse.done", h: s.handleLapseDone},
		{method: "GET", pattern: "/circles/{circleID}/step-away", name: "step_away.confirm", h: s.handleStepAwayShow},
		{method: "POST", pattern: "/circles/{circleID}/step-away", name: "step_away", h: s.handleStepAway},
		{method: "GET", pattern: "/meetings/{meetingID}/attendance", name: "attendance", h: s.handleAttendanceShow},
		{method: "POST", pattern: "/meetings/{meetingID}/attendance/excuse", name: "attendance.excuse", h: s.handleAbsenceExcuse},
		{method: "GET", pattern: "/circles/{circleID}/meetings/new", name: "meetings.new", h: s.handleMeetingNew},
		{method: "POST", pattern: "/circles/{circleID}/meetings/new", name: "meetings.create", h: s.handleMeetingCreate},
		{method: "GET", pattern: "/meetings/{meetingID}", name: "meeting", h: s.handleMeetingShow},
		{method: "POST", pattern: "/meetings/{meetingID}/rsvp", name: "meeting.rsvp", h: s.handleMeetingRSVP},
		{method: "GET", pattern: "/meetings/{meetingID}/edit", name: "meeting.edit", h: s.handleMeetingEdit},
		{method: "POST", pattern: "/meetings/{meetingID}/edit", name: "meeting.update", h: s.handleMeetingUpdate},
		{method: "GET", pattern: "/meetings/{meetingID}/cancel", name: "meeting.cancel.confirm", h: s.handleMeetingCancelConfirm},
		{method: "POST", pattern: "/meetings/{meetingID}/cancel", name: "meeting.cancel", h: s.handleMeetingCancel},
		{method: "GET", pattern: "/meetings/{meetingID}/notes", name: "meeting.notes", h: s.handleMeetingNotesEdit},
		{method: "POST", pattern: "/meetings/{meetingID}/notes", name: "meeting.notes.save", h: s.handleMeetingNotesSave},

		// The meeting series: choose, preview (a GET: it changes nothing), then make or change.
		{method: "GET", pattern: "/circles/{circleID}/series", name: "series", h: s.handleSeriesForm},
		{method: "GET", pattern: "/circles/{circleID}/series/preview", name: "series.preview", h: s.handleSeriesPreview},
		{method: "POST", pattern: "/circles/{circleID}/series", name: "series.save", h: s.handleSeriesSave},

		// Finding a new time for a meeting.
		{method: "GET", pattern: "/meetings/{meetingID}/polls/new", name: "polls.new", h: s.handlePollNew},
		{method: "POST", pattern: "/meetings/{meetingID}/polls/new", name: "polls.create", h: s.handlePollCreate},
		{method: "GET", pattern: "/polls/{pollID}", name: "poll", h: s.handlePollShow},
		{method: "POST", pattern: "/polls/{pollID}/answer", name: "poll.answer", h: s.handlePollAnswer},
		{method: "POST", pattern: "/polls/{pollID}/choose", name: "poll.choose", h: s.handlePollChoose},
		{method: "POST", pattern: "/polls/{pollID}/close", name: "poll.close", h: s.handlePollClose},

		// A circle's discussion between meetings: threads and replies, members only.
		{method: "GET", pattern: "/circles/{circleID}/discussion", name: "discussion", h: s.handleDiscussionIndex},
		{method: "POST", pattern: "/circles/{circleID}/discussion/messages", name: "discussion.messages", h: s.handleDiscussionMessages},
		{method: "GET", pattern: "/circles/{circleID}/discussion/new", name: "threads.new", h: s.handleThreadNew},
		{method: "POST", pattern: "/circles/{circleID}/discussion/new", name: "threads.create", h: s.handleThreadCreate, maxBody: postBody},
		{method: "GET", pattern: "/threads/{threadID}", name: "thread", h: s.handleThreadShow},
		{method: "POST", pattern: "/threads/{threadID}/replies", name: "thread.reply", h: s.handleThreadReply, maxBody: postBody},
		{method: "GET", pattern: "/threads/{threadID}/edit", name: "thread.edit", h: s.handleThreadEdit},
		{method: "POST", pattern: "/threads/{threadID}/edit", name: "thread.update", h: s.handleThreadUpdate, maxBody: postBody},
		{method: "GET", pattern: "/threads/{threadID}/delete", name: "thread.delete.confirm", h: s.handleThreadDeleteShow},
		{method: "POST", pattern: "/threads/{threadID}/delete", name: "thread.delete", h: s.handleThreadDelete},
		{method: "GET", pattern: "/replies/{replyID}/edit", name: "reply.edit", h: s.handleReplyEdit},
		{method: "POST", pattern: "/replies/{replyID}/edit", name: "reply.update", h: s.handleReplyUpdate, maxBody: postBody},
		{method: "GET", pattern: "/replies/{replyID}/delete", name: "reply.delete.confirm", h: s.handleReplyDeleteShow},
		{method: "POST", pattern: "/replies/{replyID}/delete", name: "reply.delete", h: s.handleReplyDelete},

		// The live meeting room.
		{method: "GET", pattern: "/meetings/{meetingID}/room", name: "room", h: s.handleRoom},
		{method: "GET", pattern: "/meetings/{meetingID}/room/events", name: "room.events", h: s.handleRoomEvents},
		{method: "POST", pattern: "/meetings/{meetingID}/room/timer", name: "room.timer", h: s.handleRoomTimer},
		{method: "POST", pattern: "/meetings/{meetingID}/room/speaker", name: "room.speaker", h: s.handleRoomSpeaker},
		{method: "POST", pattern: "/meetings/{meetingID}/room/hand", name: "room.hand", h: s.handleRoomHand},
		{method: "POST", pattern: "/meetings/{meetingID}/room/board", name: "room.board", h: s.handleRoomPost},
		{method: "POST", pattern: "/meetings/{meetingID}/room/playback", name: "room.playback", h: s.handleRoomPlayBack},
		{method: "POST", pattern: "/meetings/{meetingID}/room/followups/{itemID}", name: "room.followup", h: s.handleRoomFollowUp},
		{method: "POST", pattern: "/meetings/{meetingID}/room/minutes", name: "room.minutes", h: s.handleRoomMinutes, maxBody: minutesBody},
		{method: "POST", pattern: "/meetings/{meetingID}/room/attendance", name: "room.attendance", h: s.handleRoomAttendance},
		{method: "POST", pattern: "/meetings/{meetingID}/room/reflection", name: "room.reflection", h: s.handleRoomReflection},
		{method: "POST", pattern: "/meetings/{meetingID}/room/guests", name: "room.guest.invite", h: s.handleRoomGuestInvite},
		{method: "POST", pattern: "/meetings/{meetingID}/room/guests/remove", name: "room.guest.remove", h: s.handleRoomGuestRemove},

		// A meeting's agenda, its roles and the presenters' challenge cards.
		{method: "GET", pattern: "/meetings/{meetingID}/agenda", name: "meeting.agenda", h: s.handleAgendaEdit},
		{method: "POST", pattern: "/meetings/{meetingID}/agenda", name: "meeting.agenda.save", h: s.handleAgendaSave},
		{method: "POST", pattern: "/meetings/{meetingID}/agenda/format", name: "meeting.agenda.format", h: s.handleAgendaFormat},
		{method: "POST", pattern: "/meetings/{meetingID}/agenda/templates/delete", name: "meeting.agenda.template.delete", h: s.handleAgendaTemplateDelete},
		{method: "POST", pattern: "/meetings/{meetingID}/agenda/templates/share", name: "meeting.agenda.template.share", h: s.handleAgendaTemplateShare},
		{method: "GET", pattern: "/meetings/{meetingID}/roles", name: "meeting.roles", h: s.handleRolesEdit},
		{method: "POST", pattern: "/meetings/{meetingID}/roles", name: "meeting.roles.save", h: s.handleRolesSave},
		{method: "GET", pattern: "/meetings/{meetingID}/challenge", name: "meeting.challenge", h: s.handleChallengeEdit},
		{method: "POST", pattern: "/meetings/{meetingID}/challenge", name: "meeting.challenge.save", h: s.handleChallengeSave},

		// The parking lot: each member's topics, private until shared; the facilitator picks presenters' topics.
		{method: "GET", pattern: "/circles/{circleID}/parking-lot", name: "parking", h: s.handleParkingLot},
		{method: "POST", pattern: "/circles/{circleID}/parking-lot", name: "parking.create", h: s.handleParkingTopicCreate},
		{method: "GET", pattern: "/circles/{circleID}/parking-lot/{topicID}", name: "parking.edit", h: s.handleParkingTopicEdit},
		{method: "POST", pattern: "/circles/{circleID}/parking-lot/{topicID}", name: "parking.update", h: s.handleParkingTopicUpdate},
		{method: "POST", pattern: "/circles/{circleID}/parking-lot/{topicID}/delete", name: "parking.delete", h: s.handleParkingTopicDelete},
		{method: "POST", pattern: "/circles/{circleID}/parking-lot/{topicID}/share", name: "parking.share", h: s.handleParkingTopicShare},
		{method: "POST", pattern: "/circles/{circleID}/parking-lot/{topicID}/want", name: "parking.want", h: s.handleParkingTopicWant},
		{method: "POST", pattern: "/circles/{circleID}/parking-lot/{topicID}/pick", name: "parking.pick", h: s.handleParkingTopicPick},
		{method: "POST", pattern: "/circles/{circleID}/parking-lot/{topicID}/put-back", name: "parking.putback", h: s.handleParkingTopicPutBack},

		// Group decisions: a proposal with a closing time; the facilitator applies a change of format or cadence.
		{method: "GET", pattern: "/circles/{circleID}/decisions", name: "decisions", h: s.handleDecisionIndex},
		{method: "GET", pattern: "/circles/{circleID}/decisions/new", name: "decisions.new", h: s.handleDecisionNew},
		{method: "POST", pattern: "/circles/{circleID}/decisions/new", name: "decisions.create", h: s.handleDecisionCreate},
		{method: "GET", pattern: "/circles/{circleID}/decisions/{decisionID}", name: "decision", h: s.handleDecisionShow},
		{method: "POST", pattern: "/circles/{circleID}/decisions/{decisionID}/vote", name: "decision.vote", h: s.handleDecisionVote},
		{method: "POST", pattern: "/circles/{circleID}/decisions/{decisionID}/close", name: "decision.close", h: s.handleDecisionClose},
		{method: "POST", pattern: "/circles/{circleID}/decisions/{decisionID}/outcome", name: "decision.outcome", h: s.handleDecisionOutcome},
		{method: "POST", pattern: "/circles/{circleID}/decisions/{decisionID}/apply", name: "decision.apply", h: s.handleDecisionApply},
		// A circle's shared documents and links; any of them can be a reading for a meeting.
		{method: "GET", pattern: "/circles/{circleID}/documents", name: "documents", h: s.handleDocumentIndex},
		{method: "POST", pattern: "/circles/{circleID}/documents/files", name: "documents.upload", h: s.handleDocumentUpload, maxBody: uploadBody, stream: true},
		{method: "POST", pattern: "/circles/{circleID}/documents/links", name: "documents.link", h: s.handleDocumentLink},
		{method: "GET", pattern: "/documents/{documentID}", name: "document", h: s.handleDocumentDownload},
		{method: "GET", pattern: "/documents/{documentID}/attach", name: "document.attach.choose", h: s.handleDocumentAttachChoose},
		{method: "POST", pattern: "/documents/{documentID}/attach", name: "document.attach", h: s.handleDocumentAttach},
		{method: "POST", pattern: "/documents/{documentID}/detach", name: "document.detach", h: s.handleDocumentDetach},
		{method: "GET", pattern: "/documents/{documentID}/delete", name: "document.delete.confirm", h: s.handleDocumentDeleteConfirm},
		{method: "POST", pattern: "/documents/{documentID}/delete", name: "document.delete", h: s.handleDocumentDelete},

		// Everything else, and known paths with another method: a friendly 404.
		{method: "", pattern: "/", name: "notfound", h: s.handleNotFound},
	}
}
