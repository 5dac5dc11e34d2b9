package web

import "sort"

// auditActions names in French each action the audit log records, for the
// log's page, its filter and its CSV export. An action missing here is
// shown by its code.
var auditActions = map[string]string{
	"access.denied":                   "Accès refusé",
	"accrochage.exported":             "Export accrochage (Caisse des Dépôts)",
	"api_key.issued":                  "Clé d'API émise",
	"audit.exported":                  "Journal d'audit exporté",
	"api_key.revoked":                 "Clé d'API révoquée",
	"block.acquired":                  "Bloc acquis",
	"candidacy.create":                "Candidature créée",
	"candidacy.deposit":               "Dossier déposé",
	"candidacy.equivalence_decision":  "Décision sur une équivalence",
	"candidacy.equivalence_proof":     "Preuve d'équivalence envoyée",
	"candidacy.prerequisite_check":    "Prérequis vérifié",
	"candidacy.prerequisite_evidence": "Justificatif de prérequis envoyé",
	"candidacy.self_assessment":       "Auto-évaluation enregistrée",
	"candidacy.transition":            "Changement d'état d'une candidature",
	"certification.awarded":           "Certification délivrée",
	"civil_status.saved":              "État civil enregistré",
	"document.delete":                 "Document supprimé",
	"document.read":                   "Document consulté",
	"document.refused":                "Document refusé",
	"document.upload":                 "Document envoyé",
	"followup.recorded":               "Enquête de suivi enregistrée",
	"input.refused":                   "Saisie refusée",
	"jury.amended":                    "Avenant au procès-verbal",
	"jury.assign":                     "Candidature inscrite à une session",
	"jury.block_decision":             "Décision du jury sur un bloc",
	"jury.chair_change":               "Présidence du jury changée",
	"jury.file.read":                  "Dossier jury consulté",
	"jury.grid_submitted":             "Grille d'évaluation remise",
	"jury.link_declared":              "Lien avec un candidat déclaré",
	"jury.member_add":                 "Membre ajouté au jury",
	"jury.member_remove":              "Membre retiré du jury",
	"jury.no_conflict_declared":       "Absence de conflit d'intérêts déclarée",
	"jury.outcome":                    "Résultat arrêté par le jury",
	"jury.profile":                    "Profil de juré enregistré",
	"jury.session_create":             "Session de jury créée",
	"jury.session_status":             "État d'une session de jury changé",
	"jury.signed":                     "Procès-verbal signé",
	"jury.verdict":                    "Critère évalué",
	"organisation.create":             "Organisation créée",
	"plan.target":                     "Objectif du plan enregistré",
	"referentiel.install":             "Référentiel installé",
	"referentiel.template":            "Modèle de livrable proposé",
	"referentiel.template_refused":    "Modèle de livrable refusé",
	"staff.created":                   "Personnel ajouté",
	"staff.updated":                   "Personnel modifié",
	"staff.deleted":                   "Personnel supprimé",
	"staff.departed":                  "Départ d'un personnel",
	"staff.evidence":                  "Justificatif de personnel envoyé",
	"staff.evidence.read":             "Justificatif de personnel consulté",
	"staff.imported":                  "Effectif importé",
	"staff.linked":                    "Personnel relié à un compte",
	"user.create":                     "Compte créé",
	"user.disable":                    "Compte désactivé ou réactivé",
	"user.export":                     "Données personnelles exportées",
	"user.grant":                      "Rôle attribué",
	"user.invite":                     "Invitation envoyée",
	"user.login":                      "Connexion",
	"user.login_failed":               "Échec de connexion",
	"user.login_throttled":            "Connexion freinée après des échecs",
	"user.logout":                     "Déconnexion",
	"user.password_change":            "Mot de passe changé",
	"user.pseudonymise":               "Compte pseudonymisé",
	"user.reset_request":              "Réinitialisation du mot de passe demandée",
	"user.reset_request_disabled":     "Réinitialisation demandée pour un compte désactivé",
	"user.reset_request_unknown":      "Réinitialisation demandée pour une adresse inconnue",
	"user.reset_throttled":            "Réinitialisation freinée",
	"user.revoke":                     "Rôle retiré",
}

// auditActionLabel is the French label of an action code.
func auditActionLabel(code string) string {
	if l, ok := auditActions[code]; ok {
		return l
	}
	return code
}

// auditActionOption is one entry of the action filter.
type auditActionOption struct {
	Code, Label string
}

// auditActionOptions lists the actions by label, for the filter.
func auditActionOptions() []auditActionOption {
	out := make([]auditActionOption, 0, len(auditActions))
	for code, label := range auditActions {
		out = append(out, auditActionOption{code, label})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	return out
}
