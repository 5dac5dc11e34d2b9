package web

import (
	"html/template"
	"strings"
	"testing"

	"acquis/internal/jury"
)

// TestVerdictCellMatchesTemplate checks that the deliberation table's
// cell written in Go is byte for byte what the template fragment it
// replaces printed, hostile and odd texts included.
func TestVerdictCellMatchesTemplate(t *testing.T) {
	tpl := template.Must(template.New("cell").Parse(`<td>{{range .}}{{.EvaluatorName}} : {{if eq .Verdict "acquis"}}acquis{{else}}<strong>non acquis</strong> — {{.Comment}}{{end}}<br>{{else}}<span class="muted">aucune grille remise</span>{{end}}</td>`))
	var ascii strings.Builder
	for r := rune(0); r < 128; r++ {
		ascii.WriteRune(r)
	}
	texts := []string{"", "Hélène Marchand", `<script>alert("x")</script>`, "l'entretien & le dossier + 2 > 1", "\x00nul", "\xff\xfe invalide \xc3",
		"« guillemets » — tiret, espace\u202finsécable", "&amp; déjà échappé", ascii.String()}
	cases := [][]jury.Verdict{nil, {}}
	for _, s := range texts {
		cases = append(cases,
			[]jury.Verdict{{EvaluatorName: s, Verdict: "acquis", Comment: s}},
			[]jury.Verdict{{EvaluatorName: "Sophie Roussel", Verdict: "non_acquis", Comment: s}, {EvaluatorName: s, Verdict: "acquis"}})
	}
	cell := template.Must(template.New("go").Funcs(template.FuncMap{"verdictCell": verdictCell}).Parse(`<td>{{verdictCell .}}</td>`))
	for _, vs := range cases {
		var want, got strings.Builder
		if err := tpl.Execute(&want, vs); err != nil {
			t.Fatal(err)
		}
		if err := cell.Execute(&got, vs); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("verdicts %+v:\n got %q\nwant %q", vs, got.String(), want.String())
		}
	}
}
