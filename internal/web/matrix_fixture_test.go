package web

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"acquis/internal/account"
	"acquis/internal/audit"
	"acquis/internal/blob"
	"acquis/internal/jury"
	"acquis/internal/portfolio"
)

// The authorisation matrix asserts the exact answer of every allowed
// request, so each one must find the records it acts on, in the state its
// action needs. These helpers build them through the domain packages (as
// the application would), never by writing rows by hand.

// must stops the test on a fixture error: a fixture that cannot be built
// would otherwise show up as a misleading status in the matrix.
func (a *app) must(err error) {
	a.t.Helper()
	if err != nil {
		a.t.Fatal(err)
	}
}

// userID is the id of a demo account.
func (a *app) userID(email string) int64 {
	a.t.Helper()
	return a.id(`SELECT id FROM users WHERE email = $1`, email)
}

// fresh counts the records the fixtures make, so that each has its own
// name and e-mail (tests running in parallel share it).
var fresh atomic.Int64

func nextFresh() int64 { return fresh.Add(1) }

// newCandidate creates a candidate of platform A (Finistère), whose
// manager therefore reads their candidacies. They have no password (an
// invited account): hashing one costs a good part of a second.
func (a *app) newCandidate() int64 {
	a.t.Helper()
	return a.newCandidateWith("")
}

// newCandidateWith is newCandidate with a password, to sign in.
func (a *app) newCandidateWith(password string) int64 {
	a.t.Helper()
	n := nextFresh()
	org := a.id(`SELECT id FROM organisations WHERE kind = 'platform' AND departement_code = '29'`)
	id, err := a.s.accounts.CreateUser(context.Background(), audit.System, account.NewUser{Email: fmt.Sprintf("matrice%03d@exemple.fr", n),
		FullName: fmt.Sprintf("Candidate Matrice %03d", n), Password: password, OrganisationID: org,
		Grants: []account.Grant{{Role: account.RoleCandidate}}})
	a.must(err)
	return id
}

// draftCandidacy opens a candidacy of the candidate for a certification,
// every bloc by VAE unless pathways says otherwise.
func (a *app) draftCandidacy(candidate int64, cert string, pathways map[string]portfolio.Pathway) int64 {
	a.t.Helper()
	ctx := context.Background()
	var org int64
	a.must(a.db.Get(&org, `SELECT organisation_id FROM users WHERE id = $1`, candidate))
	pw := map[string]portfolio.Pathway{}
	var blocks []string
	a.must(a.db.Select(&blocks, `SELECT b.code FROM blocks b JOIN certifications c ON c.current_version_id = b.version_id WHERE c.code = $1 ORDER BY b.position`, cert))
	for _, b := range blocks {
		pw[b] = portfolio.VAE
	}
	for b, p := range pathways {
		pw[b] = p
	}
	id, err := a.s.portfolio.Create(ctx, audit.Actor{UserID: candidate, Role: "candidate"}, portfolio.NewCandidacy{CandidateID: candidate,
		CertificationCode: cert, OrganisationID: org, Pathways: pw, ExperienceMonths: 36})
	a.must(err)
	return id
}

// addPDF stores a small PDF (distinct per call) for a deliverable.
func (a *app) addPDF(candidacy int64, block, deliverable string) int64 {
	a.t.Helper()
	ctx := context.Background()
	n := nextFresh()
	c, err := a.s.portfolio.Candidacy(ctx, candidacy)
	a.must(err)
	b, err := a.s.blobs.Put(ctx, strings.NewReader(fmt.Sprintf("%s%% %d\n", testPDF, n)), blob.Limits{MaxBytes: 1 << 20, Accepted: []blob.Kind{blob.PDF}})
	a.must(err)
	d, err := a.s.portfolio.AddDocument(ctx, audit.Actor{UserID: c.CandidateID}, portfolio.NewDocument{CandidacyID: candidacy, BlockCode: block,
		DeliverableCode: deliverable, FileName: deliverable + ".pdf", SHA256: b.SHA256, Size: b.Size, Kind: string(b.Kind), MIME: b.MIME})
	a.must(err)
	return d.ID
}

