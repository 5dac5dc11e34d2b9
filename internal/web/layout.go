package web

import (
	"github.com/labstack/echo/v4"

	"acquis/internal/account"
)

// CurrentUser is the signed-in user as the page frame shows it, with the
// menu entries their roles open.
type CurrentUser struct {
	ID    int64
	Name  string
	Email string
	Menu  []MenuItem
}

// MenuItem is one link of the signed-in user's menu.
type MenuItem struct {
	Label string
	Href  string
}

// layout fills the frame every page shares.
func (s *Server) layout(c echo.Context, title string) Layout {
	l := Layout{Title: title, Static: s.assets.url, Posted: postedOf(c)}
	if id, ok := c.Get(ctxRequestID).(string); ok {
		l.RequestID = id
	}
	l.CSRF = s.csrfWant(c)
	if p := principal(c); p != nil {
		l.User = &CurrentUser{ID: p.UserID, Name: p.Name, Email: p.Email, Menu: menuFor(p)}
	}
	if f, err := c.Cookie(flashCookie); err == nil && f.Value != "" {
		l.Flash = readFlash(c, f.Value)
	}
	return l
}

// menuFor lists the spaces a principal's roles open.
func menuFor(p *account.Principal) []MenuItem {
	var m []MenuItem
	if p.Has(account.RoleCandidate) {
		m = append(m, MenuItem{"Mes candidatures", "/candidat"})
	}
	if p.Has(account.RoleJuryMember) {
		m = append(m, MenuItem{"Mes jurys", "/jury"})
	}
	for _, id := range p.ManagedPlatforms() {
		m = append(m, MenuItem{"Ma plateforme", platformPath(id)})
		break
	}
	if _, national := p.ObservedRegions(); national || p.Has(account.RoleObserver) {
		m = append(m, MenuItem{"Pilotage", "/pilotage"})
		m = append(m, MenuItem{"Indicateurs", "/indicateurs"})
	}
	if p.Has(account.RoleAdmin) {
		m = append(m, MenuItem{"Recevabilité", "/certificateur/recevabilite"})
		m = append(m, MenuItem{"Jurys", "/certificateur/jurys"})
		m = append(m, MenuItem{"Administration", "/admin"})
	}
	m = append(m, MenuItem{"Mon compte", "/compte"})
	return m
}
