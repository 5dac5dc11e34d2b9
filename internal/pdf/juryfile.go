package pdf

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"acquis/internal/frsize"
	"acquis/internal/jury"
	"acquis/internal/portfolio"
)

// JuryFileName is the French file name of a jury file.
func JuryFileName(f *jury.CandidateFile) string {
	return fmt.Sprintf("dossier-jury-session-%d-candidature-%d.pdf", f.Session.ID, f.Candidacy.ID)
}

// JuryFile prints a candidacy's jury file: the candidate and their
// pathway, the jury and its declarations, the documents assessed, the
// self-assessment, and for each bloc every criterion verbatim with each
// evaluator's verdict and comment, the proposal and the decision.
func JuryFile(f *jury.CandidateFile, at time.Time) ([]byte, error) {
	return JuryFileWithIdentity(f, at, nil)
}

// JuryFileWithIdentity is JuryFile headed with the certifier's identity
// (nil: the référentiel's certifier names it, with no letterhead).
func JuryFileWithIdentity(f *jury.CandidateFile, at time.Time, iss *Issuer) ([]byte, error) {
	sum, err := HashData(f)
	if err != nil {
		return nil, err
	}
	c := f.Candidacy
	meta := metaFor(f.Certification, "Dossier jury — "+c.CandidateName, fmt.Sprintf("DJ-%d-%d", f.Session.ID, c.ID), at, sum)
	meta.Certifier = iss.nameOr(meta.Certifier)
	d := newDoc(meta)
	if iss != nil {
		d.letterhead(iss, meta.Certifier)
	}
	d.Title("Dossier jury")
	d.Fields(
		[2]string{"Candidat", c.CandidateName},
		[2]string{"Certification", f.Certification.Code + " — " + f.Certification.Title},
		[2]string{"Version du référentiel", fmt.Sprintf("n° %d (empreinte %s)", f.Certification.VersionID, short(f.Certification.ContentHash))},
		[2]string{"Candidature", fmt.Sprintf("n° %d, ouverte le %s", c.ID, FormatDate(c.CreatedAt))},
		[2]string{"Structure", orDash(c.OrganisationName)},
		[2]string{"Expérience déclarée", experience(c)},
		[2]string{"Session de jury", sessionLine(f.Session)},
	)

	d.Heading("Parcours par bloc")
	t := d.Table([]Column{{Width: 38, Header: "Bloc"}, {Width: 0, Header: "Intitulé"}, {Width: 30, Header: "Voie"}})
	for _, b := range f.TargetedBlocks() {
		t.Row(b.Code, b.Title, pathwayOf(c, b.Code))
	}

	d.Heading("Composition du jury")
	t = d.Table([]Column{{Width: 60, Header: "Membre"}, {Width: 55, Header: "Collège"}, {Width: 0, Header: "Rôle"}})
	for _, m := range f.Members {
		role := "Membre"
		if m.IsChair {
			role = "Présidence du jury (voix prépondérante)"
		}
		t.Row(m.Name, m.SessionCollege.Label(), role)
	}
	d.Para(RuleText)

	d.Heading("Déclarations d'absence de conflit d'intérêts")
	d.Para("Chaque membre du jury, présidence comprise, déclare pour ce candidat n'avoir aucun lien professionnel ou personnel, présent ou passé, avec lui, et ne pas l'avoir accompagné dans sa VAE, avant de voir son dossier.")
	t = d.Table([]Column{{Width: 60, Header: "Membre"}, {Width: 40, Header: "Date"}, {Width: 0, Header: "Déclaration"}})
	for _, dc := range f.Declarations {
		what := "absence de conflit d'intérêts"
		if dc.Conflict {
			what = "conflit déclaré : " + dc.Note
		}
		t.Row(dc.Name, FormatDateTime(dc.DeclaredAt), what)
	}
	for _, r := range f.Recused {
		d.Para(fmt.Sprintf("%s ne prend pas part à l'évaluation ni à la délibération de ce candidat : %s.", r.Name, r.Reason))
	}
	d.Subheading("Évaluateurs")
	t = d.Table([]Column{{Width: 55, Header: "Évaluateur"}, {Width: 45, Header: "Collège"}, {Width: 35, Header: "Déclaration signée"}, {Width: 0, Header: "Grille remise"}})
	for _, e := range f.Evaluators {
		t.Row(e.Name, e.College.Label(), datePtr(e.DeclaredAt), datePtr(e.SubmittedAt))
	}
	for _, g := range f.LeftOut {
		d.Para(fmt.Sprintf("La grille de %s, non remise à l'ouverture de la délibération, a été laissée de côté : %s", g.Name, g.Reason))
	}

	documents(d, f)
	selfAssessment(d, f)

	for _, b := range f.TargetedBlocks() {
		d.Heading("Bloc " + b.Code + " — " + b.Title)
		cols := []Column{{Width: 52, Header: "Critère d'évaluation"}}
		n := max(len(f.Evaluators), 1)
		for i, e := range f.Evaluators {
			w := (contentWidth - 52) / float64(n)
			if i == n-1 {
				w = 0
			}
			cols = append(cols, Column{Width: w, Header: e.Name})
		}
		t := d.Table(cols)
		for _, cr := range b.Criteria {
			row := []string{cr.Code + "\n" + cr.Label}
			for _, e := range f.Evaluators {
				row = append(row, verdictCell(f, e.UserID, cr.Code))
			}
			t.Row(row...)
		}
		for _, tl := range f.Tally {
			if tl.BlockCode == b.Code {
				d.f.Ln(1)
				d.Para(fmt.Sprintf("Proposition des évaluateurs : %s (%d grille(s) remise(s) sur %d notent tous les critères acquis).",
					jury.DecisionLabel(tl.Proposal), tl.AllAcquis, tl.Evaluators))
			}
		}
		decided := false
		for _, dec := range f.Decisions {
			if dec.BlockCode == b.Code {
				decided = true
				d.font("B", bodySize)
				d.Para("Décision du jury : " + jury.DecisionLabel(dec.Decision))
				d.font("", bodySize)
				if dec.VotesValide+dec.VotesNonValide > 0 {
					vote := fmt.Sprintf("Voix des membres présents : %d pour « validé », %d pour « non validé »", dec.VotesValide, dec.VotesNonValide)
					if dec.CastingVote {
						vote += " ; partage égal départagé par la voix prépondérante de la présidence du jury"
					}
					d.Para(vote + ".")
				}
				if dec.Amended {
					d.Para("Décision corrigée par avenant.")
				}
				if dec.Reason != "" {
					d.Para("Motif : " + dec.Reason)
				}
			}
		}
		if !decided {
			d.Para("Décision du jury : pas encore prise.")
		}
	}

	d.Heading("Résultat")
	if f.Outcome == "" {
		d.Para("Le résultat n'est pas encore enregistré.")
	} else {
		d.font("B", bodySize)
		d.Para(f.Outcome.Label())
		d.font("", bodySize)
	}
	if f.Preconisations != "" {
		d.Subheading("Préconisations du jury")
		d.Para(f.Preconisations)
	}
	if m := f.Minutes; m != nil {
		d.Para(fmt.Sprintf("Procès-verbal signé le %s par %s (version %d, SHA-256 %s).",
			FormatDateTime(m.SignedAt), m.Content.SignedBy, m.Version, m.SHA256))
	}

	d.Heading("Signatures")
	var who []string
	for _, m := range f.Members {
		if m.IsChair {
			who = append(who, "Présidence du jury : "+m.Name)
		}
	}
	for _, e := range f.Evaluators {
		who = append(who, "Évaluateur : "+e.Name)
	}
	for len(who) > 0 {
		n := min(len(who), 3)
		d.Signatures(who[:n]...)
		who = who[n:]
	}
	return d.Bytes()
}

