package apidoc

import (
	"context"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestDescriptionIsValidOpenAPI31 (issue 15, finding 5): the served
// description loads as OpenAPI 3.1 and passes kin-openapi's validation
// (schemas, references, examples).
func TestDescriptionIsValidOpenAPI31(t *testing.T) {
	b, err := JSON()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(b)
	if err != nil {
		t.Fatal(err)
	}
	if !doc.IsOpenAPI31OrLater() {
		t.Fatalf("version %q, attendu 3.1", doc.OpenAPI)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if doc.Paths.Len() < 9 {
		t.Fatalf("%d chemins décrits", doc.Paths.Len())
	}
}

// TestValidationCatchesBrokenDescription: the check above can fail — a
// dangling reference or a 3.0-only keyword form is refused.
func TestValidationCatchesBrokenDescription(t *testing.T) {
	b, err := JSON()
	if err != nil {
		t.Fatal(err)
	}
	for name, broken := range map[string]string{
		"référence pendante": strings.Replace(string(b), `"#/components/schemas/Verdict"`, `"#/components/schemas/Verdikt"`, 1),
		"type inconnu":       strings.Replace(string(b), `"type":"boolean"`, `"type":"bool"`, 1),
	} {
		if broken == string(b) {
			t.Fatalf("%s : rien n'a été remplacé", name)
		}
		doc, err := openapi3.NewLoader().LoadFromData([]byte(broken))
		if err == nil {
			err = doc.Validate(context.Background())
		}
		if err == nil {
			t.Errorf("%s : description acceptée", name)
		}
	}
}
