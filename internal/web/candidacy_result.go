package web

import (
	"acquis/internal/jury"
	"acquis/internal/portfolio"
	"acquis/internal/referentiel"
)

// resultView is a jury's decision as the candidate reads it after the
// signed minutes (issue 18 #7): per bloc, the decision and the jury's
// reason, the préconisations, what the result means, what comes next and
// how to contest it.
type resultView struct {
	jury.CandidateResult
	Blocks []resultBlock
	// Remaining are the certification's blocs the candidate does not hold
	// yet, after this decision.
	Remaining []referentiel.Block
	Full      bool
	Partial   bool
	Presented bool
	// AcquiredForLife and Appeal are the fixed texts, from one place.
	AcquiredForLife string
	Appeal          string
}

// resultBlock is one bloc's decision.
type resultBlock struct {
	Code, Title string
	Valid       bool
	Decision    string
	Reason      string
	Amended     bool
}

// resultViews builds the candidate's reading of each signed result;
// held are the blocs of the certification the candidate holds now.
func resultViews(cert *referentiel.Certification, results []jury.CandidateResult, held []portfolio.AcquiredBlock) []resultView {
	have := map[string]bool{}
	for _, a := range held {
		have[a.BlockCode] = true
	}
	var remaining []referentiel.Block
	for _, b := range cert.Blocks {
		if !have[b.Code] {
			remaining = append(remaining, b)
		}
	}
	out := make([]resultView, 0, len(results))
	for _, r := range results {
		v := resultView{CandidateResult: r, Remaining: remaining,
			Full: r.Line.Outcome == jury.ReussiteTotale, Partial: r.Line.Outcome == jury.ReussitePartielle,
			Presented: r.Line.Outcome.Presented(), AcquiredForLife: portfolio.AcquiredForLife, Appeal: portfolio.AppealRoute}
		for _, d := range r.Line.Decisions {
			rb := resultBlock{Code: d.BlockCode, Valid: d.Decision == jury.Valide, Decision: jury.DecisionLabel(d.Decision), Reason: d.Reason, Amended: d.Amended}
			for _, b := range cert.Blocks {
				if b.Code == d.BlockCode {
					rb.Title = b.Title
				}
			}
			v.Blocks = append(v.Blocks, rb)
		}
		out = append(out, v)
	}
	return out
}
