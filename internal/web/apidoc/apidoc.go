// Package apidoc holds the OpenAPI 3.1 description of the JSON API
// (/api/v1), written in YAML for people and served as JSON at
// /api/v1/openapi.json. It is embedded in the binary, so the description
// served is always the one the build's tests checked the API against.
package apidoc

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sync"

	"gopkg.in/yaml.v3"
)

//go:embed openapi.yaml
var source []byte

// YAML is the description as written.
func YAML() []byte { return source }

var (
	once    sync.Once
	encoded []byte
	failure error
)

// JSON is the description as JSON, converted once.
func JSON() ([]byte, error) {
	once.Do(func() {
		var doc any
		if err := yaml.Unmarshal(source, &doc); err != nil {
			failure = fmt.Errorf("apidoc: %w", err)
			return
		}
		encoded, failure = json.Marshal(doc)
	})
	return encoded, failure
}