func documents(d *Doc, f *jury.CandidateFile) {
	d.Heading("Documents examinés")
	var rows []fileRow
	if dep := f.Deposit; dep != nil {
		d.Para(fmt.Sprintf("Dépôt n° %d du %s.", dep.Number, FormatDateTime(dep.SubmittedAt)))
		rows = depositRows(dep)
	} else {
		d.Para("Aucun dépôt n'a été enregistré : versions actuelles des documents.")
		for _, x := range f.Documents {
			if x.DeletedAt == nil {
				rows = append(rows, fileRow{documentBlocks(x) + "\n" + x.DeliverableCode, x.FileName, x.SHA256, x.Version, x.Size, x.UploadedAt})
			}
		}
	}
	d.fileTable(rows)
}

// fileRow is one file as the jury file and the receipt list it.
type fileRow struct {
	what, name, sha string
	version         int
	size            int64
	at              time.Time
}

func depositRows(dep *portfolio.Deposit) []fileRow {
	rows := make([]fileRow, 0, len(dep.Files))
	for _, x := range dep.Files {
		rows = append(rows, fileRow{x.BlocksLabel() + "\n" + x.DeliverableName, x.FileName, x.SHA256, x.Version, x.Size, x.UploadedAt})
	}
	return rows
}

// fileTable lists files with their version, size, SHA-256 and date.
func (d *Doc) fileTable(rows []fileRow) {
	if len(rows) == 0 {
		d.Para("Aucun document.")
		return
	}
	t := d.Table([]Column{{Width: 34, Header: "Bloc et livrable"}, {Width: 0, Header: "Fichier et SHA-256"}, {Width: 11, Header: "Vers.", Align: "C"}, {Width: 18, Header: "Taille", Align: "R"}, {Width: 27, Header: "Déposé le"}})
	for _, r := range rows {
		t.Row(r.what, r.name+"\n"+r.sha, strconv.Itoa(r.version), frsize.Format(r.size), FormatDateTime(r.at))
	}
}

