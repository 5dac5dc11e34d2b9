package web

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
)

// errBadCharacter is the answer to a NUL byte or invalid UTF-8 anywhere a
// parameter can be: PostgreSQL refuses both in text, so they would
// otherwise reach the database and come back as a server error.
var errBadCharacter = fail(http.StatusBadRequest,
	"La requête contient un caractère non admis (caractère nul ou codage autre qu'UTF-8) : corrigez la saisie et recommencez.")

// cleanInput refuses, before any handler runs, a request whose path, query,
// form fields or JSON body hold a NUL byte or invalid UTF-8. A multipart
// upload's body is left to the upload's own checks (its file is binary).
func cleanInput(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if !cleanText(req.URL.Path) || !cleanText(req.URL.RawPath) || !cleanValues(req.URL.Query()) {
			return errBadCharacter
		}
		if req.Body == nil || req.Method == http.MethodGet || req.Method == http.MethodHead {
			return next(c)
		}
		ct, _, _ := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
		switch ct {
		case echo.MIMEApplicationForm:
			if err := req.ParseForm(); err != nil {
				var he *echo.HTTPError
				if errors.As(err, &he) {
					return he
				}
				return fail(http.StatusBadRequest, "Le formulaire est mal formé : rechargez la page et recommencez.")
			}
			if !cleanValues(req.PostForm) {
				return errBadCharacter
			}
		case echo.MIMEApplicationJSON:
			// Small by the body limit; read whole, checked, then handed on.
			b, err := io.ReadAll(req.Body)
			if err != nil {
				var he *echo.HTTPError
				if errors.As(err, &he) {
					return he
				}
				return fail(http.StatusBadRequest, "La requête est mal formée.")
			}
			if !utf8.Valid(b) || bytes.IndexByte(b, 0) >= 0 || bytes.Contains(b, []byte(`\u0000`)) {
				return errBadCharacter
			}
			req.Body = io.NopCloser(bytes.NewReader(b))
		}
		return next(c)
	}
}

func cleanText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

func cleanValues(v map[string][]string) bool {
	for k, vs := range v {
		if !cleanText(k) {
			return false
		}
		for _, s := range vs {
			if !cleanText(s) {
				return false
			}
		}
	}
	return true
}
