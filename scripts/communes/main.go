// Command communes reduces the communes of the `@etalab/decoupage-administratif`
// npm package (data/communes.json, Licence Ouverte, from the INSEE Code
// officiel géographique and La Poste's postal codes) to the gzip'd TSV that
// internal/geo embeds: what acquis needs to let a person choose their
// commune of birth by name or postal code, nothing more.
//
// Regenerate it (the version is written into the file's first line):
//
//	cd /tmp && npm pack @etalab/decoupage-administratif@6.0.0 && tar xzf etalab-decoupage-administratif-6.0.0.tgz
//	go run ./scripts/communes -in /tmp/package -out internal/geo/communes.tsv.gz
//
// Kept: the current communes, the municipal arrondissements of Paris, Lyon
// and Marseille (a birth there is recorded under the arrondissement's
// code), and the communes déléguées and associées (a person born before a
// merger keeps the old commune's code on their birth record). Their postal
// codes are those of the commune they now belong to, the package giving
// none of their own. Communes that disappeared without becoming déléguées
// or associées are not in the package, so not here.
//
// Columns: code, name, département, kind (C current, A arrondissement,
// D déléguée, S associée), parent commune (A, D, S), postal codes
// (space-separated). Rows are sorted and the gzip header carries no time,
// so the same input gives the same bytes.
package main

import (
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

type commune struct {
	Code        string   `json:"code"`
	Name        string   `json:"nom"`
	Type        string   `json:"type"`
	Departement string   `json:"departement"`
	Commune     string   `json:"commune"`  // arrondissements: their commune
	ChefLieu    string   `json:"chefLieu"` // déléguées, associées: the commune they belong to
	PostalCodes []string `json:"codesPostaux"`
}

var kinds = map[string]string{"commune-actuelle": "C", "arrondissement-municipal": "A", "commune-deleguee": "D", "commune-associee": "S"}

func main() {
	in := flag.String("in", "", "the unpacked npm package (the folder holding package.json and data/)")
	out := flag.String("out", "internal/geo/communes.tsv.gz", "the file to write")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		log.Fatal(err)
	}
}

func run(in, out string) error {
	var pkg struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	}
	if err := readJSON(filepath.Join(in, "package.json"), &pkg); err != nil {
		return err
	}
	var all []commune
	if err := readJSON(filepath.Join(in, "data", "communes.json"), &all); err != nil {
		return err
	}
	postal := map[string][]string{}
	for _, c := range all {
		if c.Type == "commune-actuelle" {
			postal[c.Code] = c.PostalCodes
		}
	}
	var rows []string
	for _, c := range all {
		kind, ok := kinds[c.Type]
		if !ok {
			return fmt.Errorf("communes: unknown type %q for %s", c.Type, c.Code)
		}
		parent, codes := "", c.PostalCodes
		switch kind {
		case "A":
			parent = c.Commune
		case "D", "S":
			parent, codes = c.ChefLieu, postal[c.ChefLieu]
		}
		for _, f := range []string{c.Code, c.Name, c.Departement, parent} {
			if strings.ContainsAny(f, "\t\n") {
				return fmt.Errorf("communes: tab or newline in %q", f)
			}
		}
		rows = append(rows, strings.Join([]string{c.Code, c.Name, c.Departement, kind, parent, strings.Join(codes, " ")}, "\t"))
	}
	sort.Strings(rows)
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	zw, err := gzip.NewWriterLevel(f, gzip.BestCompression)
	if err != nil {
		return err
	}
	fmt.Fprintf(zw, "# %s@%s data/communes.json, Licence Ouverte (Etalab) ; code\tnom\tdépartement\ttype\tcommune de rattachement\tcodes postaux\n", pkg.Name, pkg.Version)
	for _, r := range rows {
		fmt.Fprintln(zw, r)
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	log.Printf("%d communes written to %s", len(rows), out)
	return nil
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}
