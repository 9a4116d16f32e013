package roundtable

import "context"

// FormerApplicantName replaces the name of an anonymised applicant.
const FormerApplicantName = "Former applicant"

// ApplicantAnonymiseService anonymises the applicants a program did not
// place: declined, waiting, undecided, or accepted but in no circle. Their
// name, e-mail, title, organization, availability and free-text answers are
// cleared; their decision, sector, industry, function and level stay, so the
// program's figures still add up. A daily job does it once a program is
// AnonymiseAfterDays past its start; organizers can do it at once.
type ApplicantAnonymiseService interface {
	// CountAnonymisable returns how many of the program's applicants
	// AnonymiseApplicants would anonymise now. Returns ENOTFOUND unless the
	// caller organizes the program.
	CountAnonymisable(ctx context.Context, programID string) (int, error)

	// AnonymiseApplicants anonymises them, records it in the audit log and
	// returns how many it anonymised. Returns ENOTFOUND unless the caller
	// organizes the program.
	AnonymiseApplicants(ctx context.Context, programID string) (int, error)
}