func selfAssessment(d *Doc, f *jury.CandidateFile) {
	d.Heading("Auto-évaluation du candidat")
	if len(f.SelfAssessment) == 0 {
		d.Para("Le candidat n'a pas rempli d'auto-évaluation.")
		return
	}
	d.Para("Échelle à cinq niveaux : " + scaleLine())
	t := d.Table([]Column{{Width: 80, Header: "Compétence"}, {Width: 16, Header: "Niveau", Align: "C"}, {Width: 0, Header: "Commentaire du candidat"}})
	for _, b := range f.TargetedBlocks() {
		for _, comp := range b.Competences {
			a, ok := f.SelfAssessment[comp.Code]
			level := "—"
			if ok {
				level = "Niv. " + strconv.Itoa(a.Level)
			}
			t.Row(comp.Code+"\n"+comp.Label, level, a.Comment)
		}
	}
}

func scaleLine() string {
	parts := make([]string, len(portfolio.Scale))
	for i, l := range portfolio.Scale {
		parts[i] = l.Short + " " + strings.ToLower(l.Label[:1]) + l.Label[1:]
	}
	return strings.Join(parts, " ; ") + "."
}

func verdictCell(f *jury.CandidateFile, evaluator int64, criterion string) string {
	for _, v := range f.Verdicts {
		if v.EvaluatorID == evaluator && v.CriterionCode == criterion {
			label := "Acquis"
			if v.Verdict == jury.NonAcquis {
				label = "Non acquis"
			}
			if v.Comment != "" {
				return label + "\n" + v.Comment
			}
			return label
		}
	}
	return "Non noté"
}

func pathwayOf(c *portfolio.Candidacy, block string) string {
	for _, t := range c.Blocks {
		if t.BlockCode == block {
			return t.Pathway.Label()
		}
	}
	return "—"
}

func experience(c *portfolio.Candidacy) string {
	if c.ExperienceMonths == 0 && c.ExperienceRole == "" {
		return "—"
	}
	s := fmt.Sprintf("%d mois", c.ExperienceMonths)
	if c.ExperienceRole != "" {
		s += ", " + c.ExperienceRole
	}
	if c.ExperienceEmployer != "" {
		s += " (" + c.ExperienceEmployer + ")"
	}
	return s
}

func sessionLine(s *jury.Session) string {
	where := s.Place
	if s.Remote {
		where = "à distance"
		if s.Place != "" {
			where = s.Place + " et à distance"
		}
	}
	return fmt.Sprintf("n° %d, le %s, %s — %s", s.ID, FormatDateTime(s.StartsAt), orDash(where), s.Status.Label())
}

func datePtr(t *time.Time) string {
	if t == nil {
		return "—"
	}
	return FormatDateTime(*t)
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

func short(hash string) string {
	if len(hash) > 16 {
		return hash[:16] + "…"
	}
	return hash
}

// documentBlocks names the presented blocs a document serves (several for
// a shared file such as CASP's mémoire), or its own bloc.
func documentBlocks(x portfolio.Document) string {
	if len(x.Blocks) > 0 {
		return strings.Join(x.Blocks, ", ")
	}
	return x.BlockCode
}
