package referentiel

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Error is a rejected référentiel file: where and why, in French.
type Error struct {
	File   string
	Line   int
	Reason string
}

func (e *Error) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Reason) }

// The YAML shapes, decoded strictly (unknown keys rejected); Node fields
// keep the line of each element for error messages.
type fileDoc struct {
	Code          string           `yaml:"code"`
	Title         string           `yaml:"title"`
	Level         int              `yaml:"level"`
	Certifier     string           `yaml:"certifier"`
	Source        string           `yaml:"source"`
	Notes         string           `yaml:"notes"`
	Prerequisites []prereqDoc      `yaml:"prerequisites"`
	Equivalences  []equivalenceDoc `yaml:"equivalences"`
	Blocks        []yaml.Node      `yaml:"blocks"`
}

type equivalenceDoc struct {
	Code  string `yaml:"code"`
	Label string `yaml:"label"`
}

type prereqDoc struct {
	Code                string `yaml:"code"`
	Label               string `yaml:"label"`
	MinExperienceMonths int    `yaml:"min_experience_months"`
}

type blockDoc struct {
	Code         string      `yaml:"code"`
	Title        string      `yaml:"title"`
	Activities   []Activity  `yaml:"activities"`
	Competences  []yaml.Node `yaml:"competences"`
	Deliverables []yaml.Node `yaml:"deliverables"`
	Criteria     []yaml.Node `yaml:"criteria"`
}

type competenceDoc struct {
	Code  string   `yaml:"code"`
	Label string   `yaml:"label"`
	Items []string `yaml:"items"`
}

type deliverableDoc struct {
	Code          string   `yaml:"code"`
	Kind          string   `yaml:"kind"`
	Label         string   `yaml:"label"`
	Description   string   `yaml:"description"`
	Contents      []string `yaml:"contents"`
	MaxPages      int      `yaml:"max_pages"`
	Upload        bool     `yaml:"upload"`
	AcceptedTypes []string `yaml:"accepted_types"`
	Shared        string   `yaml:"shared"`
}

type criterionDoc struct {
	Code       string `yaml:"code"`
	Label      string `yaml:"label"`
	Competence string `yaml:"competence"`
}

