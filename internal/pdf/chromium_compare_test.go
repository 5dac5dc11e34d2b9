package pdf

import (
	"html/template"
	"os"
	"testing"

	"acquis/internal/jury"
)

// equivalentHTML is the jury file as an HTML page with the same content
// and tables, for scripts/bench-pdf-chromium.sh, which times headless
// Chromium printing it to PDF (BENCHMARKS.md compares).
var equivalentHTML = template.Must(template.New("").Funcs(template.FuncMap{
	"verdict": func(f *jury.CandidateFile, ev int64, cr string) string { return verdictCell(f, ev, cr) },
}).Parse(`<!doctype html><html lang="fr"><meta charset="utf-8"><title>Dossier jury</title>
<style>@page{size:A4;margin:22mm 15mm 20mm 25mm}body{font:9.5pt sans-serif}table{border-collapse:collapse;width:100%;margin:4pt 0}
th,td{border:1px solid #999;padding:2pt;vertical-align:top;text-align:left;white-space:pre-line}thead{display:table-header-group}tr{break-inside:avoid}</style>
<h1>Dossier jury</h1>
<table><tr><th>Candidat</th><td>{{.Candidacy.CandidateName}}</td></tr><tr><th>Certification</th><td>{{.Certification.Code}} — {{.Certification.Title}}</td></tr>
<tr><th>Session</th><td>{{.Session.Place}}</td></tr></table>
<h2>Composition du jury</h2><table><thead><tr><th>Membre</th><th>Collège</th></tr></thead>{{range .Members}}<tr><td>{{.Name}}</td><td>{{.SessionCollege.Label}}</td></tr>{{end}}</table>
<h2>Documents examinés</h2><table><thead><tr><th>Bloc</th><th>Fichier et SHA-256</th><th>Taille</th></tr></thead>{{range .Deposit.Files}}<tr><td>{{.BlockCode}} {{.DeliverableName}}</td><td>{{.FileName}} {{.SHA256}}</td><td>{{.Size}}</td></tr>{{end}}</table>
{{$f := .}}{{range .TargetedBlocks}}<h2>Bloc {{.Code}} — {{.Title}}</h2>
<table><thead><tr><th>Critère</th>{{range $f.Evaluators}}<th>{{.Name}}</th>{{end}}</tr></thead>
{{range .Criteria}}{{$cr := .}}<tr><td>{{.Code}}
{{.Label}}</td>{{range $f.Evaluators}}<td>{{verdict $f .UserID $cr.Code}}</td>{{end}}</tr>{{end}}</table>{{end}}
<h2>Résultat</h2><p>{{.Outcome.Label}}</p><p>{{.Preconisations}}</p>`))

// TestWriteEquivalentHTML writes that page where ACQUIS_PDF_HTML_OUT says;
// without it there is nothing to do.
func TestWriteEquivalentHTML(t *testing.T) {
	out := os.Getenv("ACQUIS_PDF_HTML_OUT")
	if out == "" {
		t.Skip("ACQUIS_PDF_HTML_OUT absent : page de comparaison non demandée")
	}
	w, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := equivalentHTML.Execute(w, caspFile(t)); err != nil {
		t.Fatal(err)
	}
}