// candidacyIn takes a draft candidacy to a state on the candidate's
// journey: admissibility asked, admissible, dossier in progress, or
// dossier submitted (with a PDF for every deliverable).
func (a *app) candidacyIn(candidacy int64, to portfolio.State) {
	a.t.Helper()
	ctx := context.Background()
	c, err := a.s.portfolio.Candidacy(ctx, candidacy)
	a.must(err)
	me := audit.Actor{UserID: c.CandidateID}
	steps := []struct {
		to   portfolio.State
		role account.Role
	}{{portfolio.AdmissibilitySubmitted, account.RoleCandidate}, {portfolio.Admissible, account.RoleAdmin}, {portfolio.DossierInProgress, account.RoleCandidate}}
	for _, st := range steps {
		a.must(a.s.portfolio.Transition(ctx, me, candidacy, st.to, st.role, ""))
		if st.to == to {
			return
		}
	}
	cert, err := a.s.refs.Version(ctx, c.VersionID)
	a.must(err)
	have := map[string]bool{}
	docs, err := a.s.portfolio.Documents(ctx, candidacy)
	a.must(err)
	for _, d := range docs {
		have[d.DeliverableCode] = true
	}
	for _, b := range cert.Blocks {
		for _, d := range b.Deliverables {
			if d.Upload && !have[d.Code] {
				a.addPDF(candidacy, b.Code, d.Code)
			}
		}
	}
	_, err = a.s.portfolio.Submit(ctx, me, candidacy)
	a.must(err)
}

// juryStage is how far playJury takes a session.
type juryStage int

const (
	planned      juryStage = iota // members and the candidacy assigned
	opened                        // open for scoring (the chair is qualified)
	declared                      // both members signed their declaration
	scored                        // every criterion scored « acquis », grids not handed in
	handedIn                      // both grids handed in
	deliberating                  // the deliberation opened on the session's day
	voted                         // both members voted « validé » on every bloc
	decided                       // the chair closed every bloc's vote
	confirmed                     // the chair confirmed the outcome
	signed                        // the minutes signed
)

// playJury makes a session of the candidacy's certification (the
// candidacy's dossier submitted), chaired by chair with member, and plays
// it up to the stage.
func (a *app) playJury(candidacy, chair, member int64, upTo juryStage) int64 {
	a.t.Helper()
	return a.playJuryHeld(candidacy, chair, member, upTo, time.Now().Add(-time.Hour))
}

// playJuryHeld is playJury for a session held on a given day (past):
// its decisions, and the certificates it awards, bear that date.
func (a *app) playJuryHeld(candidacy, chair, member int64, upTo juryStage, held time.Time) int64 {
	a.t.Helper()
	ctx := context.Background()
	c, err := a.s.portfolio.Candidacy(ctx, candidacy)
	a.must(err)
	cert := c.CertificationCode
	sid, err := a.s.jury.CreateSession(ctx, audit.System, jury.NewSession{CertificationCode: cert, StartsAt: time.Now().AddDate(0, 0, 7),
		Place: "Quimper", DossierDeadline: time.Now()})
	a.must(err)
	a.must(a.s.jury.AddMember(ctx, audit.System, sid, chair, true))
	a.must(a.s.jury.AddMember(ctx, audit.System, sid, member, false))
	a.must(a.s.jury.Assign(ctx, audit.System, sid, candidacy, []int64{chair, member}))
	if upTo == planned {
		return sid
	}
	a.db.MustExec(`INSERT INTO jury_profiles (user_id, qualified_for) VALUES ($1, ARRAY[$2]) ON CONFLICT (user_id)
		DO UPDATE SET qualified_for = (SELECT array_agg(DISTINCT q) FROM unnest(jury_profiles.qualified_for || ARRAY[$2]) q)`, chair, cert)
	_, err = a.s.jury.Open(ctx, audit.System, sid)
	a.must(err)
	if upTo == opened {
		return sid
	}
	members := []int64{chair, member}
	for _, m := range members {
		a.must(a.s.jury.Declare(ctx, audit.Actor{UserID: m, Role: "jury_member"}, sid, candidacy))
	}
	if upTo == declared {
		return sid
	}
	var crits []string
	a.must(a.db.Select(&crits, `SELECT cr.code FROM criteria cr JOIN blocks b ON b.id = cr.block_id WHERE b.version_id = $1 ORDER BY b.position, cr.position`, c.VersionID))
	for _, m := range members {
		for _, cr := range crits {
			_, err := a.s.jury.RecordVerdict(ctx, audit.Actor{UserID: m, Role: "jury_member"}, sid, candidacy, cr, jury.Acquis, "")
			a.must(err)
		}
	}
	if upTo == scored {
		return sid
	}
	for _, m := range members {
		a.must(a.s.jury.SubmitGrid(ctx, audit.Actor{UserID: m, Role: "jury_member"}, sid, candidacy))
	}
	// The session's day: nothing is deliberated before it.
	a.db.MustExec(`UPDATE jury_sessions SET starts_at = $2::timestamptz, dossier_deadline = LEAST(dossier_deadline, $2::timestamptz::date) WHERE id = $1`, sid, held)
	if upTo == handedIn {
		return sid
	}
	a.must(a.s.jury.StartDeliberation(ctx, audit.System, sid, jury.Opening{Present: members}))
	if upTo == deliberating {
		return sid
	}
	var blocks []string
	a.must(a.db.Select(&blocks, `SELECT block_code FROM candidacy_blocks WHERE candidacy_id = $1 ORDER BY block_code`, candidacy))
	for _, b := range blocks {
		for _, m := range members {
			a.must(a.s.jury.Vote(ctx, audit.Actor{UserID: m, Role: "jury_member"}, sid, candidacy, b, jury.Valide))
		}
	}
	if upTo == voted {
		return sid
	}
	for _, b := range blocks {
		a.must(a.s.jury.Decide(ctx, audit.Actor{UserID: chair, Role: "jury_member"}, sid, candidacy, b, ""))
	}
	if upTo == decided {
		return sid
	}
	a.must(a.s.jury.SetOutcome(ctx, audit.Actor{UserID: chair, Role: "jury_member"}, sid, candidacy, "", ""))
	if upTo == confirmed {
		return sid
	}
	_, err = a.s.jury.Sign(ctx, audit.Actor{UserID: chair, Role: "jury_member"}, sid)
	a.must(err)
	return sid
}

