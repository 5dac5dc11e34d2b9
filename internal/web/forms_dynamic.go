package web

import (
	"strings"

	"github.com/labstack/echo/v4"
)

// prefixedFields returns the posted fields whose names start with prefix,
// keyed by the rest of the name (pathway_RNCP1B1 → "RNCP1B1"), with the
// first value of each; blank values are left out. It is the one way to
// read a form whose field names are built from data (one per bloc,
// competence or criterion), which a struct cannot list: every fixed field
// still goes through bindForm, and the caller judges each value it reads.
func prefixedFields(c echo.Context, prefix string) (map[string]string, error) {
	posted, err := c.FormParams()
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for k, vals := range posted {
		if rest, ok := strings.CutPrefix(k, prefix); ok && len(vals) > 0 && vals[0] != "" {
			out[rest] = vals[0]
		}
	}
	return out, nil
}
