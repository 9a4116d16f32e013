package demo

import (
	"fmt"
	"strings"
	"time"

	"github.com/roundtable/roundtable"
)

// person is one applicant of the demo program.
type person struct {
	name, email, title, org, sector, industry, function string
	level                                               int
	tz                                                  string
	goals                                               []string
	topics                                              string
	avoid                                               string
}

// circlePlan is one demo circle: where and when it meets, who is in it.
type circlePlan struct {
	name        string
	tz          string
	weekday     time.Weekday
	hour        int // local start hour in tz
	video       string
	facilitator struct{ name, email, tz string }
	members     []person
	// notJoined is how many of the last members have not accepted their
	// invitation yet; rulesPending how many of those before them joined but
	// have not accepted the ground rules. The roster shows both states.
	notJoined, rulesPending int
	presenters              [2]string
	themes                  [2]string
}

// The demo's people. Names, organizations and addresses are invented; every
// address is at example.org, which cannot receive mail.
var circlePlans = []circlePlan{
	{
		name: "Harbour Circle", tz: "Europe/Paris", weekday: time.Tuesday, hour: 17,
		video:       "https://meet.example.org/harbour-circle",
		facilitator: struct{ name, email, tz string }{"Samira Haddad", FacilitatorEmail, "Europe/Paris"},
		members: []person{
			{"Maya Lindqvist", MemberEmail, "Head of Customer Operations", "Nordlys Energy", "Private", "Energy", "Operations", 3, "Europe/Stockholm",
				[]string{"Delegate the weekly escalations so my leads own them end to end.", "Give feedback within a day instead of saving it for reviews.", "Build a peer network outside my own company."},
				"delegation, feedback, leading former peers", ""},
			{"Tomasz Nowak", "tomasz.nowak@example.org", "Director of Engineering", "Vistula Software", "Private", "Software", "Engineering", 4, "Europe/Warsaw",
				[]string{"Grow two managers who could replace me.", "Say no to work that does not serve our strategy."},
				"growing managers, prioritisation", ""},
			{"Aoife Brennan", "aoife.brennan@example.org", "Programme Manager", "Dublin City Council", "Public", "Local government", "Operations", 3, "Europe/Dublin",
				[]string{"Lead a cross-department programme without formal authority.", "Speak up earlier in senior meetings."},
				"influence without authority, stakeholder management", ""},
			{"Jean-Baptiste Morel", "jb.morel@example.org", "Head of Research", "Institut Lumière", "Academia", "Higher education", "Research", 4, "Europe/Paris",
				[]string{"Turn a group of strong individual researchers into a team.", "Find funding beyond the next grant cycle."},
				"team building, strategy, funding", ""},
			{"Sofia Esposito", "sofia.esposito@example.org", "Country Director", "Mare Aperto", "Non-profit", "Humanitarian aid", "General management", 4, "Europe/Rome",
				[]string{"Keep my team well while the workload keeps growing.", "Prepare the board for a difficult change of strategy."},
				"wellbeing, boards, change", ""},
			{"Lukas Becker", "lukas.becker@example.org", "Head of Supply Chain", "Rheinwerk Manufacturing", "Private", "Manufacturing", "Supply chain", 3, "Europe/Berlin",
				[]string{"Lead my first restructuring with honesty and care."},
				"change, difficult conversations", "Please not with colleagues from Rheinwerk's Munich site."},
			{"Hannah Okafor-Smith", "hannah.okafor@example.org", "Co-founder and COO", "Greenloop", "Social enterprise", "Packaging", "Operations", 4, "Europe/London",
				[]string{"Step back from daily operations as we grow past fifty people.", "Hire a leadership team I trust."},
				"scaling, hiring leaders, founder transitions", ""},
		},
		notJoined: 0, rulesPending: 1,
		presenters: [2]string{"Tomasz Nowak", "Sofia Esposito"},
		themes:     [2]string{"how to grow managers who can take over his role", "preparing the board for a change of strategy"},
	},
	{
		name: "Meridian Circle", tz: "America/New_York", weekday: time.Wednesday, hour: 12,
		video:       "https://meet.example.org/meridian-circle",
		facilitator: struct{ name, email, tz string }{"Daniel Brooks", "daniel.brooks@example.org", "America/New_York"},
		members: []person{
			{"Carlos Mendoza", "carlos.mendoza@example.org", "Engineering Manager", "Andes Fintech", "Private", "Financial services", "Engineering", 2, "America/Bogota",
				[]string{"Run one-to-ones that my team finds useful.", "Stop rescuing the team at the last minute."},
				"first-time management, coaching", ""},
			{"Grace Whitfield", "grace.whitfield@example.org", "Deputy Director", "Ontario Ministry of Health", "Public", "Health", "Policy", 3, "America/Toronto",
				[]string{"Bring two merged teams to one way of working.", "Make decisions faster with less consensus-seeking."},
				"mergers, decision making", ""},
			{"Marcus Reed", "marcus.reed@example.org", "Principal", "Lincoln High School", "Public", "Education", "General management", 3, "America/Chicago",
				[]string{"Hold teachers accountable while keeping their trust."},
				"accountability, culture", ""},
			{"Ana Beatriz Souza", "ana.souza@example.org", "Head of Marketing", "Caju Foods", "Private", "Food and beverage", "Marketing", 3, "America/Sao_Paulo",
				[]string{"Earn a seat at the table where the strategy is made.", "Build a team that experiments without fear."},
				"strategy, experimentation", ""},
			{"Diego Hernández", "diego.hernandez@example.org", "Plant Manager", "Norte Automotive", "Private", "Automotive", "Operations", 3, "America/Mexico_City",
				[]string{"Cut overtime without cutting output.", "Develop supervisors who solve problems on the floor."},
				"operations, developing supervisors", ""},
			{"Jamal Carter", "jamal.carter@example.org", "Executive Director", "Second Chance Kitchens", "Non-profit", "Workforce development", "General management", 3, "America/New_York",
				[]string{"Share leadership with my deputy instead of carrying it alone.", "Build a board that raises funds."},
				"boards, fundraising, shared leadership", ""},
			{"Rachel Kim", "rachel.kim@example.org", "Product Lead", "Bayside Health Tech", "Private", "Health technology", "Product", 2, "America/Los_Angeles",
				[]string{"Lead engineers who know more than I do about the product."},
				"credibility, product leadership", ""},
		},
		notJoined:  1,
		presenters: [2]string{"Grace Whitfield", "Diego Hernández"},
		themes:     [2]string{"bringing two merged teams to one way of working", "cutting overtime without cutting output"},
	},
	{
		name: "Summit Circle", tz: "Asia/Singapore", weekday: time.Thursday, hour: 11,
		video:       "https://meet.example.org/summit-circle",
		facilitator: struct{ name, email, tz string }{"Mei Chen", "mei.chen@example.org", "Asia/Singapore"},
		members: []person{
			{"Priya Nair", "priya.nair@example.org", "VP Finance", "Monsoon Logistics", "Private", "Logistics", "Finance", 5, "Asia/Kolkata",
				[]string{"Move from guarding the numbers to shaping the strategy.", "Prepare a successor within eighteen months."},
				"strategy, succession", ""},
			{"Wei Ling Tan", "weiling.tan@example.org", "Chief Digital Officer", "Straits Mutual", "Private", "Insurance", "Technology", 5, "Asia/Singapore",
				[]string{"Get the executive team to own the digital agenda with me."},
				"transformation, executive teams", ""},
			{"Hiroshi Sato", "hiroshi.sato@example.org", "Director of Design", "Kaze Mobility", "Private", "Transport", "Design", 4, "Asia/Tokyo",
				[]string{"Lead a team spread over three countries.", "Present design decisions in the language of the business."},
				"distributed teams, influence", ""},
			{"Olivia Harrington", "olivia.harrington@example.org", "Dean of Engineering", "Southern Cross University", "Academia", "Higher education", "Academic leadership", 5, "Australia/Sydney",
				[]string{"Lead a faculty through budget cuts without losing its best people."},
				"change, retention", ""},
			{"Mere Parata", "mere.parata@example.org", "Chief Executive", "Te Awa Community Trust", "Non-profit", "Community services", "General management", 5, "Pacific/Auckland",
				[]string{"Build partnerships with government that keep our independence.", "Look after my own energy."},
				"partnerships, resilience", ""},
			{"Rafael Santos", "rafael.santos@example.org", "Director of Operations", "Manila Water Partners", "Social enterprise", "Utilities", "Operations", 4, "Asia/Manila",
				[]string{"Scale operations to three new provinces."},
				"scaling, operations", ""},
		},
		notJoined:  1,
		presenters: [2]string{"Hiroshi Sato", "Mere Parata"},
		themes:     [2]string{"leading a team spread over three countries", "partnering with government while staying independent"},
	},
}