// Parse reads one référentiel file and checks it; the error names the file,
// the line and the reason.
func Parse(name string, data []byte) (*Certification, error) {
	fail := func(line int, format string, args ...any) error {
		return &Error{File: name, Line: line, Reason: fmt.Sprintf(format, args...)}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var doc fileDoc
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fail(1, "fichier vide")
		}
		return nil, yamlError(name, err)
	}
	sum := sha256.Sum256(data)
	c := &Certification{Code: strings.TrimSpace(doc.Code), Title: strings.TrimSpace(doc.Title), Level: doc.Level,
		Certifier: strings.TrimSpace(doc.Certifier), Source: doc.Source, Notes: strings.TrimSpace(doc.Notes), ContentHash: hex.EncodeToString(sum[:])}
	if !certCodeRE.MatchString(c.Code) {
		return nil, fail(1, "code de certification %q invalide : attendu RNCP suivi de chiffres", c.Code)
	}
	if c.Title == "" {
		return nil, fail(1, "intitulé (title) vide")
	}
	if c.Level < 1 || c.Level > 8 {
		return nil, fail(1, "niveau %d hors de l'échelle 1 à 8", c.Level)
	}
	if c.Certifier == "" {
		return nil, fail(1, "certificateur (certifier) vide")
	}
	for _, p := range doc.Prerequisites {
		c.Prerequisites = append(c.Prerequisites, Prerequisite(p))
	}
	for _, e := range doc.Equivalences {
		eq := Equivalence{Code: strings.TrimSpace(e.Code), Label: strings.TrimSpace(e.Label)}
		if eq.Code == "" || eq.Label == "" {
			return nil, fail(1, "équivalence sans code ou sans libellé")
		}
		c.Equivalences = append(c.Equivalences, eq)
	}
	if len(doc.Blocks) == 0 {
		return nil, fail(1, "la certification n'a aucun bloc")
	}
	seen := map[string]int{}
	unique := func(code string, line int) error {
		if code == "" {
			return fail(line, "code vide")
		}
		if prev, dup := seen[code]; dup {
			return fail(line, "code %s en double (déjà utilisé ligne %d)", code, prev)
		}
		seen[code] = line
		return nil
	}
	shared := map[string][]sharedUse{}
	for i := range doc.Blocks {
		bn := &doc.Blocks[i]
		var bd blockDoc
		if err := decodeStrict(bn, &bd); err != nil {
			return nil, yamlError(name, err)
		}
		b := Block{Code: strings.TrimSpace(bd.Code), Title: strings.TrimSpace(bd.Title), Activities: bd.Activities}
		if !blockCodeRE.MatchString(b.Code) {
			return nil, fail(bn.Line, "code de bloc %q invalide : attendu RNCPnnnnnBCnn", b.Code)
		}
		if !strings.HasPrefix(b.Code, c.Code+"BC") {
			return nil, fail(bn.Line, "le bloc %s n'appartient pas à la certification %s", b.Code, c.Code)
		}
		if err := unique(b.Code, bn.Line); err != nil {
			return nil, err
		}
		if b.Title == "" {
			return nil, fail(bn.Line, "intitulé du bloc %s vide", b.Code)
		}
		comps := map[string]bool{}
		for j := range bd.Competences {
			n := &bd.Competences[j]
			var cd competenceDoc
			if err := decodeStrict(n, &cd); err != nil {
				return nil, yamlError(name, err)
			}
			cp := Competence{Code: strings.TrimSpace(cd.Code), Label: strings.TrimSpace(cd.Label), Items: cd.Items}
			if err := unique(cp.Code, n.Line); err != nil {
				return nil, err
			}
			if cp.Label == "" {
				return nil, fail(n.Line, "libellé de la compétence %s vide", cp.Code)
			}
			comps[cp.Code] = true
			b.Competences = append(b.Competences, cp)
		}
		for j := range bd.Deliverables {
			n := &bd.Deliverables[j]
			var dd deliverableDoc
			if err := decodeStrict(n, &dd); err != nil {
				return nil, yamlError(name, err)
			}
			d := Deliverable(dd)
			d.Code, d.Label, d.Shared = strings.TrimSpace(d.Code), strings.TrimSpace(d.Label), strings.TrimSpace(d.Shared)
			if err := unique(d.Code, n.Line); err != nil {
				return nil, err
			}
			if d.Label == "" {
				return nil, fail(n.Line, "libellé du livrable %s vide", d.Code)
			}
			if !contains(DeliverableKinds, d.Kind) {
				return nil, fail(n.Line, "type de livrable %q inconnu (attendu : %s)", d.Kind, strings.Join(DeliverableKinds, ", "))
			}
			for _, t := range d.AcceptedTypes {
				if !contains(FileTypes, t) {
					return nil, fail(n.Line, "type de fichier %q inconnu (attendu : %s)", t, strings.Join(FileTypes, ", "))
				}
			}
			if d.Upload && len(d.AcceptedTypes) == 0 {
				return nil, fail(n.Line, "le livrable %s attend un fichier mais ne dit pas quels formats (accepted_types)", d.Code)
			}
			if d.MaxPages < 0 {
				return nil, fail(n.Line, "nombre de pages négatif")
			}
			if d.Shared != "" {
				if !d.Upload {
					return nil, fail(n.Line, "le livrable %s est partagé (shared) mais n'attend pas de fichier", d.Code)
				}
				// Namespaced by the certification, so a shared file never
				// takes the code of a bloc's own file, proof or evidence.
				if !strings.HasPrefix(d.Shared, c.Code+"-") {
					return nil, fail(n.Line, "la clé partagée %q doit commencer par %s-", d.Shared, c.Code)
				}
				shared[d.Shared] = append(shared[d.Shared], sharedUse{block: b.Code, d: d, line: n.Line})
			}
			b.Deliverables = append(b.Deliverables, d)
		}
		for j := range bd.Criteria {
			n := &bd.Criteria[j]
			var crd criterionDoc
			if err := decodeStrict(n, &crd); err != nil {
				return nil, yamlError(name, err)
			}
			cr := Criterion{Code: strings.TrimSpace(crd.Code), Label: strings.TrimSpace(crd.Label), Competence: strings.TrimSpace(crd.Competence)}
			if err := unique(cr.Code, n.Line); err != nil {
				return nil, err
			}
			if cr.Label == "" {
				return nil, fail(n.Line, "libellé du critère %s vide", cr.Code)
			}
			if cr.Competence != "" && !comps[cr.Competence] {
				return nil, fail(n.Line, "le critère %s renvoie à une compétence inconnue du bloc : %s", cr.Code, cr.Competence)
			}
			b.Criteria = append(b.Criteria, cr)
		}
		if len(b.Criteria) == 0 {
			return nil, fail(bn.Line, "le bloc %s n'a aucun critère d'évaluation", b.Code)
		}
		c.Blocks = append(c.Blocks, b)
	}
	if err := checkShared(shared, seen, fail); err != nil {
		return nil, err
	}
	return c, nil
}

