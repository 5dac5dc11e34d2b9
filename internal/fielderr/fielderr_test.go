package fielderr

import (
	"errors"
	"fmt"
	"testing"
)

// TestFromFindsRefusals: a wrapped refusal, a list and a refusal with a
// sentinel are all recognised; errors.Is still sees the sentinel.
func TestFromFindsRefusals(t *testing.T) {
	sentinel := errors.New("refused")
	one := fmt.Errorf("saving: %w", &Error{Field: "email", Message: "Adresse invalide.", Kind: sentinel})
	if l, ok := From(one); !ok || len(l) != 1 || l[0].Field != "email" {
		t.Fatalf("From(wrapped) = %v, %v", l, ok)
	}
	if !errors.Is(one, sentinel) {
		t.Error("errors.Is ne voit pas la sentinelle")
	}
	list := List{New("a", "A."), New("b", "B."), New("a", "Second A.")}
	l, ok := From(list)
	if !ok || len(l) != 3 {
		t.Fatalf("From(list) = %v, %v", l, ok)
	}
	if m := l.Messages(); m["a"] != "A." || m["b"] != "B." {
		t.Errorf("Messages garde le premier message par champ : %v", m)
	}
	if _, ok := From(errors.New("other")); ok {
		t.Error("une erreur ordinaire prise pour un refus")
	}
	if got := (&Error{Line: 3, Field: "email", Message: "X."}).Error(); got != "line 3, field email: X." {
		t.Errorf("Error() = %q", got)
	}
}