// unplaced are applicants not in a circle, with their status, so the
// organizer's lists and filters have something to show.
var unplaced = []struct {
	p      person
	status string
}{
	{person{"Elena Petrova", "elena.petrova@example.org", "Head of Legal", "Danube Bank", "Private", "Banking", "Legal", 4, "Europe/Vienna",
		[]string{"Lead lawyers as business partners, not gatekeepers."}, "culture, influence", ""}, "accepted"},
	{person{"Samuel Mensah", "samuel.mensah@example.org", "Operations Manager", "Accra Health Alliance", "Non-profit", "Health", "Operations", 2, "Africa/Accra",
		[]string{"Manage people who used to be my peers."}, "leading former peers", ""}, "waitlisted"},
	{person{"Isabella Rossi", "isabella.rossi@example.org", "Senior People Manager", "Torino Design Group", "Private", "Design", "Human resources", 3, "Europe/Rome",
		[]string{"Lead our return-to-office decision fairly."}, "hybrid work, fairness", ""}, "pending"},
	{person{"Noah Fischer", "noah.fischer@example.org", "Team Lead", "Alpenblick Tourism", "Private", "Tourism", "Sales", 2, "Europe/Zurich",
		[]string{"Become a better listener."}, "listening", ""}, "declined"},
}

// genderQuestion is the demo program's own application question: gender,
// with nobody the only one of an answer in a circle.
var genderQuestion = roundtable.Question{Label: "Gender", Choices: []string{"Woman", "Man", "Non-binary"}, NeverAlone: true}

