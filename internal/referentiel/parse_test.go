package referentiel

import (
	"regexp"
	"strings"
	"testing"

	"acquis/referentiels"
)

func load(t *testing.T) map[string]*Certification {
	t.Helper()
	certs, err := ParseFS(referentiels.FS)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*Certification{}
	for _, c := range certs {
		out[c.Code] = c
	}
	return out
}

type counts struct{ competences, deliverables, criteria int }

// TestCounts pins what the seeds contain. RNCP37779: 000_…txt section 3
// lists 9, 3 and 5 compétences (each also a criterion); section 4 gives a
// dossier professionnel for every bloc plus an oral for blocs 1 and 3.
// CASP: 003_…txt has 4, 5 and 3 compétences; one mémoire for blocs 1 and 2,
// a carte mentale and a 5-page dossier for bloc 3; the criteria column
// holds 20, 20 and 12 sentences.
func TestCounts(t *testing.T) {
	certs := load(t)
	want := map[string][]counts{
		"RNCP37779": {{9, 2, 9}, {3, 1, 3}, {5, 2, 5}},
		"RNCP36625": {{4, 1, 20}, {5, 1, 20}, {3, 2, 12}},
	}
	if len(certs) != len(want) {
		t.Fatalf("%d certifications", len(certs))
	}
	for code, blocks := range want {
		c := certs[code]
		if c == nil || len(c.Blocks) != len(blocks) {
			t.Fatalf("%s : blocs", code)
		}
		for i, w := range blocks {
			b := c.Blocks[i]
			got := counts{len(b.Competences), len(b.Deliverables), len(b.Criteria)}
			if got != w {
				t.Errorf("%s : %+v, attendu %+v", b.Code, got, w)
			}
		}
	}
	if c := certs["RNCP37779"]; c.Level != 6 || c.Certifier != "CFEA" || c.Title != "Conseiller en emploi accompagné" {
		t.Errorf("RNCP37779 : %+v", c)
	}
	casp := certs["RNCP36625"]
	if casp.Level != 5 || len(casp.Prerequisites) != 1 || casp.Prerequisites[0].MinExperienceMonths != 18 {
		t.Errorf("CASP : niveau %d, prérequis %+v", casp.Level, casp.Prerequisites)
	}
	if d := casp.Blocks[0].Deliverables[0]; d.Kind != "memoire" || d.MaxPages != 30 || len(d.Contents) != 4 {
		t.Errorf("mémoire bloc 1 : %+v", d)
	}
	if d := casp.Blocks[2].Deliverables; d[0].Kind != "carte_mentale" || len(d[0].Contents) != 6 || d[1].MaxPages != 5 {
		t.Errorf("bloc 3 : %+v", d)
	}
	for _, b := range certs["RNCP37779"].Blocks {
		for i, cr := range b.Criteria {
			if cr.Label != b.Competences[i].Label || cr.Competence != b.Competences[i].Code {
				t.Errorf("%s : le critère %s ne reprend pas la compétence", b.Code, cr.Code)
			}
		}
	}
}

