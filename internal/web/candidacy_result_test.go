package web

import (
	"context"
	"html"
	"strings"
	"testing"

	"acquis/internal/demo"
	"acquis/internal/portfolio"
)

// TestCandidateReadsPartialResult (issue 18 #7): after the signed minutes,
// a candidate with a partial success reads on the candidacy page the
// decision for each bloc with the jury's reasons, the préconisations, that
// validated blocs are acquired for life, what remains, the next steps and
// the appeal route; a full success is not offered an appeal.
func TestCandidateReadsPartialResult(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	if err := demo.Journeys(context.Background(), a.db, a.s.blobs); err != nil {
		t.Fatal(err)
	}
	page := func(email string) string {
		t.Helper()
		cid := a.id(`SELECT c.id FROM candidacies c JOIN users u ON u.id = c.candidate_id WHERE u.email = $1 AND c.certification_code = 'RNCP37779'`, email)
		c := a.client()
		c.login(email)
		res := c.get(candidacyPath(cid))
		if res.Status != 200 {
			t.Fatalf("%s : %d", email, res.Status)
		}
		return html.UnescapeString(res.Body)
	}
	body := page("soizic.tanguy@demo.acquis.fr")
	for _, want := range []string{
		"Réussite partielle",
		"Décision pour chaque bloc",
		"RNCP37779BC03</span> Accompagner les communautés de travail",
		"Motifs du jury : Le dossier décrit l'accompagnement de la personne mais pas celui des collectifs de travail",
		"Le jury a suivi la proposition des évaluateurs",
		"Préconisations du jury",
		portfolio.AcquiredForLife,
		"il vous reste à valider",
		"Prochaines étapes",
		portfolio.AppealRoute,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("résultat partiel : « %s » manque", want)
		}
	}
	full := page("ronan.le.gall@demo.acquis.fr")
	if !strings.Contains(full, "Réussite totale") || !strings.Contains(full, "elle vous est délivrée") || strings.Contains(full, "Contester la décision") {
		t.Error("réussite totale : pas de recours proposé, la certification est dite délivrée")
	}
}
