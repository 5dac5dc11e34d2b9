package indicators

import (
	"context"

	"acquis/internal/jury"
)

// Definitions shared by the page, the README and the API.
var (
	defPresented = "Présentée : une candidature inscrite à une session de jury signée, dont le résultat n'est ni « absent » ni « excusé ». Une candidature compte une fois par session où elle est présentée ; les résultats sont ceux du procès-verbal en vigueur (avenants compris)."
	defPeriod    = "Période : date de la session de jury (heure de Paris), bornes incluses."
	defPathway   = "Voie d'accès : une candidature relève d'une voie lorsqu'au moins un de ses blocs est présenté par cette voie (une candidature mixte compte dans chacune de ses voies)."
)

func rateSQL(f Filter) (string, []any, []string) {
	var args []any
	w, skipped := f.where(resultCols, &args)
	// The certificate is joined, not looked up by a correlated EXISTS: a
	// person holds at most one certificate per certification (UNIQUE
	// (user_id, certification_code)), so the join adds no row, and the
	// planner may then hash it (one scan of certificates) where the
	// EXISTS inside the aggregate's FILTER was run once per réussite
	// totale (31,500 index probes over ten years at national scale).
	return `SELECT extract(year FROM r.session_date)::int AS year,
		count(*) FILTER (WHERE r.outcome NOT IN ('absent', 'excuse')) AS presented,
		count(*) FILTER (WHERE r.outcome = 'reussite_totale' AND ce.awarded_on <= r.session_date) AS full,
		count(*) FILTER (WHERE r.outcome = 'absent') AS absent,
		count(*) FILTER (WHERE r.outcome = 'excuse') AS excused,
		count(*) FILTER (WHERE r.outcome = 'reussite_totale') AS blocks_ok
		FROM results r LEFT JOIN certificates ce ON ce.user_id = r.candidate_id AND ce.certification_code = r.certification_code
		WHERE ` + w + ` GROUP BY 1 ORDER BY 1`, args, skipped
}

// certificationRate: candidacies fully certified over candidacies
// presented, per year of session and in total. A candidacy is certified
// only when the whole certification is obtained: every bloc held once the
// jury has decided, i.e. the certificate dated no later than the session.
// A candidacy that targeted some blocs only and validated them all is a
// « réussite des blocs présentés », counted apart: the same outcome
// (réussite totale) does not mean the same thing for the certification.
func (s *Store) certificationRate(ctx context.Context, f Filter) (*Table, error) {
	q, args, skipped := rateSQL(f)
	var rows []struct {
		Year, Presented, Full, Absent, Excused int
		BlocksOK                               int `db:"blocks_ok"`
	}
	if err := s.db.SelectContext(ctx, &rows, q, args...); err != nil {
		return nil, err
	}
	t := &Table{
		Definition: []string{
			"Taux de certification = candidatures certifiées ÷ candidatures présentées au jury. Une candidature est certifiée lorsque la certification entière est obtenue : à l'issue du jury, le candidat détient tous les blocs de la certification (ceux validés par ce jury et ceux acquis auparavant).",
			"Réussite des blocs présentés = candidatures dont tous les blocs présentés ont été validés (résultat « réussite totale ») ÷ candidatures présentées. Une candidature qui ne visait qu'une partie des blocs et les a tous validés y compte, mais n'est certifiée que si le candidat détient alors tous les blocs.",
			defPresented,
			"Les absents et les excusés sont comptés à part et exclus du dénominateur.",
			defPeriod, defPathway,
		},
		Columns: []Column{{"annee", "Année", Text}, {"presentees", "Candidatures présentées", Count}, {"certifiees", "Certifiées (réussite totale)", Count},
			{"taux", "Taux de certification", Rate}, {"absents", "Absents (hors dénominateur)", Count}, {"excuses", "Excusés (hors dénominateur)", Count},
			{"blocs_presentes_reussis", "Réussite des blocs présentés", Count}, {"taux_blocs_presentes", "Taux de réussite des blocs présentés", Rate}},
		ChartLabel: 0, ChartValue: 3,
		Notes: skippedNote(skipped),
	}
	var tot struct{ p, full, abs, exc, ok int }
	for _, r := range rows {
		t.Rows = append(t.Rows, []any{itoa(r.Year), r.Presented, r.Full, rate(r.Full, r.Presented), r.Absent, r.Excused, r.BlocksOK, rate(r.BlocksOK, r.Presented)})
		tot.p, tot.full, tot.abs, tot.exc, tot.ok = tot.p+r.Presented, tot.full+r.Full, tot.abs+r.Absent, tot.exc+r.Excused, tot.ok+r.BlocksOK
	}
	t.Rows = append(t.Rows, []any{"Total", tot.p, tot.full, rate(tot.full, tot.p), tot.abs, tot.exc, tot.ok, rate(tot.ok, tot.p)})
	return t, nil
}

