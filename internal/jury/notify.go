package jury

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"acquis/internal/mail"
)

// sessionFacts are the date and place of a session, as notices give them.
type sessionFacts struct {
	Title    string    `db:"title"`
	StartsAt time.Time `db:"starts_at"`
	Place    string    `db:"place"`
	Remote   bool      `db:"remote"`
}

func loadSessionFacts(ctx context.Context, tx *sqlx.Tx, sessionID int64) (sessionFacts, error) {
	var f sessionFacts
	err := tx.GetContext(ctx, &f, `SELECT coalesce(v.title, s.certification_code) AS title,
		s.starts_at, s.place, s.remote FROM jury_sessions s JOIN certifications c ON c.code = s.certification_code
		LEFT JOIN certification_versions v ON v.id = c.current_version_id WHERE s.id = $1`, sessionID)
	if err != nil {
		return f, fmt.Errorf("jury: notify: %w", err)
	}
	return f, nil
}

func (f sessionFacts) facts() []mail.Fact {
	place := f.Place
	if f.Remote {
		place += " (à distance)"
	}
	t := f.StartsAt.In(sessionZone)
	return []mail.Fact{
		{Label: "Certification", Value: f.Title},
		{Label: "Date", Value: t.Format("02/01/2006") + " à " + t.Format("15h04")},
		{Label: "Lieu", Value: place},
	}
}

// notifyAssignment queues the candidate's convocation and each evaluator's
// notice that a grid awaits them, in the assignment's transaction.
func notifyAssignment(ctx context.Context, tx *sqlx.Tx, sessionID, candidacyID, candidateID int64, candidateName string, evaluators []int64) error {
	f, err := loadSessionFacts(ctx, tx, sessionID)
	if err != nil {
		return err
	}
	if err := mail.Notify(ctx, tx, candidateID, mail.Notice{
		Subject: "Convocation au jury : " + f.Title,
		Paragraphs: []string{
			"Votre dossier sera présenté au jury de certification aux date et lieu ci-dessous. Présentez-vous muni d'une pièce d'identité ; si vous ne pouvez pas venir, prévenez le certificateur au plus tôt.",
		},
		Facts:  f.facts(),
		Action: "Voir votre candidature", Path: fmt.Sprintf("/candidatures/%d", candidacyID),
	}); err != nil {
		return err
	}
	for _, ev := range evaluators {
		if err := mail.Notify(ctx, tx, ev, mail.Notice{
			Subject: "Grille à remplir : " + candidateName,
			Paragraphs: []string{
				fmt.Sprintf("Vous évaluez le dossier de %s pour la session de jury ci-dessous. Sa grille d'évaluation vous attend dès l'ouverture de la session : lisez le dossier, notez chaque critère puis remettez la grille.", candidateName),
			},
			Facts:  f.facts(),
			Action: "Ouvrir la grille", Path: fmt.Sprintf("/jury/sessions/%d/candidats/%d", sessionID, candidacyID),
		}); err != nil {
			return err
		}
	}
	return nil
}

// notifyMember tells a pool member they sit on a session.
func notifyMember(ctx context.Context, tx *sqlx.Tx, sessionID, userID int64, chair bool) error {
	f, err := loadSessionFacts(ctx, tx, sessionID)
	if err != nil {
		return err
	}
	role := "membre"
	if chair {
		role = "président(e)"
	}
	return mail.Notify(ctx, tx, userID, mail.Notice{
		Subject: "Affectation à une session de jury : " + f.Title,
		Paragraphs: []string{
			fmt.Sprintf("Vous êtes désigné(e) %s du jury de la session ci-dessous. Les dossiers que vous évaluez et leurs grilles sont dans votre espace jury.", role),
		},
		Facts:  f.facts(),
		Action: "Ouvrir votre espace jury", Path: "/jury",
	})
}

// notifyDeliberation tells every member that scoring is closed and the
// deliberation open.
func notifyDeliberation(ctx context.Context, tx *sqlx.Tx, sessionID int64) error {
	f, err := loadSessionFacts(ctx, tx, sessionID)
	if err != nil {
		return err
	}
	var members []int64
	if err := tx.SelectContext(ctx, &members, `SELECT user_id FROM jury_members WHERE session_id = $1 ORDER BY user_id`, sessionID); err != nil {
		return err
	}
	for _, m := range members {
		if err := mail.Notify(ctx, tx, m, mail.Notice{
			Subject:    "Délibération ouverte : " + f.Title,
			Paragraphs: []string{"La notation est close et la délibération de la session ci-dessous est ouverte : le jury arrête la décision pour chaque candidat, puis la présidence signe le procès-verbal."},
			Facts:      f.facts(),
			Action:     "Ouvrir la délibération", Path: fmt.Sprintf("/jury/sessions/%d/deliberation", sessionID),
		}); err != nil {
			return err
		}
	}
	return nil
}
