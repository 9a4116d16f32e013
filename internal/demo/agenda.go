package demo

import (
	"context"
	"fmt"

	"github.com/roundtable/roundtable"
)

// demoCard is what a demo presenter writes on her challenge card.
type demoCard struct{ question, context, tried string }

// demoCards are the presenters' cards, by name: invented situations, in
// the words a leader might use.
var demoCards = map[string]demoCard{
	"Tomasz Nowak": {
		question: "How do I grow two managers who could run engineering without me, while we keep shipping?",
		context:  "My department doubled in eighteen months. Every hard decision still lands on my desk, and my two most senior engineers would make good managers but have never led anyone.",
		tried:    "I gave each of them a small team, but I still step in when deadlines get close.",
	},
	"Sofia Esposito": {
		question: "How do I bring the board with me on a change of strategy they have not asked for?",
		context:  "Our funding is shifting from emergency response to long-term programmes. The board is proud of our emergency work and wary of anything that looks like drifting from it.",
		tried:    "One informal conversation with the chair, who asked for more numbers.",
	},
	"Grace Whitfield": {
		question: "How do two teams that merged a year ago become one team with one way of working?",
		context:  "Both teams are good at what they do. They still plan separately, report separately and quietly blame each other when something slips.",
		tried:    "Joint stand-ups, which both sides now skip.",
	},
	"Diego Hernández": {
		question: "How do I cut overtime on the night shift without missing our output targets?",
		context:  "Overtime has become the way we meet demand, and people count on the extra pay. Safety incidents rise in the last hours of long shifts.",
		tried:    "A cap on overtime hours, lifted after two weeks when orders piled up.",
	},
	"Hiroshi Sato": {
		question: "How do I lead a team spread over three countries so that nobody feels like a satellite office?",
		context:  "Most of the team is in Osaka; smaller groups work from Manila and Melbourne. Decisions tend to happen in the corridor in Osaka.",
		tried:    "Rotating meeting times, which helped the calendars more than the culture.",
	},
	"Mere Parata": {
		question: "How do we partner with government on a large programme and still speak freely about its policies?",
		context:  "A ministry wants to fund our community work at a scale we could never reach alone. Part of our role has always been to challenge that same ministry.",
		tried:    "A draft agreement with a clause on independence, not yet discussed with them.",
	},
}

// prepareAgenda gives one of a circle's coming meetings an agenda from the
// built-in formats, fair roles with the plan's presenter, and the
// presenter's challenge card, each written by the person who would write
// it: the facilitator plans, the presenter writes her own card.
func (s *seeder) prepareAgenda(fctx context.Context, plan circlePlan, meetingID string, i int) error {
	formats := [][]string{{"check_in_moments", "case_clinic"}, {"check_in", "peer_assist", "discussion_synthesis"}}[i]
	for k, key := range formats {
		if err := s.agendas.ApplyFormat(fctx, meetingID, key, k > 0); err != nil {
			return fmt.Errorf("apply format %s: %w", key, err)
		}
	}
	roles, err := s.agendas.SuggestRoles(fctx, meetingID, 1)
	if err != nil {
		return fmt.Errorf("suggest roles: %w", err)
	}
	presenter := s.personByName(plan, plan.presenters[i])
	if presenter == nil {
		return fmt.Errorf("presenter %s is not in the circle", plan.presenters[i])
	}
	pid := s.d.Users[presenter.email]
	roles = withPresenter(roles, pid)
	if err := s.agendas.SetRoles(fctx, meetingID, roles); err != nil {
		return fmt.Errorf("set roles: %w", err)
	}
	card, ok := demoCards[presenter.name]
	if !ok {
		return nil
	}
	pctx, err := s.as(fctx, presenter.email)
	if err != nil {
		return err
	}
	err = s.agendas.SaveChallenge(pctx, &roundtable.Challenge{MeetingID: meetingID, Question: card.question, Context: card.context, Tried: card.tried})
	if err != nil {
		return fmt.Errorf("%s writes her challenge card: %w", presenter.name, err)
	}
	return nil
}

// withPresenter makes id the only presenter of a suggestion; a role she
// was suggested for goes to the person the rotation had picked to present.
func withPresenter(roles []roundtable.RoleAssignment, id string) []roundtable.RoleAssignment {
	suggested := ""
	for _, r := range roles {
		if r.Role == roundtable.RolePresenter {
			suggested = r.UserID
		}
	}
	out := make([]roundtable.RoleAssignment, 0, len(roles))
	for _, r := range roles {
		switch {
		case r.Role == roundtable.RolePresenter:
			r.UserID = id
		case r.UserID == id && r.Role != roundtable.RoleChair:
			r.UserID = suggested
		}
		if r.UserID != "" {
			out = append(out, r)
		}
	}
	return out
}

// personByName finds a member of the plan.
func (s *seeder) personByName(plan circlePlan, name string) *person {
	for i := range plan.members {
		if plan.members[i].name == name {
			return &plan.members[i]
		}
	}
	return nil
}
