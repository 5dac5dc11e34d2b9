package jury

import (
	"strings"
	"testing"
)

func (f *fx) subjects(user int64) []string {
	f.t.Helper()
	var out []string
	must(f.t, f.d.Select(&out, `SELECT subject || E'\n' || body FROM outbox WHERE user_id = $1 ORDER BY id`, user))
	return out
}

func hasMail(mails []string, subject string, parts ...string) bool {
	for _, m := range mails {
		if !strings.HasPrefix(m, subject) {
			continue
		}
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(m, p)
		}
		if ok {
			return true
		}
	}
	return false
}

// TestJuryStepsNotify: the candidate is convened (date, place) when
// assigned and told the result when the minutes are signed; each member is
// told of their seat, of the grids to fill and of the deliberation.
func TestJuryStepsNotify(t *testing.T) {
	f := newFx(t, "RNCP37779", "RNCP37779BC01", "RNCP37779BC02", "RNCP37779BC03")
	chair := f.allValidated()
	_, err := f.s.Sign(f.ctx, chair, f.session)
	must(t, err)
	cand := f.subjects(f.candidate)
	if !hasMail(cand, "Convocation au jury", "Lieu : Rennes", "Date : ", "/candidatures/") {
		t.Fatalf("convocation : %q", cand)
	}
	if !hasMail(cand, "Résultat du jury", "attestation", "/candidatures/") {
		t.Fatalf("résultat : %q", cand)
	}
	for i, m := range f.members {
		got := f.subjects(m)
		if !hasMail(got, "Affectation à une session de jury", "Lieu : Rennes", "{{ACQUIS_BASE_URL}}/jury") {
			t.Fatalf("juré %d, affectation : %q", i, got)
		}
		if !hasMail(got, "Grille à remplir : Candidate Une", "/jury/sessions/") {
			t.Fatalf("juré %d, grille : %q", i, got)
		}
		if !hasMail(got, "Délibération ouverte", "/deliberation") {
			t.Fatalf("juré %d, délibération : %q", i, got)
		}
	}
	if !hasMail(f.subjects(f.members[0]), "Affectation à une session de jury", "président(e)") {
		t.Fatal("la présidence n'est pas dite")
	}
}
