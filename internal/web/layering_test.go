package web

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// databasePackages are the packages whose calls run SQL: the web layer
// hands the pool to the domain packages and never calls them itself.
var databasePackages = map[string]bool{
	"database/sql":            true,
	"github.com/jmoiron/sqlx": true,
	"acquis/internal/db":      true, // its Prepared statements, InTx
}

// allowedDatabaseCalls are the only calls on the pool the web layer may
// make, each with its reason.
var allowedDatabaseCalls = map[string]string{
	// /healthz and /readyz ask whether the database answers: a ping runs
	// no statement and reads no table, so no domain package owns it.
	"PingContext": "readiness probe",
}

// TestNoSQLInWeb: no non-test file of internal/web runs SQL or calls the
// database driver (issue 17 #3). SQL and the views built from it live in
// the domain package owning the tables; a handler calls it and renders.
// The package is type-checked so that the receiver's type, not its
// variable's name, decides: c.Get (Echo) passes, s.db.GetContext does not.
func TestNoSQLInWeb(t *testing.T) {
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, n := range names {
		if strings.HasSuffix(n, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, n, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	conf := types.Config{Importer: exportImporter(t, fset)}
	info := &types.Info{Selections: map[*ast.SelectorExpr]*types.Selection{}, Uses: map[*ast.Ident]types.Object{}}
	if _, err := conf.Check("acquis/internal/web", fset, files, info); err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			pkg, name := "", sel.Sel.Name
			if s, ok := info.Selections[sel]; ok && s.Kind() == types.MethodVal {
				// A method: of which type (pointer or not)?
				recv := s.Recv()
				if p, ok := recv.(*types.Pointer); ok {
					recv = p.Elem()
				}
				if named, ok := recv.(*types.Named); ok && named.Obj().Pkg() != nil {
					pkg = named.Obj().Pkg().Path()
				}
			} else if obj := info.Uses[sel.Sel]; obj != nil && obj.Pkg() != nil {
				if _, isFunc := obj.(*types.Func); isFunc {
					pkg = obj.Pkg().Path() // a package function: sqlx.GetContext, db.InTx
				}
			}
			if databasePackages[pkg] && allowedDatabaseCalls[name] == "" {
				found = append(found, fmt.Sprintf("%s: %s.%s", fset.Position(call.Pos()), pkg, name))
			}
			return true
		})
	}
	sort.Strings(found)
	for _, f := range found {
		t.Errorf("SQL in the web layer (move it to the domain package owning the table): %s", f)
	}
}

// exportImporter imports the web package's dependencies from the
// compiler's export data, which `go list -export` builds (from the
// cache, after the test's own build): type-checking from source would
// take the whole module graph.
func exportImporter(t *testing.T, fset *token.FileSet) types.Importer {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", "-export", "-json=ImportPath,Export", ".")
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	exports := map[string]string{}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p struct{ ImportPath, Export string }
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		exports[p.ImportPath] = p.Export
	}
	return importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		f, ok := exports[path]
		if !ok || f == "" {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(f)
	})
}