// certifiedCandidacy is a candidacy of the candidate for a certification,
// every bloc validated by a signed jury (chair: the matrix's juror), so
// its certificate, attestations and minutes exist.
func (a *app) certifiedCandidacy(candidate int64, cert string, held time.Time) (candidacy, session int64) {
	a.t.Helper()
	candidacy = a.draftCandidacy(candidate, cert, nil)
	a.candidacyIn(candidacy, portfolio.DossierSubmitted)
	session = a.playJuryHeld(candidacy, a.userID(whoEmails[juror]), a.userID("sophie.roussel@demo.acquis.fr"), signed, held)
	return candidacy, session
}

// mailToken is the one-time token of the last message sent to an address
// (an invitation or a password reset).
func (a *app) mailToken(to, marker string) string {
	a.t.Helper()
	var body string
	a.must(a.db.Get(&body, `SELECT body FROM outbox WHERE to_addr = $1 ORDER BY id DESC LIMIT 1`, to))
	i := strings.Index(body, marker)
	if i < 0 {
		a.t.Fatalf("no %s link in the mail to %s", marker, to)
	}
	return strings.Fields(body[i+len(marker):])[0]
}

// invitationToken invites a new account and returns its token.
func (a *app) invitationToken() string {
	a.t.Helper()
	n := nextFresh()
	email := fmt.Sprintf("invite%03d@exemple.fr", n)
	_, err := a.s.accounts.Invite(context.Background(), audit.System, account.NewUser{Email: email, FullName: fmt.Sprintf("Invitée %03d", n),
		Grants: []account.Grant{{Role: account.RoleObserver}}}, "http://acquis.test", "La matrice")
	a.must(err)
	return a.mailToken(email, "/invitation/")
}

// resetToken creates an account and asks a password reset for it (from
// an address of its own, so the per-client limit is not reached).
func (a *app) resetToken() string {
	a.t.Helper()
	id := a.newCandidate()
	var email string
	a.must(a.db.Get(&email, `SELECT email FROM users WHERE id = $1`, id))
	a.must(a.s.accounts.RequestReset(context.Background(), audit.Actor{IP: fmt.Sprintf("192.0.2.%d", nextFresh()%250+1)}, email, "http://acquis.test"))
	return a.mailToken(email, "/reinitialiser/")
}