// sharedUse is one deliverable declaring a shared file key.
type sharedUse struct {
	block string
	d     Deliverable
	line  int
}

// checkShared refuses a shared file key that is not one file for several
// blocs: used by one bloc only, twice in a bloc, clashing with a code, or
// by deliverables that would not accept the same file.
func checkShared(shared map[string][]sharedUse, codes map[string]int, fail func(int, string, ...any) error) error {
	keys := make([]string, 0, len(shared))
	for k := range shared {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		uses := shared[k]
		first := uses[0]
		if line, clash := codes[k]; clash {
			return fail(first.line, "la clé partagée %s est déjà le code d'un élément (ligne %d)", k, line)
		}
		if len(uses) < 2 {
			return fail(first.line, "la clé partagée %s n'est utilisée que par le livrable %s : un fichier partagé sert au moins deux blocs", k, first.d.Code)
		}
		blocks := map[string]bool{}
		for _, u := range uses {
			if blocks[u.block] {
				return fail(u.line, "la clé partagée %s apparaît deux fois dans le bloc %s", k, u.block)
			}
			blocks[u.block] = true
			if u.d.Kind != first.d.Kind || !slices.Equal(u.d.AcceptedTypes, first.d.AcceptedTypes) {
				return fail(u.line, "les livrables %s et %s partagent le fichier %s mais n'ont pas le même type ni les mêmes formats", first.d.Code, u.d.Code, k)
			}
		}
	}
	return nil
}

// decodeStrict decodes one element, refusing keys its type does not have,
// so a misspelt field is an error with its line rather than silently lost.
func decodeStrict(n *yaml.Node, out any) error {
	if n.Kind != yaml.MappingNode {
		return &keyError{line: n.Line, msg: "élément mal formé : une liste de champs (clé: valeur) est attendue"}
	}
	known := map[string]bool{}
	t := reflect.TypeOf(out).Elem()
	for i := 0; i < t.NumField(); i++ {
		tag, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		known[tag] = true
	}
	for k := 0; k+1 < len(n.Content); k += 2 {
		key := n.Content[k]
		if !known[key.Value] {
			return &keyError{line: key.Line, msg: fmt.Sprintf("champ inconnu %q", key.Value)}
		}
	}
	return n.Decode(out)
}

// keyError is a structural error found while walking the nodes.
type keyError struct {
	line int
	msg  string
}

func (e *keyError) Error() string { return e.msg }

var (
	certCodeRE  = regexp.MustCompile(`^RNCP\d+$`)
	blockCodeRE = regexp.MustCompile(`^RNCP\d+BC\d{2}$`)
)

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// yamlError turns a yaml.v3 error ("yaml: line 12: …") into an *Error.
func yamlError(name string, err error) error {
	var te *yaml.TypeError
	line := 0
	msg := err.Error()
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	if e, ok := err.(*keyError); ok {
		return &Error{File: name, Line: e.line, Reason: e.msg}
	}
	fmt.Sscanf(afterPrefix(msg, "line "), "%d", &line)
	return &Error{File: name, Line: line, Reason: "YAML invalide : " + msg}
}

func afterPrefix(s, p string) string {
	if i := strings.Index(s, p); i >= 0 {
		return s[i+len(p):]
	}
	return s
}

// ParseFS parses every *.yaml at the root of fsys, sorted by name; two
// files may not describe the same certification.
func ParseFS(fsys fs.FS) ([]*Certification, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []*Certification
	byCode := map[string]string{}
	for _, n := range names {
		data, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		c, err := Parse(path.Base(n), data)
		if err != nil {
			return nil, err
		}
		if other, dup := byCode[c.Code]; dup {
			return nil, &Error{File: n, Line: 1, Reason: fmt.Sprintf("la certification %s est déjà décrite dans %s", c.Code, other)}
		}
		byCode[c.Code] = n
		out = append(out, c)
	}
	return out, nil
}
