package csvexport

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOnlyCSVWriter keeps this package the one CSV writer of acquis: a
// csv.NewWriter anywhere else (tests aside) would write cells without
// neutralising formulas.
func TestOnlyCSVWriter(t *testing.T) {
	root := filepath.Join("..", "..")
	for _, dir := range []string{"internal", "cmd"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			if filepath.Base(filepath.Dir(path)) == "csvexport" {
				return nil
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			if strings.Contains(string(b), "csv.NewWriter(") {
				t.Errorf("%s écrit du CSV sans passer par csvexport.Encode", path)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
