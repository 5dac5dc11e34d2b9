package pdf

import (
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"acquis/internal/jury"
	"acquis/internal/portfolio"
	"acquis/internal/referentiel"
	"acquis/referentiels"
)

// accents is a sentence with every character the documents must print.
const accents = "Élodie Œuvray-Lefèvre « très » engagée – l’accompagnement… à 20° : çà où ô û â ê œ Œ"

var at = time.Date(2026, 11, 20, 14, 30, 0, 0, time.UTC)

func certification(t testing.TB, code string) *referentiel.Certification {
	t.Helper()
	certs, err := referentiel.ParseFS(referentiels.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range certs {
		if c.Code == code {
			c.VersionID = 3
			c.ContentHash = strings.Repeat("ab", 32)
			return c
		}
	}
	t.Fatalf("certification %s absente", code)
	return nil
}

// longComment is a realistic evaluator's comment, about 600 characters.
func longComment(i int) string {
	return fmt.Sprintf("Observation n° %d : le candidat décrit précisément la situation d’accompagnement, "+
		"mais l’analyse des freins périphériques à l’emploi reste descriptive ; les partenaires mobilisés "+
		"(employeur, médecin du travail, service d’appui) sont cités sans que leur rôle soit expliqué. "+
		"Le jury attend une mise en perspective avec le cadre réglementaire de l’emploi accompagné et "+
		"une réflexion sur la posture professionnelle « d’intermédiation ». Éléments à approfondir lors "+
		"de l’entretien : la coordination du parcours et l’évaluation des effets pour la personne accompagnée.", i)
}

// caspFile is a jury file for a CASP candidate: three blocs, every
// criterion scored by three evaluators with long comments.
func caspFile(t testing.TB) *jury.CandidateFile {
	cert := certification(t, "RNCP36625")
	c := &portfolio.Candidacy{ID: 42, CandidateID: 7, CandidateName: accents[:strings.Index(accents, " «")],
		CertificationCode: cert.Code, CertificationTitle: cert.Title, VersionID: 3, OrganisationName: "Plateforme emploi accompagné de l’Hérault",
		ExperienceMonths: 30, ExperienceRole: "Chargée d’insertion", ExperienceEmployer: "ESAT Les Oliviers", CreatedAt: at.AddDate(0, -8, 0)}
	for _, b := range cert.Blocks {
		c.Blocks = append(c.Blocks, portfolio.Target{BlockCode: b.Code, Pathway: portfolio.VAE})
	}
	sess := &jury.Session{ID: 9, CertificationCode: cert.Code, CertificationTitle: cert.Title, StartsAt: at, Place: "Montpellier, salle Molière", Status: jury.Signed}
	f := &jury.CandidateFile{Session: sess, Candidacy: c, Certification: cert, SelfAssessment: map[string]portfolio.Assessment{}}
	names := []string{"Françoise Bénard", "Jérôme Câlin", "Anaïs Ødegård"}
	colleges := []jury.College{jury.Professional, jury.EmployerRep, jury.EmployeeRep}
	for i, n := range names {
		id := int64(100 + i)
		f.Members = append(f.Members, jury.Member{Profile: jury.Profile{UserID: id, Name: n}, SessionCollege: colleges[i], IsChair: i == 0})
		decl, sub := at.Add(-48*time.Hour), at.Add(-2*time.Hour)
		f.Evaluators = append(f.Evaluators, jury.EvaluatorRecord{UserID: id, Name: n, College: colleges[i], DeclaredAt: &decl, SubmittedAt: &sub})
		f.Declarations = append(f.Declarations, jury.MemberDeclaration{UserID: id, Name: n, Chair: i == 0, DeclaredAt: decl})
	}
	f.Deposit = &portfolio.Deposit{ID: 1, CandidacyID: c.ID, Number: 1, SubmittedAt: at.AddDate(0, 0, -30), CandidateName: c.CandidateName}
	k := 0
	sent := map[string]bool{} // a file shared by blocs is deposited once
	for bi, b := range cert.Blocks {
		for _, d := range b.Deliverables {
			if d.Upload && !sent[d.FileKey()] {
				sent[d.FileKey()] = true
				df := portfolio.DepositFile{DocumentID: int64(k), BlockCode: b.Code, DeliverableCode: d.FileKey(),
					DeliverableName: d.Label, FileName: "dossier-" + strconv.Itoa(k) + "-élodie.pdf", Version: 2, Size: 1_234_567,
					SHA256: strings.Repeat(strconv.Itoa(k%10), 64), UploadedAt: at.AddDate(0, 0, -31)}
				if d.Shared != "" {
					df.Blocks = cert.SharedBlocks(d.Shared)
				}
				f.Deposit.Files = append(f.Deposit.Files, df)
				k++
			}
		}
		for ci, comp := range b.Competences {
			f.SelfAssessment[comp.Code] = portfolio.Assessment{CompetenceCode: comp.Code, Level: 1 + (ci % 5), Comment: "Je mobilise cette compétence au quotidien."}
		}
		for ci, cr := range b.Criteria {
			for ei, e := range f.Evaluators {
				v := jury.Verdict{EvaluatorID: e.UserID, EvaluatorName: e.Name, BlockCode: b.Code, CriterionCode: cr.Code, Verdict: jury.Acquis}
				if (ci+ei+bi)%4 == 0 {
					v.Verdict, v.Comment = jury.NonAcquis, longComment(ci)
				} else if ci%3 == 0 {
					v.Comment = "Très bonne maîtrise, illustrée par deux situations concrètes."
				}
				f.Verdicts = append(f.Verdicts, v)
			}
		}
		f.Tally = append(f.Tally, jury.BlockTally{BlockCode: b.Code, Evaluators: 3, AllAcquis: 2 - bi%2, Proposal: map[bool]string{true: jury.Valide, false: jury.NonValide}[bi%2 == 0]})
		dec := jury.BlockDecision{CandidacyID: c.ID, BlockCode: b.Code, Proposal: f.Tally[bi].Proposal, Decision: f.Tally[bi].Proposal}
		dec.VotesValide, dec.VotesNonValide = 3, 0
		if bi == 1 {
			dec.Decision, dec.Reason = jury.Valide, "L’entretien a levé les réserves : « analyse convaincante »."
			dec.VotesValide, dec.VotesNonValide, dec.CastingVote = 1, 1, true
		}
		f.Decisions = append(f.Decisions, dec)
	}
	f.Outcome = jury.ReussiteTotale
	f.Preconisations = "Poursuivre le travail engagé sur l’évaluation des effets de l’accompagnement."
	return f
}

// minutesFor is the content of a session's minutes with n candidates.
func minutesFor(n int) *jury.MinutesContent {
	m := &jury.MinutesContent{SessionID: 9, Certifier: "CFEA", CertificationCode: "RNCP37779", CertificationTitle: "Conseiller en emploi accompagné",
		StartsAt: at, Place: "Lyon", Version: 1, SignedBy: "Françoise Bénard", SignedAt: at.Add(5 * time.Hour)}
	m.Members = []jury.MinutesMember{{UserID: 1, Name: "Françoise Bénard", College: "professional", Chair: true}, {UserID: 2, Name: "Jérôme Câlin", College: "employer_rep"}}
	outcomes := []jury.Outcome{jury.ReussiteTotale, jury.ReussitePartielle, jury.NonValidation, jury.Absent, jury.Excuse}
	for i := 0; i < n; i++ {
		o := outcomes[i%len(outcomes)]
		l := jury.MinutesLine{CandidacyID: int64(1000 + i), CandidateID: int64(i), CandidateName: fmt.Sprintf("Candidat·e n° %03d Lefèvre", i), Outcome: o}
		for b := 1; b <= 3; b++ {
			dec := jury.Valide
			if o == jury.NonValidation || (o == jury.ReussitePartielle && b == 3) {
				dec = jury.NonValide
			}
			bd := jury.BlockDecision{CandidacyID: l.CandidacyID, BlockCode: fmt.Sprintf("RNCP37779BC%02d", b), Proposal: dec, Decision: dec, VotesValide: 2}
			if dec == jury.NonValide {
				bd.VotesValide, bd.VotesNonValide, bd.CastingVote = 1, 1, true
			}
			l.Decisions = append(l.Decisions, bd)
		}
		if o == jury.ReussitePartielle {
			l.Preconisations = "Approfondir le bloc 3 : « coordination des parcours »."
		}
		m.Candidates = append(m.Candidates, l)
	}
	m.Totals = jury.Totals{Assigned: n}
	for _, l := range m.Candidates {
		switch l.Outcome {
		case jury.ReussiteTotale:
			m.Totals.Full++
		case jury.ReussitePartielle:
			m.Totals.Partial++
		case jury.NonValidation:
			m.Totals.NotValid++
		case jury.Absent:
			m.Totals.Absent++
		case jury.Excuse:
			m.Totals.Excused++
		}
	}
	m.Totals.Presented = m.Totals.Full + m.Totals.Partial + m.Totals.NotValid
	return m
}

// text extracts a PDF's text in content-stream order with pdftotext
// (poppler-utils), whitespace collapsed, and its page count.
func text(t *testing.T, doc []byte) (string, int) {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext manque : apt-get install poppler-utils (.ci/run l'installe)")
	}
	cmd := exec.Command("pdftotext", "-raw", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = strings.NewReader(string(doc))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext : %v", err)
	}
	info := exec.Command("pdfinfo", "-")
	info.Stdin = strings.NewReader(string(doc))
	meta, err := info.Output()
	if err != nil {
		t.Fatalf("pdfinfo : %v", err)
	}
	pages := 0
	if m := regexp.MustCompile(`Pages:\s+(\d+)`).FindSubmatch(meta); m != nil {
		pages, _ = strconv.Atoi(string(m[1]))
	}
	return collapse(string(out)), pages
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }
