package pdf

import (
	"context"
	"fmt"
	"sort"
	"strconv"

	"acquis/internal/certifier"
	"acquis/internal/jury"
)

// MinutesFileName is the French file name of a version of the minutes.
func MinutesFileName(sessionID int64, version int) string {
	return fmt.Sprintf("proces-verbal-session-%d-v%d.pdf", sessionID, version)
}

// Minutes prints the procès-verbal de délibération of a session from its
// signed content; contentSHA is the SHA-256 recorded with the signature.
// An amendment (version > 1) names the version it replaces, its reason
// and its corrections.
func Minutes(m *jury.MinutesContent, contentSHA string) ([]byte, error) {
	return minutes(m, contentSHA, nil)
}

// MinutesWithIdentity is the minutes renderer that heads them with the
// certifier's identity (logo, name, address, registration) as it stands
// when they are signed; the PDF is stored then and never re-rendered.
func MinutesWithIdentity(s *certifier.Store) jury.MinutesRenderer {
	return func(m *jury.MinutesContent, contentSHA string) ([]byte, error) {
		iss, err := IssuerFrom(context.Background(), s)
		if err != nil {
			return nil, err
		}
		return minutes(m, contentSHA, iss)
	}
}

func minutes(m *jury.MinutesContent, contentSHA string, iss *Issuer) ([]byte, error) {
	title := "Procès-verbal de délibération du jury"
	id := fmt.Sprintf("PV-%d-v%d", m.SessionID, m.Version)
	d := newDoc(Meta{
		Title:         title,
		ID:            id,
		Certifier:     m.Certifier,
		Certification: m.CertificationCode + " — " + m.CertificationTitle,
		At:            m.SignedAt,
		DataSHA256:    contentSHA,
		AuditHead:     m.AuditHead,
	})
	if iss != nil {
		d.letterhead(iss, m.Certifier)
	}
	d.Title(title)
	where := m.Place
	if m.Remote {
		where = "à distance"
		if m.Place != "" {
			where = m.Place + " et à distance"
		}
	}
	version := strconv.Itoa(m.Version)
	if m.Supersedes > 0 {
		version += fmt.Sprintf(" — avenant qui remplace la version %d", m.Supersedes)
	}
	d.Fields(
		[2]string{"Certificateur", orDash(m.Certifier)},
		[2]string{"Certification", m.CertificationCode + " — " + m.CertificationTitle},
		[2]string{"Session", fmt.Sprintf("n° %d, le %s, %s", m.SessionID, FormatDateTime(m.StartsAt), orDash(where))},
		[2]string{"Version du procès-verbal", version},
	)
	if m.Reason != "" {
		d.Subheading("Motif de l'avenant")
		d.Para(m.Reason)
	}

	d.Heading("Composition du jury")
	t := d.Table([]Column{{Width: 62, Header: "Membre"}, {Width: 55, Header: "Collège"}, {Width: 40, Header: "Rôle"}, {Width: 0, Header: "Délibération"}})
	for _, mb := range m.Members {
		role := "Membre"
		if mb.Chair {
			role = "Présidence du jury"
		}
		presence := "présent·e"
		if mb.Absent {
			presence = "absent·e"
		}
		t.Row(mb.Name, jury.College(mb.College).Label(), role, presence)
	}
	d.Para(RuleText)

	d.Heading("Décisions par candidat et par bloc")
	blocks := blockColumns(m)
	cols := []Column{{Width: 46, Header: "Candidat"}}
	bw := (contentWidth - 46 - 44) / float64(max(len(blocks), 1))
	for _, b := range blocks {
		cols = append(cols, Column{Width: bw, Header: b, Align: "C"})
	}
	cols = append(cols, Column{Width: 0, Header: "Résultat"})
	t = d.Table(cols)
	for _, l := range m.Candidates {
		row := []string{l.CandidateName}
		for _, b := range blocks {
			cell := "—"
			for _, dec := range l.Decisions {
				if dec.BlockCode == b {
					cell = jury.DecisionLabel(dec.Decision)
				}
			}
			if !l.Outcome.Presented() {
				cell = "—"
			}
			row = append(row, cell)
		}
		row = append(row, l.Outcome.Label())
		t.Row(row...)
	}
	d.Para("« — » : bloc non visé par la candidature, ou candidat non présenté.")

	d.Heading("Délibération par bloc")
	t = d.Table([]Column{{Width: 46, Header: "Candidat"}, {Width: 30, Header: "Bloc"}, {Width: 27, Header: "Proposition"},
		{Width: 30, Header: "Voix validé / non validé"}, {Width: 25, Header: "Voix prépondérante"}, {Width: 0, Header: "Décision"}})
	for _, l := range m.Candidates {
		if !l.Outcome.Presented() {
			continue
		}
		for _, dec := range l.Decisions {
			votes, casting := "—", "—"
			if dec.VotesValide+dec.VotesNonValide > 0 {
				votes = fmt.Sprintf("%d / %d", dec.VotesValide, dec.VotesNonValide)
				casting = "non"
				if dec.CastingVote {
					casting = "oui"
				}
			}
			decision := jury.DecisionLabel(dec.Decision)
			if dec.Amended {
				decision += " (avenant)"
			} else if dec.Reason != "" {
				decision += " — motif : " + dec.Reason
			}
			t.Row(l.CandidateName, dec.BlockCode, jury.DecisionLabel(dec.Proposal), votes, casting, decision)
		}
	}
	var apart []string
	for _, l := range m.Candidates {
		for _, r := range l.Recused {
			apart = append(apart, fmt.Sprintf("%s n'a pas pris part à la délibération de %s : %s.", r.Name, l.CandidateName, r.Reason))
		}
		for _, g := range l.LeftOut {
			apart = append(apart, fmt.Sprintf("La grille de %s pour %s, non remise à l'ouverture de la délibération, a été laissée de côté : %s", g.Name, l.CandidateName, g.Reason))
		}
	}
	if len(apart) > 0 {
		d.Subheading("Membres en conflit d'intérêts et grilles laissées de côté")
		for _, a := range apart {
			d.Para(a)
		}
	}

	d.Heading("Totaux")
	tt := m.Totals
	t = d.Table([]Column{{Width: 120, Header: "Candidatures"}, {Width: 0, Header: "Nombre", Align: "R"}})
	t.Row("Inscrites à la session", strconv.Itoa(tt.Assigned))
	t.Row("Présentées au jury", strconv.Itoa(tt.Presented))
	t.Row("dont réussite totale (certification obtenue)", strconv.Itoa(tt.Full))
	t.Row("dont réussite partielle", strconv.Itoa(tt.Partial))
	t.Row("dont non validation", strconv.Itoa(tt.NotValid))
	t.Row("Candidats absents", strconv.Itoa(tt.Absent))
	t.Row("Candidats excusés sur justificatif", strconv.Itoa(tt.Excused))

	var withAdvice []jury.MinutesLine
	for _, l := range m.Candidates {
		if l.Preconisations != "" {
			withAdvice = append(withAdvice, l)
		}
	}
	if len(withAdvice) > 0 {
		d.Heading("Préconisations du jury")
		t = d.Table([]Column{{Width: 46, Header: "Candidat"}, {Width: 0, Header: "Préconisations"}})
		for _, l := range withAdvice {
			t.Row(l.CandidateName, l.Preconisations)
		}
	}

	if len(m.Changes) > 0 {
		d.Heading("Corrections apportées par l'avenant")
		t = d.Table([]Column{{Width: 46, Header: "Candidat"}, {Width: 0, Header: "Correction"}})
		for _, ch := range m.Changes {
			name := fmt.Sprintf("candidature n° %d", ch.CandidacyID)
			for _, l := range m.Candidates {
				if l.CandidacyID == ch.CandidacyID {
					name = l.CandidateName
				}
			}
			what := ""
			if ch.BlockCode != "" {
				what = "Bloc " + ch.BlockCode + " : " + jury.DecisionLabel(ch.Decision)
			}
			if ch.Outcome != "" {
				if what != "" {
					what += "\n"
				}
				what += "Résultat : " + ch.Outcome.Label()
			}
			t.Row(name, what)
		}
	}

	d.Heading("Signature")
	d.Para(fmt.Sprintf("Procès-verbal signé par %s, au titre de la présidence du jury, le %s. Empreinte SHA-256 du contenu signé : %s.",
		orDash(m.SignedBy), FormatDateTime(m.SignedAt), contentSHA))
	d.Signatures("Présidence du jury : " + m.SignedBy)
	return d.Bytes()
}

// RuleText states the jury's rule as acquis applies it; the minutes and
// the jury file print it.
const RuleText = "Règle de décision (art. D6412-6 du code du travail) : les grilles remises par les évaluateurs donnent la proposition ; " +
	"chaque membre présent qui a signé sa déclaration d'absence de conflit d'intérêts pour le candidat vote sur chaque bloc ; " +
	"le jury décide à la majorité des membres présents ; en cas de partage égal des voix, la voix de la présidence du jury est prépondérante " +
	"(si la présidence ne prend pas part à la délibération d'un candidat, un partage égal ne valide pas le bloc). " +
	"Une décision qui s'écarte de la proposition est motivée ; le résultat découle des décisions par bloc."

// blockColumns lists the blocs decided in the session, in code order
// (which is the référentiel's: …BC01, …BC02).
func blockColumns(m *jury.MinutesContent) []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range m.Candidates {
		for _, d := range l.Decisions {
			if !seen[d.BlockCode] {
				seen[d.BlockCode] = true
				out = append(out, d.BlockCode)
			}
		}
	}
	sort.Strings(out)
	return out
}
