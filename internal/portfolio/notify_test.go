package portfolio

import (
	"context"
	"strings"
	"testing"

	"acquis/internal/account"
)

type outboxRow struct {
	Subject string `db:"subject"`
	Body    string `db:"body"`
	HTML    string `db:"html_body"`
}

func (f *fixture) mails(t *testing.T) []outboxRow {
	t.Helper()
	var out []outboxRow
	if err := f.d.Select(&out, `SELECT subject, body, html_body FROM outbox WHERE user_id = $1 ORDER BY id`, f.candidate); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestTransitionsNotifyTheCandidate: each step that concerns the candidate
// queues, in its own transaction, a French e-mail in text and HTML with
// the link to the candidacy; a refused move queues nothing.
func TestTransitionsNotifyTheCandidate(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id, err := f.s.Create(ctx, f.actor(), NewCandidacy{CandidateID: f.candidate, CertificationCode: "RNCP37779",
		Pathways: allVAE("RNCP37779BC01"), ExperienceMonths: 30})
	must(t, err)
	link := "{{ACQUIS_BASE_URL}}/candidatures/" + itoa(id)
	must(t, f.s.Transition(ctx, f.actor(), id, AdmissibilitySubmitted, account.RoleCandidate, ""))
	got := f.mails(t)
	if len(got) != 1 || !strings.HasPrefix(got[0].Subject, "Candidature reçue") || !strings.Contains(got[0].Body, "2 mois") ||
		!strings.Contains(got[0].Body, "L6412-2") || !strings.Contains(got[0].Body, link) || !strings.Contains(got[0].HTML, `href="`+link+`"`) {
		t.Fatalf("accusé de réception : %+v", got)
	}
	// A refused decision (no reason) changes nothing and sends nothing.
	if err := f.s.Transition(ctx, sys, id, NotAdmissible, account.RoleAdmin, " "); err == nil {
		t.Fatal("non recevable sans motif")
	}
	if n := len(f.mails(t)); n != 1 {
		t.Fatalf("%d courriels après un refus", n)
	}
	must(t, f.s.Transition(ctx, sys, id, NotAdmissible, account.RoleAdmin, "Expérience sans rapport avec le référentiel."))
	got = f.mails(t)
	last := got[len(got)-1]
	if !strings.Contains(last.Subject, "n'est pas recevable") || !strings.Contains(last.Body, "Expérience sans rapport avec le référentiel.") ||
		!strings.Contains(last.Body, "recours gracieux") || !strings.Contains(last.Body, "deux mois") || !strings.Contains(last.HTML, "Expérience sans rapport") {
		t.Fatalf("décision : %+v", last)
	}

	// A second candidacy to the deposit: the receipt's e-mail links to the deposit.
	id2, err := f.s.Create(ctx, f.actor(), NewCandidacy{CandidateID: f.candidate, CertificationCode: "RNCP37779",
		Pathways: allVAE("RNCP37779BC02"), ExperienceMonths: 30})
	must(t, err)
	must(t, f.s.Transition(ctx, f.actor(), id2, AdmissibilitySubmitted, account.RoleCandidate, ""))
	must(t, f.s.Transition(ctx, sys, id2, Admissible, account.RoleAdmin, ""))
	must(t, f.s.Transition(ctx, f.actor(), id2, DossierInProgress, account.RoleCandidate, ""))
	before := len(f.mails(t))
	c, _ := f.s.Candidacy(ctx, id2)
	cert, _ := f.s.refs.Version(ctx, c.VersionID)
	for _, b := range cert.Blocks {
		if b.Code != "RNCP37779BC02" {
			continue
		}
		for _, d := range b.Deliverables {
			if d.Upload {
				_, err := f.s.AddDocument(ctx, f.actor(), NewDocument{CandidacyID: id2, BlockCode: b.Code, DeliverableCode: d.Code, FileName: "d.pdf",
					SHA256: strings.Repeat("ab", 32), Size: 10, Kind: "pdf", MIME: "application/pdf"})
				must(t, err)
			}
		}
	}
	_, err = f.s.Submit(ctx, f.actor(), id2)
	must(t, err)
	got = f.mails(t)
	if len(got) != before+1 || !strings.HasPrefix(got[len(got)-1].Subject, "Récépissé de dépôt") ||
		!strings.Contains(got[len(got)-1].Body, "{{ACQUIS_BASE_URL}}/candidatures/"+itoa(id2)+"/depots/1") {
		t.Fatalf("récépissé : %+v", got[before:])
	}
	must(t, f.s.Transition(ctx, sys, id2, DossierInProgress, account.RoleAdmin, "Pièce illisible."))
	got = f.mails(t)
	if last := got[len(got)-1]; !strings.Contains(last.Subject, "rouvert") || !strings.Contains(last.Body, "Pièce illisible.") {
		t.Fatalf("réouverture : %+v", last)
	}
	// Nothing for anyone else.
	var others int
	if err := f.d.Get(&others, `SELECT count(*) FROM outbox WHERE user_id IS DISTINCT FROM $1`, f.candidate); err != nil {
		t.Fatal(err)
	}
	if others != 0 {
		t.Fatalf("%d courriels à d'autres", others)
	}
}
