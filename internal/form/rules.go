package form

import (
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode"

	ut "github.com/go-playground/universal-translator"
	"github.com/go-playground/validator/v10"

	"acquis/internal/geo"
)

// DateLayout is how a date is posted: what an <input type="date"> sends.
const DateLayout = "2006-01-02"

// rule is a check struct tags cannot say, with its French sentence ({0}
// is the field's label, {1} the rule's parameter).
type rule struct {
	tag     string
	check   validator.Func
	message string
}

// rules are registered once, here, for every form.
var rules = []rule{
	{"isodate", func(fl validator.FieldLevel) bool {
		_, ok := ParseDate(fl.Field().String())
		return ok
	}, "{0} : date invalide (attendu : AAAA-MM-JJ)"},
	{"insee", func(fl validator.FieldLevel) bool {
		return geo.IsCommuneCode(strings.ToUpper(strings.TrimSpace(fl.Field().String())))
	}, "{0} : 5 caractères, par exemple 35238 pour Rennes ou 2A004 pour Ajaccio (99xxx pour une naissance à l'étranger)"},
	{"decimal", func(fl validator.FieldLevel) bool {
		_, ok := ParseDecimal(fl.Field().String())
		return ok
	}, "{0} : écrivez un nombre, par exemple 0,8"},
	{"integer", func(fl validator.FieldLevel) bool {
		_, err := strconv.Atoi(strings.TrimSpace(fl.Field().String()))
		return err == nil
	}, "{0} : écrivez un nombre entier"},
	{"id", func(fl validator.FieldLevel) bool {
		_, ok := ParseID(strings.TrimSpace(fl.Field().String()))
		return ok
	}, "{0} : choisissez dans la liste"},
	{"notbefore", notBefore, "{0} précède {1}"},
	{"printable", func(fl validator.FieldLevel) bool {
		return strings.IndexFunc(fl.Field().String(), func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' }) < 0
	}, "{0} contient des caractères de contrôle"},
}

// notBefore holds when the field's date is on or after the date of the
// sibling field its parameter names (a date range: end not before start).
// Either date missing or malformed is left to that field's own rules.
func notBefore(fl validator.FieldLevel) bool {
	end, ok := ParseDate(fl.Field().String())
	if !ok {
		return true
	}
	other := fl.Parent()
	for other.Kind() == reflect.Pointer {
		other = other.Elem()
	}
	f := other.FieldByName(fl.Param())
	if !f.IsValid() || f.Kind() != reflect.String {
		return true
	}
	start, ok := ParseDate(f.String())
	return !ok || !end.Before(start)
}

func registerRules(v *validator.Validate, tr ut.Translator) error {
	for _, r := range rules {
		if err := v.RegisterValidation(r.tag, r.check); err != nil {
			return err
		}
		if err := v.RegisterTranslation(r.tag, tr, func(tr ut.Translator) error {
			return tr.Add(r.tag, r.message, true)
		}, translate(r.tag)); err != nil {
			return err
		}
	}
	return nil
}

// translate words a custom rule's refusal. A parameter that names a
// sibling field (notbefore) is replaced by that field's label in Validate,
// which knows the struct.
func translate(tag string) validator.TranslationFunc {
	return func(tr ut.Translator, fe validator.FieldError) string {
		s, err := tr.T(tag, fe.Field(), fe.Param())
		if err != nil {
			return fe.Error()
		}
		return s
	}
}

// ParseID reads the id of a row chosen in a list: digits only, positive,
// small enough never to overflow (a forged huge value is refused, not a 500).
func ParseID(v string) (int64, bool) {
	var n int64
	for _, r := range v {
		if r < '0' || r > '9' || n > 1e15 {
			return 0, false
		}
		n = n*10 + int64(r-'0')
	}
	return n, v != "" && n > 0
}

// ParseDate reads a posted date; blank is not a date.
func ParseDate(s string) (time.Time, bool) {
	t, err := time.Parse(DateLayout, strings.TrimSpace(s))
	return t, err == nil
}

// ParseDecimal reads a number written the French way (0,8) or not (0.8).
func ParseDecimal(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(s), ",", "."), 64)
	return f, err == nil
}
