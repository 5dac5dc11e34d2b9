package verify

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/pressly/goose/v3"

	"acquis/internal/account"
	"acquis/internal/audit"
	"acquis/internal/db/dbtest"
	"acquis/internal/db/dbtest/seed"
	"acquis/internal/fielderr"
	"acquis/internal/portfolio"
	"acquis/migrations"
)

func TestMain(m *testing.M) { dbtest.Main(m, seed.Referentiels) }

var sys = audit.Actor{Role: "test"}

type fixture struct {
	d      *sqlx.DB
	s      *Store
	holder int64
	admin  int64
	cert   *portfolio.Certificate
	blocks []portfolio.AcquiredBlock
}

// certified gives a fresh person the three blocs of RNCP37779 by
// equivalence, which awards the certificate.
func certified(t *testing.T) *fixture {
	t.Helper()
	t.Parallel()
	d := dbtest.New(t)
	ctx := context.Background()
	acc := account.NewStore(d)
	h, err := acc.CreateUser(ctx, sys, account.NewUser{Email: "titulaire@exemple.fr", FullName: "Awa Titulaire", Grants: []account.Grant{{Role: account.RoleCandidate}}})
	if err != nil {
		t.Fatal(err)
	}
	a, err := acc.CreateUser(ctx, sys, account.NewUser{Email: "certif@exemple.fr", FullName: "Cé Certificateur", Grants: []account.Grant{{Role: account.RoleAdmin}}})
	if err != nil {
		t.Fatal(err)
	}
	pf := portfolio.NewStore(d)
	on := time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC)
	f := &fixture{d: d, s: NewStore(d), holder: h, admin: a}
	// Three blocs held by équivalence, recorded as the certifier's
	// acceptance records them (no candidacy: a title held elsewhere).
	tx, err := d.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []string{"RNCP37779BC01", "RNCP37779BC02", "RNCP37779BC03"} {
		c, err := portfolio.Acquire(ctx, tx, sys, h, "RNCP37779", b, on, "equivalence", "Décision d'équivalence du 15/06/2026", 0)
		if err != nil {
			t.Fatal(err)
		}
		if c != nil {
			f.cert = c
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if f.cert == nil {
		t.Fatal("pas de certificat après les trois blocs")
	}
	if f.blocks, err = pf.AcquiredBlocks(ctx, h); err != nil || len(f.blocks) != 3 {
		t.Fatalf("blocs : %v %v", f.blocks, err)
	}
	return f
}

// TestCodesAreRandomAndGiven: every certificate and bloc gets its own
// 96-bit code, unrelated to the certificate number, and it opens the
// record with the holder, the certification, the number and the blocs.
func TestCodesAreRandomAndGiven(t *testing.T) {
	f := certified(t)
	ctx := context.Background()
	code, err := f.s.CodeForCertificate(ctx, f.cert.ID)
	if err != nil || NormaliseCode(code) != code {
		t.Fatalf("code du certificat %q : %v", code, err)
	}
	if strings.Contains(code, strings.ToLower(f.cert.Number)) || strings.Contains(code, "2026") && strings.Contains(code, "00001") {
		t.Fatalf("le code %q dérive du numéro %s", code, f.cert.Number)
	}
	seen := map[string]bool{code: true}
	for _, b := range f.blocks {
		bc, err := f.s.CodeForBlock(ctx, b.ID)
		if err != nil || seen[bc] || NormaliseCode(bc) != bc {
			t.Fatalf("code du bloc %s : %q %v", b.BlockCode, bc, err)
		}
		seen[bc] = true
	}
	r, err := f.s.Lookup(ctx, strings.ToUpper(FormatCode(code)))
	if err != nil {
		t.Fatal(err)
	}
	if r.Kind != KindCertificate || r.HolderName != "Awa Titulaire" || r.CertificateNumber != f.cert.Number || r.Level != 6 ||
		r.CertificationCode != "RNCP37779" || r.Certifier == "" || len(r.Blocks) != 3 || r.Status() != Valid {
		t.Fatalf("fiche : %+v", r)
	}
	if r.Blocks[0].How != "equivalence" || r.Blocks[0].Title == "" || !r.Blocks[0].AcquiredOn.Equal(time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("bloc : %+v", r.Blocks[0])
	}
	bc, _ := f.s.CodeForBlock(ctx, f.blocks[1].ID)
	r, err = f.s.Lookup(ctx, bc)
	if err != nil || r.Kind != KindAttestation || len(r.Blocks) != 1 || r.Blocks[0].Code != f.blocks[1].BlockCode || r.CertificateNumber != f.cert.Number {
		t.Fatalf("attestation : %+v %v", r, err)
	}
	// A code off by one digit, a malformed one: not found, nothing more.
	wrong := code[:23] + string("0123456789abcdef"[(strings.IndexByte("0123456789abcdef", code[23])+1)%16])
	for _, c := range []string{wrong, "", "x", f.cert.Number, code + "0", "' OR 1=1 --"} {
		if _, err := f.s.Lookup(ctx, c); !errors.Is(err, ErrNotFound) {
			t.Errorf("code %q : %v", c, err)
		}
	}
}

// TestWithdraw: the certifier withdraws a certificate with a reason; the
// certificate and its blocs' attestations say « retiré » with the date,
// the audit log has it, and a blank reason changes nothing.
func TestWithdraw(t *testing.T) {
	f := certified(t)
	ctx := context.Background()
	actor := audit.Actor{UserID: f.admin, Role: "admin"}
	var ie *fielderr.Error
	if err := f.s.Withdraw(ctx, actor, f.cert.ID, "   "); !errors.As(err, &ie) || ie.Field != "reason" {
		t.Fatalf("motif vide : %v", err)
	}
	code, _ := f.s.CodeForCertificate(ctx, f.cert.ID)
	if r, _ := f.s.Lookup(ctx, code); r.Status() != Valid {
		t.Fatalf("retiré sans motif : %v", r.Status())
	}
	if err := f.s.Withdraw(ctx, actor, f.cert.ID+1000, "fraude"); !errors.As(err, &ie) {
		t.Fatalf("certificat inconnu : %v", err)
	}
	if err := f.s.Withdraw(ctx, actor, f.cert.ID, "Fraude : dossier professionnel copié."); err != nil {
		t.Fatal(err)
	}
	r, err := f.s.Lookup(ctx, code)
	if err != nil || r.Status() != Withdrawn || r.Withdrawal.Reason != "Fraude : dossier professionnel copié." || r.Withdrawal.At.IsZero() {
		t.Fatalf("après retrait : %+v %v", r, err)
	}
	for _, b := range f.blocks {
		bc, _ := f.s.CodeForBlock(ctx, b.ID)
		if r, _ := f.s.Lookup(ctx, bc); r.Status() != Withdrawn {
			t.Errorf("attestation %s : %v", b.BlockCode, r.Status())
		}
	}
	if err := f.s.Withdraw(ctx, actor, f.cert.ID, "encore"); !errors.As(err, &ie) {
		t.Fatalf("second retrait : %v", err)
	}
	var n int
	if err := f.d.GetContext(ctx, &n, `SELECT count(*) FROM audit_log WHERE action = 'certificate.withdrawn' AND actor_id = $1`, f.admin); err != nil || n != 1 {
		t.Fatalf("journal : %d %v", n, err)
	}
	if _, err := f.d.ExecContext(ctx, `DELETE FROM credential_withdrawals`); err == nil {
		t.Fatal("un retrait a pu être effacé")
	}
}

// TestMigrationGivesExistingCodes: certificates recorded before the
// migration get a code when it runs.
func TestMigrationGivesExistingCodes(t *testing.T) {
	f := certified(t)
	ctx := context.Background()
	// Migrations are the owner's to run; the serving role may not.
	p, err := goose.NewProvider(goose.DialectPostgres, dbtest.Owner(t, f.d).DB, migrations.FS, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.ApplyVersion(ctx, 14, false); err != nil {
		t.Fatal(err)
	}
	if _, err := p.ApplyVersion(ctx, 14, true); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := f.d.GetContext(ctx, &n, `SELECT count(*) FROM verification_codes`); err != nil || n != 4 {
		t.Fatalf("codes après migration : %d %v", n, err)
	}
	if _, err := f.s.CodeForCertificate(ctx, f.cert.ID); err != nil {
		t.Fatal(err)
	}
}

// TestCopyGivesCodes: blocs and certificates written by COPY, as the
// national demo history writes them, get their codes too.
func TestCopyGivesCodes(t *testing.T) {
	f := certified(t)
	ctx := context.Background()
	tx, err := f.d.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	st, err := tx.PrepareContext(ctx, `COPY acquired_blocks (user_id, certification_code, block_code, acquired_on, how, source) FROM STDIN`)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []string{"RNCP36625BC01", "RNCP36625BC02"} {
		if _, err := st.ExecContext(ctx, f.holder, "RNCP36625", b, "2025-01-01", "jury", "historique"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.ExecContext(ctx); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := tx.GetContext(ctx, &n, `SELECT count(*) FROM verification_codes v JOIN acquired_blocks a ON a.id = v.acquired_block_id WHERE a.certification_code = 'RNCP36625'`); err != nil || n != 2 {
		t.Fatalf("%d codes pour 2 blocs copiés : %v", n, err)
	}
}
