package web

import (
	"net/http"

	"acquis/internal/account"
)

// routes lists every route with the action it performs: the policy in
// account.Can decides access for all of them, and the authorisation matrix
// test fails on a route it does not know.
func (s *Server) routes() {
	e := s.echo
	e.GET("/static/*", s.assets.handler)
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET(metricsPath, s.metricsPage)

	const (
		get  = http.MethodGet
		post = http.MethodPost
		pub  = account.ActPublic
	)
	s.handle(get, "/", pub, nil, s.home)
	s.handle(get, "/referentiels", pub, nil, s.referentielList)
	s.handle(get, "/referentiels/:code", pub, nil, s.referentielShow)
	s.handle(get, "/api/v1/certifications", pub, nil, s.apiCertificationList)
	s.handle(get, "/api/v1/certifications/:code", pub, nil, s.apiCertificationShow)
	// Anyone may verify a certificate or an attestation (issue 16).
	s.handle(get, "/verifier", pub, nil, s.verifyForm)
	s.handle(get, "/verifier/:code", pub, nil, s.verifyShow)
	s.handle(get, "/verifier/:code/statut", pub, nil, s.verifyStatus)
	s.handle(get, "/.well-known/jwks.json", pub, nil, s.jwks)
	s.handle(get, "/emetteur", pub, nil, s.issuerProfile)
	s.handle(get, "/emetteur/certificats.pem", pub, nil, s.signingCertificates)
	s.handle(get, "/statut/liste", pub, nil, s.statusList)

	s.handle(get, "/api/v1/openapi.json", pub, nil, s.apiDescription)

	s.handle(get, "/login", pub, nil, s.loginForm)
	s.handle(post, "/login", pub, nil, s.loginSubmit)
	s.handle(post, "/logout", pub, nil, s.logout)
	s.handle(get, "/mot-de-passe-oublie", pub, nil, s.forgotForm)
	s.handle(post, "/mot-de-passe-oublie", pub, nil, s.forgotSubmit)
	s.handle(get, "/reinitialiser/:token", pub, nil, s.tokenForm(account.PurposeReset))
	s.handle(post, "/reinitialiser/:token", pub, nil, s.tokenSubmit(account.PurposeReset))
	s.handle(get, "/invitation/:token", pub, nil, s.tokenForm(account.PurposeInvite))
	s.handle(post, "/invitation/:token", pub, nil, s.tokenSubmit(account.PurposeInvite))

	s.handle(get, "/compte", account.ActSelf, nil, s.accountPage)
	s.handle(post, "/compte/mot-de-passe", account.ActSelf, nil, s.accountPassword)
	s.handle(get, "/compte/donnees", account.ActSelf, nil, s.accountData)
	s.handle(get, "/compte/etat-civil", account.ActSelf, nil, s.civilStatusForm)
	s.handle(post, "/compte/etat-civil", account.ActSelf, nil, s.civilStatusSave)
	s.handle(get, "/compte/communes", account.ActSelf, nil, s.communeSearch)

	s.handle(get, "/admin", account.ActAdminUsers, nil, s.adminHome)
	s.handle(get, "/admin/users", account.ActAdminUsers, nil, s.adminUsers)
	s.handle(post, "/admin/users", account.ActAdminUsers, nil, s.adminUserInvite)
	s.handle(get, "/admin/users/:id", account.ActAdminUsers, nil, s.adminUser)
	s.handle(post, "/admin/users/:id/roles", account.ActAdminUsers, nil, s.adminUserGrant)
	s.handle(post, "/admin/users/:id/roles/:grant/retirer", account.ActAdminUsers, nil, s.adminUserRevoke)
	s.handle(post, "/admin/users/:id/desactiver", account.ActAdminUsers, nil, s.adminUserDisable(true))
	s.handle(post, "/admin/users/:id/reactiver", account.ActAdminUsers, nil, s.adminUserDisable(false))
	s.handle(post, "/admin/users/:id/invitation", account.ActAdminUsers, nil, s.adminUserReinvite)
	s.handle(post, "/admin/users/:id/pseudonymiser", account.ActAdminUsers, nil, s.adminUserPseudonymise)
	s.handle(get, "/admin/organisations", account.ActAdminOrgs, nil, s.adminOrgs)
	s.handle(post, "/admin/organisations", account.ActAdminOrgs, nil, s.adminOrgCreate)
	// The certifier's list of equivalent certifications (issue 14 #8).
	s.handle(get, "/admin/certifications-equivalentes", account.ActAdminOrgs, nil, s.adminEquivalents)
	s.handle(post, "/admin/certifications-equivalentes", account.ActAdminOrgs, nil, s.adminEquivalentCreate)
	s.handle(get, "/admin/audit", account.ActAdminAudit, nil, s.adminAudit)
	s.handle(get, "/admin/audit.csv", account.ActAdminAudit, nil, s.adminAuditCSV)

	s.handle(get, "/admin/certificateur", account.ActAdminOrgs, nil, s.adminCertifier)
	s.handle(post, "/admin/certificateur", account.ActAdminOrgs, nil, s.adminCertifierSave)
	s.handle(get, "/admin/outbox", account.ActAdminOutbox, nil, s.adminOutbox)

	handleIn(s, get, "/plateformes/:id", account.ActPlatformRead, s.platformScope(), s.platformShow)
	handleIn(s, post, "/plateformes/:id/invitations", account.ActPlatformManage, s.platformScope(), s.platformInvite)
	// The staff roster and the 2026–2030 plan.
	pr, pm := account.ActPlatformRead, account.ActPlatformManage
	handleIn(s, get, "/plateformes/:id/personnel/nouveau", pm, s.platformScope(), s.staffNew)
	handleIn(s, post, "/plateformes/:id/personnel", pm, s.platformScope(), s.staffCreate)
	handleIn(s, get, "/plateformes/:id/personnel/:sid", pm, s.staffScope(), s.staffEdit)
	handleIn(s, post, "/plateformes/:id/personnel/:sid", pm, s.staffScope(), s.staffUpdate)
	handleUploadIn(s, "/plateformes/:id/personnel/:sid/justificatif", pm, s.staffScope(), s.staffEvidence)
	handleIn(s, get, "/plateformes/:id/personnel/:sid/justificatif", pr, s.staffScope(), s.staffEvidenceDownload)
	handleIn(s, post, "/plateformes/:id/personnel/:sid/depart", pm, s.staffScope(), s.staffDeparture)
	handleIn(s, post, "/plateformes/:id/personnel/:sid/suppression", pm, s.staffScope(), s.staffDelete)
	handleIn(s, post, "/plateformes/:id/objectifs", pm, s.platformScope(), s.planTarget)
	handleIn(s, post, "/plateformes/:id/import", pm, s.platformScope(), s.staffImportPreview)
	handleIn(s, post, "/plateformes/:id/import/confirmer", pm, s.platformScope(), s.staffImportConfirm)
	handleIn(s, get, "/plateformes/:id/effectif.csv", pr, s.platformScope(), s.staffExport("roster"))
	handleIn(s, get, "/plateformes/:id/plan.csv", pr, s.platformScope(), s.staffExport("plan"))
	handleIn(s, get, "/plateformes/:id/effectif.xlsx", pr, s.platformScope(), s.staffExport("xlsx"))
	s.handle(get, "/pilotage", account.ActNationalRead, s.regionScope, s.pilotage)
	s.handle(get, "/pilotage/plan.csv", account.ActNationalRead, s.regionScope, s.pilotagePlanExport("csv"))
	s.handle(get, "/pilotage/plan.xlsx", account.ActNationalRead, s.regionScope, s.pilotagePlanExport("xlsx"))
	s.handle(get, apiPlanPath, account.ActNationalRead, s.regionScope, s.apiPlan)

	// Indicators: pages, exports and the national pilot's API (session or
	// API key; a key is an observer of its scope, see loadPrincipal).
	nat := account.ActNationalRead
	s.handle(get, "/indicateurs", nat, s.regionScope, s.indicatorIndex)
	s.handle(get, "/indicateurs/:key", nat, s.regionScope, s.indicatorShow)
	s.handle(get, "/indicateurs/:key/csv", nat, s.regionScope, s.indicatorExport("csv"))
	s.handle(get, "/indicateurs/:key/xlsx", nat, s.regionScope, s.indicatorExport("xlsx"))
	s.handle(get, "/api/v1/indicators", nat, s.regionScope, s.apiIndicatorList)
	s.handle(get, "/api/v1/indicators/:key", nat, s.regionScope, s.apiIndicator)
	s.handle(get, "/admin/api-keys", account.ActAdminUsers, nil, s.adminAPIKeys)
	s.handle(post, "/admin/api-keys", account.ActAdminUsers, nil, s.adminAPIKeyIssue)
	s.handle(post, "/admin/api-keys/:kid/revoquer", account.ActAdminUsers, nil, s.adminAPIKeyRevoke)

	// The candidate's journey (portfolio).
	own, read, cert := account.ActCandidacyOwn, account.ActCandidacyRead, account.ActCertifierManage
	s.handle(get, "/candidat", account.ActCandidateSpace, nil, s.candidateHome)
	s.handle(get, "/candidat/nouvelle", account.ActCandidateSpace, nil, s.candidacyNewForm)
	s.handle(post, "/candidat/nouvelle", account.ActCandidateSpace, nil, s.candidacyCreate)
	handleIn(s, get, "/candidatures/:id", read, s.candidacyScope(), s.candidacyShow)
	handleIn(s, post, "/candidatures/:id/etat", own, s.candidacyScope(), s.candidacyMove)
	handleUploadIn(s, "/candidatures/:id/livrables/:code/documents", own, s.candidacyScope(), s.documentUpload)
	handleIn(s, get, "/candidatures/:id/autoevaluation", read, s.candidacyScope(), s.selfAssessmentShow)
	handleIn(s, post, "/candidatures/:id/autoevaluation", own, s.candidacyScope(), s.selfAssessmentSave)
	handleIn(s, get, "/candidatures/:id/depots/:n", read, s.candidacyScope(), s.depositShow)
	handleIn(s, get, "/candidatures/:id/depots/:n/recepisse.pdf", read, s.candidacyScope(), s.receiptPDF)
	handleIn(s, get, "/candidatures/:id/attestations/:block", read, s.candidacyScope(), s.attestationPDF)
	handleIn(s, get, "/candidatures/:id/certificat.pdf", read, s.candidacyScope(), s.certificatePDF)
	handleIn(s, get, "/candidatures/:id/certificat.jwt", read, s.candidacyScope(), s.certificateCredential)
	handleIn(s, get, "/candidatures/:id/attestations/:block/badge.jwt", read, s.candidacyScope(), s.attestationCredential)
	handleIn(s, get, "/documents/:id", read, s.documentScope(), s.documentDownload)
	handleIn(s, post, "/documents/:id/supprimer", own, s.documentScope(), s.documentDelete)
	// Templates of deliverables (issue 18 #6): the certifier offers them,
	// the candidate downloads them from the candidacy.
	handleUploadIn(s, "/certificateur/referentiels/:code/livrables/:dcode/modele", cert, s.deliverableScope(), s.deliverableTemplateUpload)
	handleIn(s, get, "/certificateur/referentiels/:code/livrables/:dcode/modele", cert, s.deliverableScope(), s.deliverableTemplateDownload)
	handleIn(s, get, "/candidatures/:id/livrables/:code/modele", read, s.candidacyScope(), s.candidacyTemplateDownload)
	s.handle(get, "/certificateur/recevabilite", cert, nil, s.admissibilityQueue)
	s.handle(get, "/certificateur/suivi", cert, nil, s.followups)
	s.handle(get, "/admin/accrochage", cert, nil, s.accrochagePage)
	s.handle(get, "/admin/accrochage/flux.xml", cert, nil, s.accrochageFlow)
	s.handle(post, "/certificateur/suivi/:cert", cert, nil, s.followupRecord)
	handleIn(s, post, "/certificateur/candidatures/:id/etat", cert, s.candidacyScope(), s.candidacyDecide)
	handleUploadIn(s, "/candidatures/:id/equivalences/:block/preuve", own, s.candidacyScope(), s.equivalenceProofUpload)
	handleIn(s, post, "/certificateur/candidatures/:id/equivalences/:block", cert, s.candidacyScope(), s.equivalenceDecide)
	handleUploadIn(s, "/candidatures/:id/prerequis/:code/justificatif", own, s.candidacyScope(), s.prerequisiteEvidenceUpload)
	handleIn(s, post, "/certificateur/candidatures/:id/prerequis/:code", cert, s.candidacyScope(), s.prerequisiteCheck)

	s.handle(post, "/certificateur/certificats/:cid/retirer", cert, nil, s.certificateWithdraw)
	s.handle(get, "/api/v1/candidacies", account.ActCandidateSpace, nil, s.apiCandidacyList)
	handleIn(s, get, "/api/v1/candidacies/:id", read, s.candidacyScope(), s.apiCandidacyShow)
	handleUploadIn(s, "/api/v1/candidacies/:id/deliverables/:code/documents", own, s.candidacyScope(), s.documentUpload)

	// Jury sessions: the certifier's management, the members' work.
	js, jr, score, chair := account.ActJurySpace, account.ActJuryRead, account.ActJuryScore, account.ActJuryChair
	s.handle(get, "/certificateur/jurys", cert, nil, s.jurySessions)
	s.handle(post, "/certificateur/jurys", cert, nil, s.jurySessionCreate)
	handleIn(s, get, "/certificateur/jurys/:sid", cert, s.jurySessionScope(), s.juryManage)
	handleIn(s, post, "/certificateur/jurys/:sid/membres", cert, s.jurySessionScope(), s.juryMemberAdd)
	handleIn(s, post, "/certificateur/jurys/:sid/membres/:uid/retirer", cert, s.jurySessionScope(), s.juryMemberRemove)
	handleIn(s, post, "/certificateur/jurys/:sid/presidence", cert, s.jurySessionScope(), s.juryChairSet)
	handleIn(s, post, "/certificateur/jurys/:sid/affectations", cert, s.jurySessionScope(), s.juryAssign)
	handleIn(s, post, "/certificateur/jurys/:sid/ouvrir", cert, s.jurySessionScope(), s.juryOpen)
	handleIn(s, post, "/certificateur/jurys/:sid/deliberer", cert, s.jurySessionScope(), s.juryDeliberate)
	s.handle(get, "/certificateur/vivier", cert, nil, s.juryPool)
	s.handle(post, "/certificateur/vivier/:uid", cert, nil, s.juryProfileSave)
	s.handle(get, "/jury", js, nil, s.juryHome)
	handleIn(s, get, "/jury/sessions/:sid/candidats/:cid", jr, s.juryCandidateScope(), s.juryCandidate)
	handleIn(s, post, "/jury/sessions/:sid/candidats/:cid/declaration", account.ActJurySit, s.juryCandidateScope(), s.juryDeclare)
	handleIn(s, post, "/jury/sessions/:sid/candidats/:cid/conflit", account.ActJurySit, s.juryCandidateScope(), s.juryDeclareConflict)
	handleIn(s, post, "/jury/sessions/:sid/candidats/:cid/votes", account.ActJurySit, s.juryCandidateScope(), s.juryVote)
	handleIn(s, post, "/jury/sessions/:sid/candidats/:cid/verdicts", score, s.juryCandidateScope(), s.juryVerdict)
	handleIn(s, post, "/jury/sessions/:sid/candidats/:cid/remettre", score, s.juryCandidateScope(), s.jurySubmitGrid)
	handleIn(s, post, "/jury/sessions/:sid/candidats/:cid/decisions", chair, s.juryCandidateScope(), s.juryDecide)
	handleIn(s, post, "/jury/sessions/:sid/candidats/:cid/resultat", chair, s.juryCandidateScope(), s.juryOutcome)
	handleIn(s, get, "/jury/sessions/:sid/deliberation", jr, s.jurySessionScope(), s.juryDeliberation)
	handleIn(s, post, "/jury/sessions/:sid/signer", chair, s.jurySessionScope(), s.jurySign)
	handleIn(s, post, "/jury/sessions/:sid/avenants", chair, s.jurySessionScope(), s.juryAmend)
	handleIn(s, get, "/jury/sessions/:sid/resultats", jr, s.jurySessionScope(), s.juryResults)
	handleIn(s, get, "/jury/sessions/:sid/proces-verbal/:v", jr, s.jurySessionScope(), s.minutesPDF)
	handleIn(s, get, "/jury/sessions/:sid/candidats/:cid/dossier-jury.pdf", account.ActJuryFile, s.juryCandidateScope(), s.juryFilePDF)
	s.handle(get, "/api/v1/jury/sessions", cert, nil, s.apiJurySessionList)
	handleIn(s, get, "/api/v1/jury/sessions/:sid/candidacies/:cid/grid", jr, s.juryCandidateScope(), s.apiJuryGrid)
	handleIn(s, post, "/api/v1/jury/sessions/:sid/candidacies/:cid/verdicts", score, s.juryAutosaveScope(score), s.apiJuryVerdict)
}
