package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"acquis/internal/account"
	"acquis/internal/geo"
)

type apiKeysView struct {
	Layout
	Keys    []account.APIKey
	Regions []geo.Region
	Token   string // the key just issued, shown once
	Errors  FormErrors
}

func (s *Server) renderAPIKeys(c echo.Context, status int, token string, errs FormErrors) error {
	keys, err := s.accounts.APIKeys(c.Request().Context())
	if err != nil {
		return err
	}
	return s.render.render(c, status, "admin_api_keys", apiKeysView{Layout: s.layout(c, "Clés d'API"), Keys: keys, Regions: geo.Regions(), Token: token, Errors: errs})
}

// adminAPIKeys lists the keys of the indicators API.
func (s *Server) adminAPIKeys(c echo.Context) error {
	return s.renderAPIKeys(c, http.StatusOK, "", nil)
}

// apiKeyForm names a new key and, for a regional one, its région (the
// rules are account.IssueAPIKey's).
type apiKeyForm struct {
	Name   string `form:"name"`
	Region string `form:"region"`
}

// adminAPIKeyIssue creates a key and shows its token once.
func (s *Server) adminAPIKeyIssue(c echo.Context) error {
	var f apiKeyForm
	err := bindForm(c, &f)
	var token string
	if err == nil {
		token, _, err = s.accounts.IssueAPIKey(c.Request().Context(), actor(c), f.Name, f.Region)
	}
	if err != nil {
		return formError(err, func(errs FormErrors) error { return s.renderAPIKeys(c, http.StatusUnprocessableEntity, "", errs) })
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return s.renderAPIKeys(c, http.StatusCreated, token, nil)
}

// adminAPIKeyRevoke revokes a key for good.
func (s *Server) adminAPIKeyRevoke(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("kid"), 10, 64)
	if err != nil {
		return echo.ErrNotFound
	}
	if err := s.accounts.RevokeAPIKey(c.Request().Context(), actor(c), id); err != nil {
		return formError(err, func(errs FormErrors) error { return s.renderAPIKeys(c, http.StatusUnprocessableEntity, "", errs) })
	}
	return redirectWith(c, "/admin/api-keys", "Clé révoquée.")
}
