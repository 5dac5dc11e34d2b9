package portfolio

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"acquis/internal/mail"
)

// notifyTransition queues, in the transition's transaction, the e-mail
// that tells the candidate what the move means for them and what to do
// next. Moves the candidate makes without consequence to announce (their
// own withdrawal, starting their dossier) send nothing.
func notifyTransition(ctx context.Context, tx *sqlx.Tx, id int64, from, to State, reason string) error {
	var c struct {
		CandidateID int64      `db:"candidate_id"`
		Title       string     `db:"title"`
		Due         *time.Time `db:"admissibility_due"`
	}
	if err := tx.GetContext(ctx, &c, `SELECT c.candidate_id, v.title, c.admissibility_due
		FROM candidacies c JOIN certification_versions v ON v.id = c.version_id WHERE c.id = $1`, id); err != nil {
		return fmt.Errorf("portfolio: notify: %w", err)
	}
	n, ok := transitionNotice(id, c.Title, from, to, reason, c.Due)
	if !ok {
		return nil
	}
	return mail.Notify(ctx, tx, c.CandidateID, n)
}

// transitionNotice writes the notice for a move; ok is false when the
// move announces nothing.
func transitionNotice(id int64, title string, from, to State, reason string, due *time.Time) (mail.Notice, bool) {
	page := fmt.Sprintf("/candidatures/%d", id)
	open := "Ouvrir votre candidature"
	switch to {
	case AdmissibilitySubmitted:
		n := mail.Notice{
			Subject: "Candidature reçue : " + title,
			Paragraphs: []string{
				fmt.Sprintf("Votre demande de recevabilité pour « %s » a bien été reçue par le certificateur.", title),
			},
			Action: "Suivre votre candidature", Path: page,
		}
		if due != nil {
			n.Paragraphs = append(n.Paragraphs, fmt.Sprintf("Le certificateur dispose de %d mois pour se prononcer, soit jusqu'au %s. Sans réponse de sa part à cette date, votre candidature est réputée recevable (article L6412-2 du code du travail).",
				AdmissibilityDelayMonths, due.Format("02/01/2006")))
		}
		return n, true
	case Admissible:
		return mail.Notice{
			Subject: "Votre candidature est recevable : " + title,
			Paragraphs: []string{
				fmt.Sprintf("Le certificateur a déclaré votre candidature à « %s » recevable.", title),
				"Vous pouvez maintenant constituer votre dossier : déposez les livrables attendus pour chaque bloc, puis déposez le dossier complet pour qu'il soit présenté au jury.",
			},
			Facts:  reasonFacts(reason),
			Action: "Constituer votre dossier", Path: page,
		}, true
	case Incomplete:
		return mail.Notice{
			Subject: "Votre demande de recevabilité est incomplète : " + title,
			Paragraphs: []string{
				fmt.Sprintf("Le certificateur ne peut pas encore se prononcer sur votre candidature à « %s » : il manque des éléments.", title),
				fmt.Sprintf("Complétez votre demande puis envoyez-la de nouveau : le certificateur dispose alors de nouveau de %d mois pour se prononcer (article L6412-2 du code du travail).", AdmissibilityDelayMonths),
			},
			Facts:  reasonFacts(reason),
			Action: "Compléter votre demande", Path: page,
		}, true
	case NotAdmissible:
		return mail.Notice{
			Subject: "Votre candidature n'est pas recevable : " + title,
			Paragraphs: []string{
				fmt.Sprintf("Le certificateur a déclaré votre candidature à « %s » non recevable, pour les motifs ci-dessous.", title),
				AppealRoute,
			},
			Facts:  reasonFacts(reason),
			Action: "Voir la décision", Path: page,
		}, true
	case DossierInProgress:
		if from == Admissible {
			return mail.Notice{}, false
		}
		n := mail.Notice{
			Subject: "Votre dossier est rouvert : " + title,
			Paragraphs: []string{
				fmt.Sprintf("Votre dossier pour « %s » est de nouveau modifiable.", title),
				"Complétez-le puis déposez-le de nouveau : un nouveau récépissé sera émis.",
			},
			Facts:  reasonFacts(reason),
			Action: "Reprendre votre dossier", Path: page,
		}
		if from == Evaluated {
			n.Paragraphs[1] = "Les blocs que le jury vous a accordés vous restent acquis à vie ; cette nouvelle tentative porte sur les blocs manquants."
		}
		return n, true
	case Evaluated:
		return mail.Notice{
			Subject: "Résultat du jury : " + title,
			Paragraphs: []string{
				fmt.Sprintf("Le jury a délibéré sur votre candidature à « %s » et son procès-verbal est signé.", title),
				"Votre page de candidature donne la décision pour chaque bloc. Pour chaque bloc acquis, l'attestation se télécharge en PDF depuis cette page (rubrique « Attestations et certificat ») ; le certificat l'est aussi lorsque tous les blocs sont acquis. Les blocs acquis le sont à vie.",
			},
			Action: "Voir le résultat et télécharger vos attestations", Path: page,
		}, true
	case Closed:
		return mail.Notice{
			Subject: "Votre candidature est clôturée : " + title,
			Paragraphs: []string{
				fmt.Sprintf("Votre candidature à « %s » est clôturée. Vos attestations et, le cas échéant, votre certificat restent téléchargeables depuis votre espace.", title),
			},
			Action: open, Path: page,
		}, true
	}
	return mail.Notice{}, false
}

// depositNotice is the receipt's e-mail: the deposit's page holds the
// receipt PDF. It is sent by Submit, once the deposit has its number.
func depositNotice(id int64, number int, title string, files int) mail.Notice {
	return mail.Notice{
		Subject: "Récépissé de dépôt de votre dossier : " + title,
		Paragraphs: []string{
			fmt.Sprintf("Votre dossier pour « %s » est déposé (dépôt n° %d, %d fichier(s)) : il est verrouillé et sera présenté au jury tel quel.", title, number, files),
			"Le récépissé (PDF) liste chaque fichier déposé avec son empreinte : téléchargez-le et conservez-le. Vous recevrez votre convocation au jury (date et lieu) dès que le certificateur vous aura inscrit à une session.",
		},
		Action: "Télécharger votre récépissé",
		Path:   fmt.Sprintf("/candidatures/%d/depots/%d", id, number),
	}
}

// equivalenceNotice tells the candidate the certifier's decision on the
// proof given for a bloc aimed at by équivalence.
func equivalenceNotice(id int64, title, block string, accepted bool, note string) mail.Notice {
	n := mail.Notice{
		Facts:  []mail.Fact{{Label: "Bloc", Value: block}, {Label: "Motifs", Value: note}},
		Action: "Voir votre candidature", Path: fmt.Sprintf("/candidatures/%d", id),
	}
	if accepted {
		n.Subject = "Équivalence accordée : bloc " + block
		n.Paragraphs = []string{fmt.Sprintf("Le certificateur a accepté l'équivalence pour le bloc %s de « %s » : ce bloc vous est acquis, à vie, sans passage devant le jury. Son attestation se télécharge depuis votre candidature.", block, title)}
	} else {
		n.Subject = "Équivalence refusée : bloc " + block
		n.Paragraphs = []string{fmt.Sprintf("Le certificateur n'a pas accepté la preuve fournie pour le bloc %s de « %s », pour les motifs ci-dessous. Vous pouvez fournir une autre preuve depuis votre candidature.", block, title)}
	}
	return n
}

func reasonFacts(reason string) []mail.Fact {
	if reason == "" {
		return nil
	}
	return []mail.Fact{{Label: "Motifs", Value: reason}}
}
