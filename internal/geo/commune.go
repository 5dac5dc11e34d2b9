package geo

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"sort"
	"strings"
	"sync"
	"unicode"
)

// communesTSV is the official list of communes, reduced by
// scripts/communes from the npm package @etalab/decoupage-administratif
// 6.0.0 (data/communes.json: INSEE Code officiel géographique 2026 and La
// Poste's postal codes, Licence Ouverte). Its first line names the source.
//
//go:embed communes.tsv.gz
var communesTSV []byte

// Commune kinds, as the file gives them.
const (
	CommuneCurrent    = "C" // a commune today
	CommuneDistrict   = "A" // a municipal arrondissement of Paris, Lyon or Marseille
	CommuneDelegated  = "D" // a commune déléguée of a commune nouvelle
	CommuneAssociated = "S" // a commune associée
)

// Commune is one entry of the official list: a commune, an arrondissement
// or a former commune (déléguée, associée) whose code a birth record may
// carry.
type Commune struct {
	Code        string   `json:"code"`
	Name        string   `json:"nom"`
	Departement string   `json:"departement"`
	Kind        string   `json:"type"`
	Parent      string   `json:"rattachement,omitempty"` // the commune an arrondissement or former commune belongs to
	PostalCodes []string `json:"codes_postaux"`
	key         string   // the name folded for search
}

// Label names the commune for a person choosing it: its département, and
// for a former commune or an arrondissement the commune it is now part of.
func (c Commune) Label() string {
	dep := c.Departement
	if d, ok := DepartementByCode(c.Departement); ok {
		dep = d.Name + " (" + d.Code + ")"
	}
	var parent string
	if c.Parent != "" {
		for _, p := range communeIndex().byCode[c.Parent] {
			if p.Kind == CommuneCurrent {
				parent = p.Name
			}
		}
	}
	switch c.Kind {
	case CommuneDelegated:
		dep += ", commune déléguée, aujourd'hui " + parent
	case CommuneAssociated:
		dep += ", commune associée, aujourd'hui " + parent
	}
	if len(c.PostalCodes) > 0 {
		dep += " — " + strings.Join(c.PostalCodes, ", ")
	}
	return dep
}

// Choice is the text a form shows for the commune and reads back:
// « Rennes (35238) ». CommuneOfChoice finds it again.
func (c Commune) Choice() string { return c.Name + " (" + c.Code + ")" }

type communes struct {
	list   []Commune
	byCode map[string][]Commune
}

var communeIndex = sync.OnceValue(func() *communes {
	t, err := parseCommunes(communesTSV)
	if err != nil {
		// Embedded and covered by tests: failing here is a build defect.
		panic(err)
	}
	return t
})

func parseCommunes(gz []byte) (*communes, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("geo: communes: %w", err)
	}
	t := &communes{byCode: map[string][]Commune{}}
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 6 {
			return nil, fmt.Errorf("geo: communes: bad line %q", line)
		}
		c := Commune{Code: f[0], Name: f[1], Departement: f[2], Kind: f[3], Parent: f[4], PostalCodes: strings.Fields(f[5]), key: searchKey(f[1])}
		t.list = append(t.list, c)
		t.byCode[c.Code] = append(t.byCode[c.Code], c)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("geo: communes: %w", err)
	}
	return t, nil
}

// searchKey folds a name for search: no accents, no case, hyphens and
// apostrophes as spaces, « st » and « ste » as « saint » and « sainte ».
func searchKey(s string) string {
	s = foldKey(s)
	s = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return ' '
	}, s)
	words := strings.Fields(s)
	for i, w := range words {
		switch w {
		case "st":
			words[i] = "saint"
		case "ste":
			words[i] = "sainte"
		}
	}
	return strings.Join(words, " ")
}

// SameName tells whether two commune names are the same but for accents,
// case, hyphens and apostrophes.
func SameName(a, b string) bool { return searchKey(a) == searchKey(b) }

// CommuneKnown reports whether code is a commune, arrondissement or
// former commune of the official list.
func CommuneKnown(code string) bool {
	return len(communeIndex().byCode[strings.ToUpper(strings.TrimSpace(code))]) > 0
}

// CommuneByCode returns the entry of that code, the current commune
// first when a former commune shares it.
func CommuneByCode(code string) (Commune, bool) {
	list := communeIndex().byCode[strings.ToUpper(strings.TrimSpace(code))]
	for _, c := range list {
		if c.Kind == CommuneCurrent {
			return c, true
		}
	}
	if len(list) > 0 {
		return list[0], true
	}
	return Commune{}, false
}

