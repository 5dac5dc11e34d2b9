package web

import (
	"html/template"
	"strings"

	"acquis/internal/jury"
)

// verdictCell writes the deliberation table's cell of one criterion: each
// counted grid's verdict, or that none is in. It is the template fragment
//
//	{{range .}}{{.EvaluatorName}} : {{if eq .Verdict "acquis"}}acquis{{else}}<strong>non acquis</strong> — {{.Comment}}{{end}}<br>{{else}}<span class="muted">aucune grille remise</span>{{end}}
//
// written in Go, byte for byte the same (TestVerdictCellMatchesTemplate):
// a session of 20 candidates prints about a thousand verdicts, and
// html/template calls its escaper and eq by reflection for each, which
// made two thirds of the page's CPU (pprof, BENCHMARKS.md).
func verdictCell(vs []jury.Verdict) template.HTML {
	if len(vs) == 0 {
		return `<span class="muted">aucune grille remise</span>`
	}
	var b strings.Builder
	for _, v := range vs {
		b.WriteString(htmlText.Replace(v.EvaluatorName))
		b.WriteString(" : ")
		if v.Verdict == "acquis" {
			b.WriteString("acquis")
		} else {
			b.WriteString("<strong>non acquis</strong> — ")
			b.WriteString(htmlText.Replace(v.Comment))
		}
		b.WriteString("<br>")
	}
	return template.HTML(b.String())
}

// htmlText escapes text in an HTML element's content as html/template's
// escaper does (its table: NUL, the quotes, &, + and the angle brackets),
// so that the cell reads the same as the template's output.
var htmlText = strings.NewReplacer("\x00", "\uFFFD", `"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;", "<", "&lt;", ">", "&gt;")
