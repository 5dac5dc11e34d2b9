package account

import (
	"errors"
	"strings"
	"testing"

	"acquis/internal/fielderr"
)

// TestCommonPasswordsRefused (issue 13, finding 4): long enough is not
// enough; the passwords attackers try first, French ones included, and
// sequences or repetitions are refused with a French reason.
func TestCommonPasswordsRefused(t *testing.T) {
	t.Parallel()
	weak := []string{
		"motdepasse123", "MotDePasse2024!", "mot de passe 123", "azertyuiop123", "123456789azerty", "qwertyuiop12",
		"password1234", "Password123!", "iloveyou1234", "jetaime123456", "Soleil2024!!!", "Marseille13008",
		"doudou1234567", "chouchou2025", "Bonjour123456", "1234567890123", "abcdefghijklm", "azertyuiopqsdf",
		"0987654321098", "aaaaaaaaaaaa", "abcabcabcabc", "azerazerazerazer", "121212121212", "!!!!!!!!!!!!a",
		"Nicolas1985!!", "princesse2010", "  bienvenue2026  ", "éléphant2024!", "football12345",
	}
	for _, pw := range weak {
		err := CheckPasswordStrength(pw)
		var ve *fielderr.Error
		if !errors.As(err, &ve) {
			t.Errorf("%q accepté", pw)
			continue
		}
		if ve.Field != "password" || !strings.Contains(ve.Message, "mot de passe") {
			t.Errorf("%q : message %q", pw, ve.Message)
		}
	}
	strong := []string{
		"un mot de passe assez long", "nouvelle phrase secrète", "ma phrase de passe", "Le chat de Brest dort à midi",
		"correct-horse-battery-staple", "Tk7#pW2!xQ9z", "demo-acquis-2026", "Vingt-trois lapins verts",
	}
	for _, pw := range strong {
		if err := CheckPasswordStrength(pw); err != nil {
			t.Errorf("%q refusé : %v", pw, err)
		}
	}
}

// TestCommonPasswordListLoaded: the embedded list is there, French
// entries included (a missing file would make the check silently empty).
func TestCommonPasswordListLoaded(t *testing.T) {
	t.Parallel()
	if len(commonPasswords) < 10000 {
		t.Fatalf("%d mots de passe courants chargés", len(commonPasswords))
	}
	for _, w := range []string{"azerty", "motdepasse", "soleil", "123456", "password", "bonjour"} {
		if _, ok := commonPasswords[w]; !ok {
			t.Errorf("%q absent de la liste", w)
		}
	}
}
