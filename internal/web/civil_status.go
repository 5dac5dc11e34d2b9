package web

// The candidate's civil status (/compte/etat-civil), which the accrochage
// flow needs, and the search of the communes of birth.

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"acquis/internal/accrochage"
	"acquis/internal/form"
	"acquis/internal/geo"
)

type civilView struct {
	Layout
	Purpose string
	Civil   accrochage.CivilStatus
	// Place is the commune of birth as the field shows it: « Rennes
	// (35238) », or the country code for a birth abroad, or what was typed.
	Place string
	// Matches are the communes the typed place may mean, to choose from
	// (the form's way without JavaScript).
	Matches []communeView
	// Town is the town of a birth abroad, typed freely.
	Town   string
	Errors FormErrors
}

// communeView is a commune as the form and the search offer it.
type communeView struct {
	Choice string `json:"choix"`   // what the field takes: « Rennes (35238) »
	Label  string `json:"libelle"` // département, former commune, postal codes
	Code   string `json:"code"`
	Name   string `json:"nom"`
}

func communeViews(cs []geo.Commune) []communeView {
	out := make([]communeView, len(cs))
	for i, c := range cs {
		out[i] = communeView{Choice: c.Choice(), Label: c.Label(), Code: c.Code, Name: c.Name}
	}
	return out
}

// placeOf is the saved commune of birth as the field shows it.
func placeOf(cs accrochage.CivilStatus) string {
	if cs.BirthINSEE == "" || accrochage.Abroad(cs.BirthINSEE) {
		return cs.BirthINSEE
	}
	if c, ok := geo.CommuneOfChoice(cs.BirthCommune + " (" + cs.BirthINSEE + ")"); ok {
		return c.Choice()
	}
	if c, ok := geo.CommuneByCode(cs.BirthINSEE); ok {
		return c.Choice()
	}
	return cs.BirthINSEE
}

// civilStatusForm is the candidate's civil status, with why it is asked.
func (s *Server) civilStatusForm(c echo.Context) error {
	cs, err := s.accrochage.CivilStatus(c.Request().Context(), principal(c).UserID)
	if err != nil {
		return err
	}
	v := civilView{Layout: s.layout(c, "Mon état civil"), Purpose: accrochage.Purpose}
	if cs != nil {
		v.Civil, v.Place = *cs, placeOf(*cs)
		if accrochage.Abroad(cs.BirthINSEE) {
			v.Town = cs.BirthCommune
		}
	}
	return s.render.render(c, http.StatusOK, "civil_status", v)
}

// communeLimit bounds the communes offered for one search.
const communeLimit = 30

// civilForm is the civil-status form as posted. The form checks the
// shape of each field; accrochage.CivilStatus.Validate keeps the rules of
// the Caisse des Dépôts flow (age, order of the first names, a commune
// of the official list). The commune of birth is typed (birth_place) and
// chosen (birth_choice), not posted as a code.
type civilForm struct {
	BirthName    string `form:"birth_name" label:"Le nom de naissance" validate:"required,max=60"`
	UsageName    string `form:"usage_name" label:"Le nom d'usage" validate:"max=60"`
	FirstName1   string `form:"first_name1" label:"Le premier prénom" validate:"required,max=60"`
	FirstName2   string `form:"first_name2" label:"Le deuxième prénom" validate:"max=60"`
	FirstName3   string `form:"first_name3" label:"Le troisième prénom" validate:"max=60"`
	BirthDate    string `form:"birth_date" label:"La date de naissance" validate:"isodate"`
	Sex          string `form:"sex" label:"Le sexe" validate:"oneof=M F"`
	BirthPlace   string `form:"birth_place" label:"La commune de naissance" validate:"max=100"`
	BirthChoice  string `form:"birth_choice"`
	BirthCommune string `form:"birth_commune" label:"La ville de naissance" validate:"max=60"`
}

