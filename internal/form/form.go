// Package form validates the typed structs forms are bound into, with
// go-playground/validator v10 and its French translations. It is the one
// place that knows the rules struct tags cannot say (rules.go) and how a
// refusal is worded; every refusal comes back as a fielderr.List, the shape
// the domain packages also return. It knows nothing of HTTP: the web layer
// binds the request, this package only judges the values.
//
// Tags a form struct uses:
//
//	form:"birth_insee"          the field's name in the posted form (Echo's binder reads it too)
//	label:"Le code INSEE"       how a message names the field, in French
//	validate:"required,insee"   the rules
//	msg:"Code INSEE : …"        optional: the sentence to show instead of the translation
package form

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/go-playground/locales/fr"
	ut "github.com/go-playground/universal-translator"
	"github.com/go-playground/validator/v10"
	frtrans "github.com/go-playground/validator/v10/translations/fr"

	"acquis/internal/fielderr"
)

// checker is the validator with its French translator; built once, on
// first use, because registering rules and translations is not free and
// the validator caches what it learns of each struct.
type checker struct {
	v  *validator.Validate
	tr ut.Translator
}

var (
	once     sync.Once
	shared   *checker
	setupErr error
)

func get() *checker {
	once.Do(func() { shared, setupErr = newChecker() })
	if setupErr != nil {
		// The rules are fixed at compile time: a failure here is a bug
		// caught by the first test, never a condition of a request.
		panic("form: " + setupErr.Error())
	}
	return shared
}

func newChecker() (*checker, error) {
	v := validator.New(validator.WithRequiredStructEnabled())
	// A message names the field by its French label; the form name is
	// kept for placing the message (see fieldOf).
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		if l := f.Tag.Get("label"); l != "" {
			return l
		}
		if n, _, _ := strings.Cut(f.Tag.Get("form"), ","); n != "" {
			return n
		}
		return f.Name
	})
	locale := fr.New()
	tr, _ := ut.New(locale, locale).GetTranslator("fr")
	if err := frtrans.RegisterDefaultTranslations(v, tr); err != nil {
		return nil, fmt.Errorf("french translations: %w", err)
	}
	if err := registerRules(v, tr); err != nil {
		return nil, err
	}
	return &checker{v: v, tr: tr}, nil
}

// Validate checks v (a pointer to a form struct) against its tags. It
// returns nil or a fielderr.List naming each refused field by its form
// name, with a French sentence.
func Validate(v any) error {
	ch := get()
	err := ch.v.Struct(v)
	if err == nil {
		return nil
	}
	ves, ok := err.(validator.ValidationErrors)
	if !ok {
		return fmt.Errorf("form: validate %T: %w", v, err)
	}
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	out := make(fielderr.List, 0, len(ves))
	for _, fe := range ves {
		f, parent := fieldOf(t, fe.StructNamespace())
		name, _, _ := strings.Cut(f.Tag.Get("form"), ",")
		if name == "" {
			name = fe.Field()
		}
		msg := f.Tag.Get("msg")
		if msg == "" && fe.Tag() == "notbefore" && parent != nil {
			msg, _ = ch.tr.T("notbefore", fe.Field(), lowerFirst(label(parent, fe.Param())))
			msg = sentence(msg)
		}
		if msg == "" {
			msg = sentence(fe.Translate(ch.tr))
		}
		out = append(out, fielderr.New(name, msg))
	}
	return out
}

// fieldOf finds a field from its namespace ("inviteForm.Email"), with the
// struct type that holds it.
func fieldOf(t reflect.Type, ns string) (reflect.StructField, reflect.Type) {
	parts := strings.Split(ns, ".")
	for i, p := range parts[1:] {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			break
		}
		f, ok := t.FieldByName(strings.SplitN(p, "[", 2)[0])
		if !ok {
			break
		}
		if i == len(parts)-2 {
			return f, t
		}
		t = f.Type
	}
	return reflect.StructField{}, nil
}

// label is the French label of the field named name in struct t.
func label(t reflect.Type, name string) string {
	if f, ok := t.FieldByName(name); ok && f.Tag.Get("label") != "" {
		return f.Tag.Get("label")
	}
	return name
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

// sentence makes a translation a sentence: capital first, full stop last.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(r)) + s[n:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}