func blockSQL(f Filter) (string, []any, []string) {
	var args []any
	w, skipped := f.where(blockCols, &args)
	return `SELECT b.block_code AS block, count(*) AS evaluated, count(*) FILTER (WHERE b.decision = 'valide') AS validated
		FROM block_results b WHERE b.presented AND ` + w + ` GROUP BY 1 ORDER BY 1`, args, skipped
}

// blockRates: blocs validated over blocs evaluated, per bloc.
func (s *Store) blockRates(ctx context.Context, f Filter) (*Table, error) {
	q, args, skipped := blockSQL(f)
	var rows []struct {
		Block     string
		Evaluated int
		Validated int
	}
	if err := s.db.SelectContext(ctx, &rows, q, args...); err != nil {
		return nil, err
	}
	t := &Table{
		Definition: []string{
			"Taux de réussite d'un bloc = blocs validés par le jury ÷ blocs évalués, pour les candidatures présentées (absents et excusés exclus).",
			"Un bloc déjà acquis lors d'une candidature antérieure n'est pas présenté à nouveau : il n'entre ni au numérateur ni au dénominateur.",
			defPeriod,
			"Voie d'accès : ici, la voie du bloc lui-même.",
		},
		Columns:    []Column{{"bloc", "Bloc", Text}, {"evalues", "Blocs évalués", Count}, {"valides", "Blocs validés", Count}, {"taux", "Taux de réussite", Rate}},
		ChartLabel: 0, ChartValue: 3,
		Notes: skippedNote(skipped),
	}
	for _, r := range rows {
		t.Rows = append(t.Rows, []any{r.Block, r.Evaluated, r.Validated, rate(r.Validated, r.Evaluated)})
	}
	return t, nil
}

func outcomeSQL(f Filter) (string, []any, []string) {
	var args []any
	w, skipped := f.where(resultCols, &args)
	return `SELECT r.outcome, count(*) AS n FROM results r WHERE ` + w + ` GROUP BY 1`, args, skipped
}

// outcomes: how many candidacies got each of France VAE's outcomes.
func (s *Store) outcomes(ctx context.Context, f Filter) (*Table, error) {
	q, args, skipped := outcomeSQL(f)
	var rows []struct {
		Outcome string
		N       int
	}
	if err := s.db.SelectContext(ctx, &rows, q, args...); err != nil {
		return nil, err
	}
	by := map[string]int{}
	all, presented := 0, 0
	for _, r := range rows {
		by[r.Outcome] = r.N
		all += r.N
		if jury.Outcome(r.Outcome).Presented() {
			presented += r.N
		}
	}
	t := &Table{
		Definition: []string{
			"Nombre de candidatures ayant obtenu chaque résultat (vocabulaire de France VAE) à une session de jury signée.",
			"Part des inscrites : sur toutes les candidatures inscrites à une session, absents et excusés compris. Part des présentées : sur les seules candidatures présentées (absents et excusés exclus, d'où « — » sur leurs lignes).",
			defPeriod, defPathway,
		},
		Columns:    []Column{{"resultat", "Résultat", Text}, {"nombre", "Candidatures", Count}, {"part_inscrites", "Part des inscrites", Rate}, {"part_presentees", "Part des présentées", Rate}},
		ChartLabel: 0, ChartValue: 1,
		Notes: skippedNote(skipped),
	}
	for _, o := range jury.Outcomes {
		n := by[string(o)]
		var ofPresented any
		if o.Presented() {
			ofPresented = rate(n, presented)
		}
		t.Rows = append(t.Rows, []any{o.Label(), n, rate(n, all), ofPresented})
	}
	t.Rows = append(t.Rows, []any{"Total", all, rate(all, all), rate(presented, presented)})
	return t, nil
}

