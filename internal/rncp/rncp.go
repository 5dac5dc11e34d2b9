// Package rncp reads France Compétences' RNCP open-data export (XML,
// format v4.1) and turns one fiche into a référentiel YAML file for the
// certifier to complete: blocs, their compétences and their evaluation
// modalities come from the fiche; evaluation criteria are not in the RNCP
// and are left for the certifier to write.
package rncp

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/text/encoding/charmap"
)

// Fiche is the part of an RNCP fiche acquis uses.
type Fiche struct {
	Number         string `xml:"NUMERO_FICHE"`
	Title          string `xml:"INTITULE"`
	Level          string `xml:"NOMENCLATURE_EUROPE>NIVEAU"`
	Certificateurs []struct {
		Name  string `xml:"NOM_CERTIFICATEUR"`
		Siret string `xml:"SIRET_CERTIFICATEUR"`
	} `xml:"CERTIFICATEURS>CERTIFICATEUR"`
	Blocks []struct {
		Code        string `xml:"CODE"`
		Title       string `xml:"LIBELLE"`
		Competences string `xml:"LISTE_COMPETENCES"`
		Modalities  string `xml:"MODALITES_EVALUATION"`
	} `xml:"BLOCS_COMPETENCES>BLOC_COMPETENCES"`
}

// ErrNotFound: the export holds no fiche with that number.
var ErrNotFound = errors.New("fiche absente de l'export RNCP")

// Find streams the export and returns the fiche numbered number
// (RNCPxxxxx). Only one fiche is held in memory at a time: the national
// export is hundreds of megabytes.
func Find(r io.Reader, number string) (*Fiche, error) {
	number = strings.ToUpper(strings.TrimSpace(number))
	if !strings.HasPrefix(number, "RNCP") {
		number = "RNCP" + number
	}
	dec := xml.NewDecoder(r)
	dec.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		switch strings.ToLower(label) {
		case "iso-8859-1", "latin1", "iso-8859-15":
			return charmap.ISO8859_1.NewDecoder().Reader(in), nil
		case "windows-1252", "cp1252":
			return charmap.Windows1252.NewDecoder().Reader(in), nil
		}
		return nil, fmt.Errorf("encodage %q non pris en charge", label)
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil, fmt.Errorf("%w : %s", ErrNotFound, number)
		}
		if err != nil {
			return nil, fmt.Errorf("export RNCP illisible : %w", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "FICHE" {
			continue
		}
		var f Fiche
		if err := dec.DecodeElement(&f, &se); err != nil {
			return nil, fmt.Errorf("export RNCP illisible : %w", err)
		}
		if strings.EqualFold(strings.TrimSpace(f.Number), number) {
			return &f, nil
		}
	}
}

var (
	liRe   = regexp.MustCompile(`(?is)<li[^>]*>(.*?)</li>`)
	breaks = regexp.MustCompile(`(?i)<br\s*/?>|</p>|</div>|\n`)
	tags   = regexp.MustCompile(`<[^>]*>`)
	bullet = regexp.MustCompile(`^[-–•·*]\s*`)
)

// Items splits an RNCP HTML list into its items, as plain text: list
// items when there are any, otherwise lines and paragraphs.
func Items(s string) []string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	// The export double-escapes some fields: unescape until stable.
	for i := 0; i < 2 && strings.Contains(s, "&lt;"); i++ {
		s = html.UnescapeString(s)
	}
	var parts []string
	if m := liRe.FindAllStringSubmatch(s, -1); m != nil {
		for _, x := range m {
			parts = append(parts, x[1])
		}
	} else {
		parts = breaks.Split(s, -1)
	}
	var out []string
	for _, p := range parts {
		p = html.UnescapeString(tags.ReplaceAllString(p, " "))
		p = strings.Join(strings.Fields(p), " ")
		p = bullet.ReplaceAllString(p, "")
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// level reads "NIV5" (or "5") as 5; 0 when absent.
func level(s string) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(s)), "NIV"))
	return n
}

// quote writes s as a YAML double-quoted scalar (JSON strings are valid
// YAML).
func quote(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

// YAML writes the fiche as a référentiel file. Criteria lists are empty,
// with a comment: acquis refuses to load a bloc without criteria, so the
// file cannot be used before the certifier has written them.
func YAML(w io.Writer, f *Fiche, source string) error {
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	p("# Référentiel importé de l'export RNCP de France Compétences (%s).\n", source)
	p("# À compléter par le certificateur : les critères d'évaluation de chaque bloc\n")
	p("# (le RNCP ne les contient pas), les livrables attendus, et à vérifier mot\n")
	p("# pour mot contre la fiche. acquis refuse un bloc sans critère.\n")
	p("code: %s\n", quote(strings.TrimSpace(f.Number)))
	p("title: %s\n", quote(strings.Join(strings.Fields(f.Title), " ")))
	if n := level(f.Level); n > 0 {
		p("level: %d\n", n)
	} else {
		p("level: 0 # niveau absent de la fiche : à renseigner\n")
	}
	var names []string
	for _, c := range f.Certificateurs {
		if n := strings.TrimSpace(c.Name); n != "" {
			names = append(names, n)
		}
	}
	p("certifier: %s\n", quote(strings.Join(names, ", ")))
	p("source: %s\n", quote(source))
	p("blocks:\n")
	for _, bl := range f.Blocks {
		code := strings.TrimSpace(bl.Code)
		p("  - code: %s\n", quote(code))
		p("    title: %s\n", quote(strings.Join(strings.Fields(bl.Title), " ")))
		p("    competences:\n")
		comps := Items(bl.Competences)
		if len(comps) == 0 {
			p("      [] # aucune compétence dans la fiche\n")
		}
		for i, c := range comps {
			p("      - code: %s\n        label: %s\n", quote(fmt.Sprintf("%s-C%02d", code, i+1)), quote(c))
		}
		if mods := Items(bl.Modalities); len(mods) > 0 {
			p("    # Modalités d'évaluation selon la fiche RNCP, à traduire en livrables :\n")
			for _, m := range mods {
				p("    #   - %s\n", strings.ReplaceAll(m, "\n", " "))
			}
		}
		p("    deliverables: []\n")
		p("    criteria: [] # à écrire par le certificateur, par exemple :\n")
		p("    # - {code: %s-CR01, competence: %s-C01, label: \"…\"}\n", code, code)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