func TestCriteriaVerbatim(t *testing.T) {
	certs := load(t)
	want := map[string]string{
		"RNCP37779BC01-CR01": "Etablir une relation de confiance avec la personne",
		"RNCP37779BC01-CR09": "Évaluer en continu le déroulement de l'action et proposer régulièrement des évolutions de l'accompagnement",
		"RNCP37779BC02-CR03": "En fonction du projet, des besoins de la personne, de son environnement, identifier, mobiliser et coordonner les partenaires nécessaires relevant du social, du médico-social, de l'entreprise, des services publics d'aide à l'emploi, de formation, etc.",
		"RNCP37779BC03-CR04": "En cas de situation complexe, ou de situation de crise, intervenir en mobilisant des techniques de remédiation adaptées, selon une approche systémique.",
		"RNCP36625BC01-CR01": "La structure du candidat est présentée, elle en décrit l'organisation, les missions et activités.",
		"RNCP36625BC01-CR05": "Les modalités de contractualisation sont précisées (les documents supports joints en annexe le cas échéant) au regard de la demande et de la situation de la personne",
		"RNCP36625BC01-CR16": "Les activités de conseil sont mises en évidence.",
		"RNCP36625BC01-CR20": "L'analyse de l'activité est explicitée, des axes de progression sont présentés, le cas échéant : le candidat démontre sa capacité à prendre du recul en faisant évoluer sa pratique.",
		"RNCP36625BC02-CR06": "La méthode d'analyse est explicitée",
		"RNCP36625BC02-CR12": "Le candidat fait la preuve de relations avec le monde socioéconomique",
		"RNCP36625BC02-CR16": "Les démarches d'accompagnement à la recherche d'emploi en termes de méthodologie, de techniques et d'outils présentées sont adaptées à la personne (besoins, degré d'autonomie) et en fonction de son projet, avec la mise à disposition de ressources diverses et notamment numériques, pour la veille, la recherche d'informations pertinentes.",
		"RNCP36625BC03-CR07": "A minima, une ébauche de budget présente les différents postes de dépenses et des pistes de financements.",
		"RNCP36625BC03-CR12": "Le dossier complémentaire témoigne d'une prise de distance sur ses pratiques professionnelles au travers des éléments d'analyse et des perspectives d'évolutions de celles-ci.",
	}
	found := 0
	for _, c := range certs {
		for _, b := range c.Blocks {
			for _, cr := range b.Criteria {
				if w, ok := want[cr.Code]; ok {
					found++
					if cr.Label != w {
						t.Errorf("%s :\n got %q\nwant %q", cr.Code, cr.Label, w)
					}
				}
			}
		}
	}
	if found != len(want) {
		t.Fatalf("%d critères trouvés sur %d", found, len(want))
	}
}

var (
	tags   = regexp.MustCompile(`<[^>]+>`)
	spaces = regexp.MustCompile(`\s+`)
)

func normalise(s string) string {
	s = tags.ReplaceAllString(s, " ")
	s = strings.NewReplacer("•", " ", "’", "'").Replace(s)
	return strings.TrimSpace(spaces.ReplaceAllString(s, " "))
}

// TestTranscriptionAgainstSeeds guards the verbatim transcription: every
// label must appear in its source document once tags and line breaks are
// normalised. The only joins allowed are the sentences the table layout
// cut across a page; they are checked piece by piece.
func TestTranscriptionAgainstSeeds(t *testing.T) {
	certs := load(t)
	read := func(name string) string { return normalise(readSeed(t, name)) }
	seeds := map[string]string{"RNCP37779": read("000_9abcfb978f5a73b7.txt"), "RNCP36625": read("003_4950277a0b52e72f.txt")}
	// Page breaks in 003 split these sentences; each half is in the seed.
	splits := map[string][]string{
		"RNCP36625BC01-CR05": {"Les modalités de contractualisation sont", "précisées (les documents supports joints en annexe le cas échéant) au regard de la demande et de la situation de la personne"},
		"RNCP36625BC02-CR16": {"avec la mise à disposition de ressources", "diverses et notamment numériques, pour la veille, la recherche d'informations pertinentes."},
	}
	check := func(code, label, seed string) {
		t.Helper()
		if parts, ok := splits[code]; ok {
			for _, p := range parts {
				if !strings.Contains(seed, normalise(p)) {
					t.Errorf("%s : fragment absent du document source : %q", code, p)
				}
			}
			return
		}
		n := normalise(label)
		// Lists inside a criterion are "- a - b" in the seed table.
		if !strings.Contains(seed, n) && !strings.Contains(strings.ReplaceAll(seed, " -", " - "), n) {
			t.Errorf("%s : absent du document source : %q", code, label)
		}
	}
	for code, c := range certs {
		seed := seeds[code]
		for _, b := range c.Blocks {
			if !strings.Contains(seed, normalise(b.Title)) {
				t.Errorf("%s : intitulé absent : %q", b.Code, b.Title)
			}
			for _, cr := range b.Criteria {
				check(cr.Code, cr.Label, seed)
			}
			for _, cp := range b.Competences {
				label := cp.Label
				if i := strings.Index(label, " : "); i > 0 && strings.HasPrefix(label, "Compétence") {
					label = label[i+3:]
				}
				if !strings.Contains(seed, normalise(label)) {
					t.Errorf("%s : compétence absente : %q", cp.Code, cp.Label)
				}
				for _, it := range cp.Items {
					if !strings.Contains(strings.ReplaceAll(seed, "-", ""), strings.ReplaceAll(normalise(it), "-", "")) {
						t.Errorf("%s : sous-point absent : %q", cp.Code, it)
					}
				}
			}
		}
	}
}