// genders are the demo people's answers to genderQuestion, by e-mail; Rachel
// Kim preferred not to say.
var genders = map[string]string{
	MemberEmail: "Woman", "tomasz.nowak@example.org": "Man", "aoife.brennan@example.org": "Woman",
	"jb.morel@example.org": "Man", "sofia.esposito@example.org": "Woman", "lukas.becker@example.org": "Man",
	"hannah.okafor@example.org":  "Woman",
	"carlos.mendoza@example.org": "Man", "grace.whitfield@example.org": "Woman", "marcus.reed@example.org": "Man",
	"ana.souza@example.org": "Woman", "diego.hernandez@example.org": "Man", "jamal.carter@example.org": "Man",
	"priya.nair@example.org": "Woman", "weiling.tan@example.org": "Woman", "hiroshi.sato@example.org": "Man",
	"olivia.harrington@example.org": "Woman", "mere.parata@example.org": "Woman", "rafael.santos@example.org": "Man",
	"elena.petrova@example.org": "Woman", "samuel.mensah@example.org": "Man", "isabella.rossi@example.org": "Woman",
	"noah.fischer@example.org": "Non-binary",
}

const programPurpose = `Emerging Leaders Circle brings together people who lead teams and organizations in very different settings, so they can learn from each other's real challenges.

Over six months, each circle of seven or eight peers meets once a month for two hours with a facilitator. Members bring a current challenge, ask questions before giving advice, and commit to one action they report back on the next time.

Objectives:
- Every member works on one to three leadership goals of their own choosing.
- Members leave with a network of trusted peers beyond their own organization.
- Members practise giving and receiving candid, kind feedback.`

// availability writes a person's weekly availability in their own zone: a
// window around their circle's meeting time (so the circle can meet) and one
// more that differs by person.
func availability(p person, now time.Time) string {
	loc, err := time.LoadLocation(p.tz)
	if err != nil {
		loc = time.UTC
	}
	windows := []string{"Mon 09:00-12:00", "Thu 14:00-17:00"}
	for _, c := range circlePlans {
		for _, m := range c.members {
			if m.email != p.email {
				continue
			}
			cloc, err := time.LoadLocation(c.tz)
			if err != nil {
				continue
			}
			local := nextSlot(now, cloc, c.weekday, c.hour).In(loc)
			start := max(local.Hour()*60+local.Minute()-60, 0)
			end := min(start+240, 24*60)
			windows = []string{
				fmt.Sprintf("%s %02d:%02d-%02d:%02d", local.Weekday().String()[:3], start/60, start%60, end/60, end%60),
				[]string{"Mon 08:00-10:00", "Fri 13:00-15:30", "Sat 09:00-11:00"}[len(p.name)%3],
			}
		}
	}
	return strings.Join(windows, ";")
}
