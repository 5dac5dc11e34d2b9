package apidoc

import (
	"context"
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
