package staff

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// key folds a header or a value for comparison: lower case, no accents,
// every run of spaces, dashes, apostrophes, dots, slashes, brackets or
// inclusive-writing middle dots as one underscore, none at the ends
// (« Conseiller·ère », « conseiller(e) » and « Conseillère » all start
// with conseill).
func key(s string) string {
	var b strings.Builder
	sep := false
	for _, r := range norm.NFD.String(strings.ToLower(strings.TrimSpace(s))) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if sep && b.Len() > 0 {
				b.WriteByte('_')
			}
			sep = false
			b.WriteRune(r)
		default:
			sep = true
		}
	}
	return b.String()
}

// parseFunction reads a job title as managers write it: masculine,
// feminine or inclusive (« Conseillère en emploi accompagné »,
// « Chef·fe de service », « Coordinatrice »), or the export's own label.
func parseFunction(v string) (Function, error) {
	k := key(v)
	switch {
	case strings.HasPrefix(k, "conseill") || strings.HasPrefix(k, "job_coach") || strings.HasPrefix(k, "jobcoach"):
		return Counsellor, nil
	case strings.HasPrefix(k, "chef"):
		return HeadOfUnit, nil
	case strings.HasPrefix(k, "responsable"):
		return Manager, nil
	case strings.HasPrefix(k, "coord"):
		return Coordinator, nil
	}
	return "", invalid("fonction", "Fonction « %s » inconnue : conseiller ou conseillère, chef ou cheffe de service, responsable de dispositif ou coordination.", v)
}

// parseStatus reads a status in French (the export's words or the
// form's labels) or as older exports wrote it.
func parseStatus(v string) (Status, error) {
	switch k := key(v); {
	case k == "" || strings.HasPrefix(k, "non_engage") || k == "not_engaged" || k == "aucun":
		return NotEngaged, nil
	case k == "titulaire" || k == "holder" || strings.HasPrefix(k, "titulaire_du_titre"):
		return Holder, nil
	case strings.HasPrefix(k, "equivalen") || strings.HasPrefix(k, "titulaire_d"):
		return Equivalent, nil
	case k == "formation" || k == "training" || strings.HasPrefix(k, "en_formation"):
		return Training, nil
	case k == "vae" || strings.HasPrefix(k, "vae_"):
		return VAE, nil
	}
	return "", invalid("statut", "Statut « %s » inconnu : titulaire, équivalent, en formation, VAE en cours ou non engagé.", v)
}

// parseSupervisor reads the state of the supervisors' training.
func parseSupervisor(v string) (string, error) {
	switch key(v) {
	case "", "a_programmer", "todo", "non":
		return SupervisorTodo, nil
	case "programmee", "programme", "prevue", "prevu", "planned":
		return SupervisorPlanned, nil
	case "suivie", "suivi", "faite", "fait", "done", "oui":
		return SupervisorDone, nil
	}
	return "", invalid("formation_encadrement", "« %s » : à programmer, programmée ou suivie.", v)
}

// parseFTE reads 0,8 or 0.8 or 80 %.
func parseFTE(v string) (float64, error) {
	s := strings.ReplaceAll(strings.TrimSpace(v), ",", ".")
	pct := strings.HasSuffix(s, "%")
	s = strings.TrimSpace(strings.TrimSuffix(s, "%"))
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, invalid("etp", "« %s » n'est pas un temps de travail (ETP) : écrivez par exemple 0,8.", v)
	}
	if pct {
		f /= 100
	}
	return f, nil
}

// dateLayouts are the ways a date is typed in France or saved by a
// spreadsheet: 15/03/2026, 15/03/26 (a two-digit year is 19xx from 69,
// 20xx below, as Go reads it), 15.03.2026, 15-03-2026, 2026-03-15.
var dateLayouts = []string{"2/1/2006", "2/1/06", "2.1.2006", "2.1.06", "2-1-2006", "2006-1-2"}

// parseDate reads a date as typed (see dateLayouts), with or without a
// time after it (« 15/03/2026 09:00 », « 2026-03-15T09:00:00 »), or a
// spreadsheet's day number (with a fraction of a day for a time).
func parseDate(field, v string) (*time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, nil
	}
	d := v
	if i := strings.IndexAny(d, " T"); i > 0 {
		d = d[:i]
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, d); err == nil {
			if t.Year() < 1900 || t.Year() > 2200 {
				break
			}
			return &t, nil
		}
	}
	if n, err := strconv.ParseFloat(strings.Replace(v, ",", ".", 1), 64); err == nil && n >= 1 && n < 200000 {
		t := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(math.Floor(n)))
		return &t, nil
	}
	return nil, invalid(field, "« %s » n'est pas une date : écrivez-la JJ/MM/AAAA (par exemple 15/03/2026).", v)
}

// parseCount reads a number of persons as typed (« 18 », « 18 personnes »)
// or saved by a spreadsheet (« 18.0 »); empty is not said.
func parseCount(field, v string) (*int, error) {
	s := strings.TrimSpace(v)
	if s == "" {
		return nil, nil
	}
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(s, "personnes"), "personne"))
	s = strings.TrimSuffix(strings.TrimSuffix(s, ".0"), ",0")
	n, err := strconv.Atoi(strings.ReplaceAll(s, "\u00a0", ""))
	if err != nil || n < 0 {
		return nil, invalid(field, "« %s » n'est pas un nombre de personnes : écrivez un nombre entier (par exemple 18).", v)
	}
	return &n, nil
}