func TestMalformedRejected(t *testing.T) {
	base := func(blocks string) string {
		return "code: RNCP1\ntitle: Titre\nlevel: 5\ncertifier: X\nblocks:\n" + blocks
	}
	okBlock := `  - code: RNCP1BC01
    title: Bloc
    competences:
      - {code: C1, label: Compétence}
    deliverables:
      - {code: D1, kind: memoire, label: Mémoire, upload: true, accepted_types: [pdf]}
    criteria:
      - {code: CR1, label: Critère, competence: C1}
`
	if _, err := Parse("ok.yaml", []byte(base(okBlock))); err != nil {
		t.Fatalf("fichier valide refusé : %v", err)
	}
	cases := []struct {
		name, yaml string
		line       int
		reason     string
	}{
		{"code de bloc", base(strings.Replace(okBlock, "RNCP1BC01", "BLOC1", 1)), 6, "code de bloc"},
		{"bloc d'une autre certification", base(strings.Replace(okBlock, "RNCP1BC01", "RNCP2BC01", 1)), 6, "n'appartient pas"},
		{"bloc sans critère", base(strings.Replace(okBlock, "      - {code: CR1, label: Critère, competence: C1}\n", "", 1)), 6, "aucun critère"},
		{"code en double", base(strings.Replace(okBlock, "code: CR1", "code: C1", 1)), 13, "en double"},
		{"libellé vide", base(strings.Replace(okBlock, "label: Critère", "label: ''", 1)), 13, "vide"},
		{"compétence inconnue", base(strings.Replace(okBlock, "competence: C1}", "competence: C9}", 1)), 13, "compétence inconnue"},
		{"type de livrable", base(strings.Replace(okBlock, "kind: memoire", "kind: roman", 1)), 11, "type de livrable"},
		{"format de fichier", base(strings.Replace(okBlock, "[pdf]", "[exe]", 1)), 11, "type de fichier"},
		{"champ inconnu", base(strings.Replace(okBlock, "    title: Bloc\n", "    title: Bloc\n    titel: x\n", 1)), 8, "champ inconnu"},
		{"niveau", strings.Replace(base(okBlock), "level: 5", "level: 12", 1), 1, "niveau"},
		{"aucun bloc", "code: RNCP1\ntitle: T\nlevel: 5\ncertifier: X\n", 1, "aucun bloc"},
		{"YAML cassé", base("  - code: [\n"), 6, "YAML invalide"},
		{"titre vide", strings.Replace(base(okBlock), "title: Titre", "title: ''", 1), 1, "intitulé"},
	}
	for _, c := range cases {
		_, err := Parse("bad.yaml", []byte(c.yaml))
		var e *Error
		if err == nil {
			t.Errorf("%s : accepté", c.name)
			continue
		}
		if !errorsAs(err, &e) || e.File != "bad.yaml" || !strings.Contains(e.Reason, c.reason) {
			t.Errorf("%s : %v", c.name, err)
			continue
		}
		if e.Line != c.line {
			t.Errorf("%s : ligne %d, attendu %d (%v)", c.name, e.Line, c.line, err)
		}
	}
}

func errorsAs(err error, target **Error) bool {
	e, ok := err.(*Error)
	if ok {
		*target = e
	}
	return ok
}

func FuzzParse(f *testing.F) {
	for _, n := range []string{"rncp37779.yaml", "casp.yaml"} {
		b, err := referentiels.FS.ReadFile(n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("code: RNCP1\nblocks: [{}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("fuzz.yaml", data)
		if err == nil && (len(c.Blocks) == 0 || len(c.Blocks[0].Criteria) == 0) {
			t.Fatal("certification acceptée sans bloc ou sans critère")
		}
	})
}
