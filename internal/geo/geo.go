// Package geo ships the French départements and régions (INSEE codes,
// régions as of 2016) as data, so platforms are attached to a real
// département and regional views group them correctly.
package geo

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"

	"golang.org/x/text/unicode/norm"
)

//go:embed departements.csv
var departementsCSV string

// Departement is one French département.
type Departement struct {
	Code       string // INSEE code: 01…95, 2A, 2B, 971…976
	Name       string
	RegionCode string
	Region     string
}

// Region is one French région.
type Region struct {
	Code string // INSEE code
	Name string
}

type tables struct {
	list    []Departement
	byCode  map[string]Departement
	regions []Region
	region  map[string]Region
}

var load = sync.OnceValue(func() *tables {
	t, err := parse(departementsCSV)
	if err != nil {
		// The file is embedded and covered by tests: failing here is a
		// build defect, not a run-time condition.
		panic(err)
	}
	return t
})

func parse(data string) (*tables, error) {
	rows, err := csv.NewReader(strings.NewReader(data)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("geo: %w", err)
	}
	if len(rows) < 2 || strings.Join(rows[0], ",") != "code,nom,region_code,region" {
		return nil, fmt.Errorf("geo: en-tête inattendu")
	}
	t := &tables{byCode: map[string]Departement{}, region: map[string]Region{}}
	for i, r := range rows[1:] {
		d := Departement{Code: r[0], Name: r[1], RegionCode: r[2], Region: r[3]}
		if d.Code == "" || d.Name == "" || d.RegionCode == "" || d.Region == "" {
			return nil, fmt.Errorf("geo: ligne %d incomplète", i+2)
		}
		if _, dup := t.byCode[d.Code]; dup {
			return nil, fmt.Errorf("geo: département %s en double", d.Code)
		}
		t.list = append(t.list, d)
		t.byCode[d.Code] = d
		if _, ok := t.region[d.RegionCode]; !ok {
			reg := Region{Code: d.RegionCode, Name: d.Region}
			t.region[d.RegionCode] = reg
			t.regions = append(t.regions, reg)
		}
	}
	sort.Slice(t.regions, func(i, j int) bool { return foldKey(t.regions[i].Name) < foldKey(t.regions[j].Name) })
	return t, nil
}

// foldKey removes accents so "Île-de-France" sorts among the I's.
func foldKey(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if r >= 0x300 && r <= 0x36f {
			continue
		}
		b.WriteRune(r)
	}
	return strings.ToLower(b.String())
}

// Departements lists every département in INSEE order.
func Departements() []Departement { return load().list }

// DepartementByCode finds a département by its INSEE code.
func DepartementByCode(code string) (Departement, bool) {
	d, ok := load().byCode[strings.ToUpper(strings.TrimSpace(code))]
	return d, ok
}

// Regions lists the régions sorted by name.
func Regions() []Region { return load().regions }

// RegionByCode finds a région by its INSEE code.
func RegionByCode(code string) (Region, bool) {
	r, ok := load().region[code]
	return r, ok
}

// RegionName is the région's name, or its code when the code names none
// (a page then shows what it was given rather than nothing).
func RegionName(code string) string {
	if r, ok := RegionByCode(code); ok {
		return r.Name
	}
	return code
}

// IsOverseas reports whether a département is overseas (DROM).
func IsOverseas(code string) bool { return len(code) == 3 && strings.HasPrefix(code, "97") }

// communeCode is the shape of an INSEE commune code: five characters, the
// second an A or B for Corsica (2A, 2B), 99xxx for a birth abroad.
var communeCode = regexp.MustCompile(`^[0-9][0-9AB][0-9]{3}$`)

// IsCommuneCode reports whether s has the shape of an INSEE commune code
// (the list of communes is not held: the shape is what a form can check).
func IsCommuneCode(s string) bool { return communeCode.MatchString(s) }