// civilStatusSave stores it; a refused field is shown beside itself. The
// commune of birth is chosen from the official list: a commune picked in
// the list (or among the matches the page offered) is taken as is; a
// typed name or postal code that means one commune only is taken too;
// one that means several comes back with them to choose from, every other
// value kept. A birth abroad is said as before, by the country's code
// (99…) and the town typed freely.
func (s *Server) civilStatusSave(c echo.Context) error {
	var f civilForm
	err := bindForm(c, &f)
	cs := accrochage.CivilStatus{UserID: principal(c).UserID, BirthName: f.BirthName, UsageName: f.UsageName,
		FirstName1: f.FirstName1, FirstName2: f.FirstName2, FirstName3: f.FirstName3, Sex: f.Sex}
	cs.BirthDate, _ = form.ParseDate(f.BirthDate)
	place := strings.Join(strings.Fields(f.BirthPlace), " ")
	v := civilView{Layout: s.layout(c, "Mon état civil"), Purpose: accrochage.Purpose, Place: place, Town: f.BirthCommune}
	again := func(errs FormErrors) error {
		// The code is not typed: its refusal goes beside the commune.
		if msg, ok := errs["birth_insee"]; ok {
			delete(errs, "birth_insee")
			errs["birth_place"] = msg
		}
		v.Civil, v.Errors = cs, errs
		return s.render.render(c, http.StatusUnprocessableEntity, "civil_status", v)
	}
	if err != nil {
		return formError(err, again)
	}
	refuse := func(field, msg string) error { return again(FormErrors{field: msg}) }
	chosen, ok := geo.CommuneOfChoice(f.BirthChoice)
	switch {
	case ok:
	case accrochage.Abroad(strings.ToUpper(place)):
		cs.BirthINSEE, cs.BirthCommune = strings.ToUpper(place), f.BirthCommune
	case place == "":
		return refuse("birth_place", "Indiquez votre commune de naissance : tapez son nom ou son code postal, puis choisissez-la.")
	default:
		matches := geo.SearchCommunes(place, communeLimit)
		if exact := exactCommune(matches, place); exact != nil {
			matches = []geo.Commune{*exact}
		}
		switch len(matches) {
		case 0:
			return refuse("birth_place", "Aucune commune de la liste officielle ne correspond à « "+place+" » : vérifiez l'orthographe, ou tapez le code postal.")
		case 1:
			chosen, ok = matches[0], true
		default:
			v.Matches = communeViews(matches)
			msg := "Plusieurs communes correspondent à « " + place + " » : choisissez la vôtre dans la liste ci-dessous, puis enregistrez."
			if len(matches) == communeLimit {
				msg = "Beaucoup de communes correspondent à « " + place + " » : choisissez la vôtre ci-dessous, ou précisez le nom ou le code postal."
			}
			return refuse("birth_place", msg)
		}
	}
	if ok {
		cs.BirthINSEE, cs.BirthCommune = chosen.Code, chosen.Name
		v.Place = chosen.Choice()
	}
	if err := s.accrochage.SaveCivilStatus(c.Request().Context(), actor(c), cs, time.Now()); err != nil {
		return formError(err, again)
	}
	return redirectWith(c, "/compte", "État civil enregistré.")
}

// exactCommune is the one match named exactly as typed, if only one is:
// « Rennes » means Rennes, not Rennes-le-Château.
func exactCommune(matches []geo.Commune, typed string) *geo.Commune {
	var found *geo.Commune
	for i, m := range matches {
		if geo.SameName(m.Name, typed) {
			if found != nil {
				return nil
			}
			found = &matches[i]
		}
	}
	return found
}

// communeSearch answers the civil status form's list as the person types:
// communes by the start of their name (accents ignored) or postal code.
func (s *Server) communeSearch(c echo.Context) error {
	q := c.QueryParam("q")
	if len([]rune(q)) > 100 {
		return fail(http.StatusBadRequest, "Recherche trop longue.")
	}
	return c.JSON(http.StatusOK, struct {
		Communes []communeView `json:"communes"`
	}{communeViews(geo.SearchCommunes(q, communeLimit))})
}