func criteriaSQL(f Filter) (string, []any, []string) {
	var args []any
	w, skipped := f.where(blockCols, &args)
	// Two scans of block_results rather than one materialised CTE: at
	// national scale the CTE spills to disk and takes twice as long.
	return `WITH ranked AS (
			SELECT na.block_code, na.code, na.n, tot.verdicts,
				row_number() OVER (PARTITION BY na.block_code ORDER BY na.n DESC, na.code) AS rk
			FROM (SELECT b.block_code, x.code, count(*)::int AS n FROM block_results b CROSS JOIN LATERAL unnest(b.non_acquis) AS x(code)
				WHERE b.presented AND ` + w + ` GROUP BY 1, 2) na
			JOIN (SELECT b.block_code, sum(b.evaluators)::int AS verdicts FROM block_results b
				WHERE b.presented AND ` + w + ` GROUP BY 1) tot USING (block_code))
		SELECT ranked.block_code AS block, ranked.code, coalesce(lab.label, '') AS label, ranked.n AS non_acquis, ranked.verdicts
		FROM ranked LEFT JOIN LATERAL (SELECT cr.label FROM criteria cr JOIN blocks bl ON bl.id = cr.block_id
			WHERE bl.code = ranked.block_code AND cr.code = ranked.code ORDER BY bl.version_id DESC LIMIT 1) lab ON true
		WHERE ranked.rk <= 5 ORDER BY ranked.block_code, ranked.rk`, args, skipped
}

// criteria: per bloc, the five criteria most often scored `non acquis`.
func (s *Store) criteria(ctx context.Context, f Filter) (*Table, error) {
	q, args, skipped := criteriaSQL(f)
	var rows []struct {
		Block     string
		Code      string
		Label     string
		NonAcquis int `db:"non_acquis"`
		Verdicts  int
	}
	if err := s.db.SelectContext(ctx, &rows, q, args...); err != nil {
		return nil, err
	}
	t := &Table{
		Definition: []string{
			"Pour chaque critère : verdicts « non acquis » ÷ verdicts rendus sur ce critère. Chaque évaluateur rend un verdict par critère du bloc ; une évaluation de bloc à deux évaluateurs compte donc deux verdicts par critère.",
			"Candidatures présentées seulement ; les cinq critères les plus souvent non acquis de chaque bloc, du plus fréquent au moins fréquent (à égalité, par code).",
			defPeriod, "Voie d'accès : celle du bloc.",
		},
		Columns: []Column{{"bloc", "Bloc", Text}, {"critere", "Critère", Text}, {"libelle", "Libellé", Text},
			{"non_acquis", "Verdicts non acquis", Count}, {"verdicts", "Verdicts rendus", Count}, {"part", "Part non acquis", Rate}},
		ChartLabel: 1, ChartValue: 5,
		Notes: skippedNote(skipped),
	}
	for _, r := range rows {
		t.Rows = append(t.Rows, []any{r.Block, r.Code, r.Label, r.NonAcquis, r.Verdicts, rate(r.NonAcquis, r.Verdicts)})
	}
	return t, nil
}