// CommuneOfChoice reads back a Choice, « Rennes (35238) »: the entry whose
// code and name it gives.
func CommuneOfChoice(s string) (Commune, bool) {
	s = strings.TrimSpace(s)
	open := strings.LastIndex(s, "(")
	if open < 0 || !strings.HasSuffix(s, ")") {
		return Commune{}, false
	}
	code, name := strings.ToUpper(strings.TrimSpace(s[open+1:len(s)-1])), searchKey(s[:open])
	for _, c := range communeIndex().byCode[code] {
		if c.key == name || name == "" {
			return c, true
		}
	}
	return Commune{}, false
}

// SearchCommunes finds communes by the start of their name (accents,
// case, hyphens ignored), by postal code or INSEE code (whole or its
// start), or both (« rennes 35 »). Best first: an exact name, then current
// communes before arrondissements and former ones, then shorter names. At
// most limit entries.
func SearchCommunes(q string, limit int) []Commune {
	if c, ok := CommuneOfChoice(q); ok {
		return []Commune{c}
	}
	var name, digits []string
	words := strings.Fields(searchKey(q))
	for _, w := range words {
		if isCodeLike(w) {
			digits = append(digits, strings.ToUpper(w))
		} else {
			name = append(name, w)
		}
	}
	if len(name) == 0 && len(digits) == 0 {
		return nil
	}
	out := searchCommunes(strings.Join(name, " "), digits, limit)
	if len(out) == 0 && len(name) > 0 && len(digits) > 0 {
		// « paris 15 »: the number was part of the name.
		out = searchCommunes(strings.Join(words, " "), nil, limit)
	}
	return out
}

func searchCommunes(key string, digits []string, limit int) []Commune {
	type hit struct {
		c    Commune
		rank int
	}
	var hits []hit
	for _, c := range communeIndex().list {
		if key != "" && !strings.HasPrefix(c.key, key) && !strings.HasPrefix(withoutArticle(c.key), key) {
			continue
		}
		if !matchesCodes(c, digits) {
			continue
		}
		if c.Kind == CommuneDelegated && c.Parent == c.Code && hasCurrentNamed(c) {
			continue // the commune nouvelle kept the name and code: one entry
		}
		rank := 0
		if c.key != key {
			rank += 4
		}
		if c.Kind != CommuneCurrent {
			rank += 2
		}
		hits = append(hits, hit{c, rank})
	}
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].rank != hits[j].rank {
			return hits[i].rank < hits[j].rank
		}
		if len(hits[i].c.key) != len(hits[j].c.key) {
			return len(hits[i].c.key) < len(hits[j].c.key)
		}
		return hits[i].c.key < hits[j].c.key
	})
	if len(hits) > limit {
		hits = hits[:limit]
	}
	out := make([]Commune, len(hits))
	for i, h := range hits {
		out[i] = h.c
	}
	return out
}

// hasCurrentNamed tells whether a current commune has c's code and name.
func hasCurrentNamed(c Commune) bool {
	for _, o := range communeIndex().byCode[c.Code] {
		if o.Kind == CommuneCurrent && o.key == c.key {
			return true
		}
	}
	return false
}

// isCodeLike tells a postal or INSEE code (or its start) from a name:
// digits, or Corsica's 2A/2B codes.
func isCodeLike(w string) bool {
	if len(w) < 2 || len(w) > 5 {
		return false
	}
	for i, r := range w {
		if (r < '0' || r > '9') && !(i == 1 && (r == 'a' || r == 'b') && w[0] == '2') {
			return false
		}
	}
	return true
}

// matchesCodes: each code given starts the INSEE code or one of the
// postal codes.
func matchesCodes(c Commune, codes []string) bool {
	for _, d := range codes {
		ok := strings.HasPrefix(c.Code, d)
		for _, p := range c.PostalCodes {
			ok = ok || strings.HasPrefix(p, d)
		}
		if !ok {
			return false
		}
	}
	return true
}

// withoutArticle lets « rochelle » find « La Rochelle ».
func withoutArticle(key string) string {
	for _, a := range []string{"le ", "la ", "les ", "l "} {
		if strings.HasPrefix(key, a) {
			return key[len(a):]
		}
	}
	return key
}
