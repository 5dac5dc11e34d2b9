// Package indicators computes what certifiers and the national pilots
// read: certification rate, bloc success, outcomes, criteria most often
// `non acquis`, durations, and the yearly figures France Compétences asks
// for. Each indicator is a Table, which the web layer renders as a page
// (chart and data table), CSV, XLSX or JSON: one computation, four forms.
package indicators

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"acquis/internal/fielderr"
)

// Filter narrows an indicator. Zero fields do not filter.
type Filter struct {
	From          time.Time `json:"from"`
	To            time.Time `json:"to"`
	Certification string    `json:"certification,omitempty"`
	SessionID     int64     `json:"session_id,omitempty"`
	Pathway       string    `json:"pathway,omitempty"`
	PlatformID    int64     `json:"platform_id,omitempty"`
	Region        string    `json:"region,omitempty"`
}

// Pathways are the access routes a filter may name, with their French
// labels.
var Pathways = []struct{ Code, Label string }{
	{"formation", "Formation"}, {"vae", "VAE"}, {"equivalence", "Équivalence"},
}

// ErrInvalid wraps every message ParseFilter gives.
var ErrInvalid = errors.New("filtre invalide")

// badFilter refuses one filter field; errors.Is(err, ErrInvalid) holds.
func badFilter(field, msg string) error {
	return &fielderr.Error{Field: field, Message: msg, Kind: ErrInvalid}
}

// DefaultFilter covers the last five calendar years up to the end of the
// current one.
func DefaultFilter(now time.Time) Filter {
	y := now.Year()
	return Filter{From: time.Date(y-4, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC)}
}

// ParseFilter reads a filter from query parameters (du, au as
// AAAA-MM-JJ; certification, session, voie, plateforme, region), on top
// of DefaultFilter. The English names (from, to, pathway, platform) are
// accepted too, for the API.
func ParseFilter(q url.Values, now time.Time) (Filter, error) {
	f := DefaultFilter(now)
	get := func(fr, en string) string {
		if v := strings.TrimSpace(q.Get(fr)); v != "" {
			return v
		}
		return strings.TrimSpace(q.Get(en))
	}
	day := func(field, v string, dst *time.Time) error {
		if v == "" {
			return nil
		}
		t, err := time.Parse("2006-01-02", v)
		if err != nil || t.Year() < 1990 || t.Year() > 2100 {
			return badFilter(field, fmt.Sprintf("Date %q invalide : attendu AAAA-MM-JJ, entre 1990 et 2100.", v))
		}
		*dst = t
		return nil
	}
	if err := day("du", get("du", "from"), &f.From); err != nil {
		return f, err
	}
	if err := day("au", get("au", "to"), &f.To); err != nil {
		return f, err
	}
	if f.To.Before(f.From) {
		return f, badFilter("au", "La fin de la période précède son début.")
	}
	f.Certification = get("certification", "certification")
	if len(f.Certification) > 40 {
		return f, badFilter("certification", "Code de certification trop long.")
	}
	id := func(field, v string, dst *int64) error {
		if v == "" {
			return nil
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return badFilter(field, fmt.Sprintf("%q n'est pas un identifiant valide.", v))
		}
		*dst = n
		return nil
	}
	if err := id("session", get("session", "session"), &f.SessionID); err != nil {
		return f, err
	}
	if err := id("plateforme", get("plateforme", "platform"), &f.PlatformID); err != nil {
		return f, err
	}
	if p := get("voie", "pathway"); p != "" {
		ok := false
		for _, x := range Pathways {
			ok = ok || x.Code == p
		}
		if !ok {
			return f, badFilter("voie", "Voie d'accès inconnue : formation, vae ou equivalence.")
		}
		f.Pathway = p
	}
	f.Region = get("region", "region")
	if len(f.Region) > 3 {
		return f, badFilter("region", "Code de région invalide.")
	}
	return f, nil
}

// Query renders the filter as query parameters (French names), for links
// to the exports of the same view.
func (f Filter) Query() url.Values {
	v := url.Values{}
	v.Set("du", f.From.Format("2006-01-02"))
	v.Set("au", f.To.Format("2006-01-02"))
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("certification", f.Certification)
	set("voie", f.Pathway)
	set("region", f.Region)
	if f.SessionID != 0 {
		v.Set("session", strconv.FormatInt(f.SessionID, 10))
	}
	if f.PlatformID != 0 {
		v.Set("plateforme", strconv.FormatInt(f.PlatformID, 10))
	}
	return v
}

// cols names, for one source table, the SQL expression each filter
// applies to; an empty one means the filter does not apply to that
// indicator (the table says so).
type cols struct {
	date, cert, session, pathway, platform, region string
}

// where builds the WHERE clause for f on cols, appending to args. It returns the clause and
// the French names of the filters that did not apply.
func (f Filter) where(c cols, args *[]any) (string, []string) {
	var conds, skipped []string
	arg := func(v any) string {
		*args = append(*args, v)
		return "$" + strconv.Itoa(len(*args))
	}
	// An expression with a %s takes the parameter there (EXISTS …);
	// otherwise it is compared for equality.
	add := func(expr, name string, set bool, v any) {
		if !set {
			return
		}
		if expr == "" {
			skipped = append(skipped, name)
			return
		}
		if strings.Contains(expr, "%s") {
			conds = append(conds, fmt.Sprintf(expr, arg(v)))
			return
		}
		conds = append(conds, expr+" = "+arg(v))
	}
	conds = append(conds, c.date+" BETWEEN "+arg(f.From.Format("2006-01-02"))+"::date AND "+arg(f.To.Format("2006-01-02"))+"::date")
	add(c.cert, "certification", f.Certification != "", f.Certification)
	add(c.session, "session", f.SessionID != 0, f.SessionID)
	add(c.pathway, "voie d'accès", f.Pathway != "", f.Pathway)
	add(c.platform, "plateforme", f.PlatformID != 0, f.PlatformID)
	add(c.region, "région", f.Region != "", f.Region)
	return strings.Join(conds, " AND "), skipped
}
