package account

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters: OWASP's recommended minimum (19 MiB, 2 passes, 1
// lane). They are written into each hash so they can be raised later
// without invalidating stored passwords.
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	saltLen      = 16
)

// MinPasswordLength follows ANSSI's advice for passwords without other
// factors: length matters more than character classes.
const MinPasswordLength = 12

// CheckPasswordStrength returns a French reason when pw is too weak: too
// short, too long, or too easy to guess whatever its length (a common
// password, a sequence, a repetition; ASVS 2.1.7).
func CheckPasswordStrength(pw string) error {
	if utf8.RuneCountInString(pw) < MinPasswordLength {
		return invalid("password", fmt.Sprintf("le mot de passe doit compter au moins %d caractères", MinPasswordLength))
	}
	if utf8.RuneCountInString(pw) > 256 {
		return invalid("password", "le mot de passe ne peut dépasser 256 caractères")
	}
	if why := weakPasswordReason(pw); why != "" {
		return invalid("password", why+". Choisissez par exemple une phrase de plusieurs mots que vous seul connaissez.")
	}
	return nil
}

// HashPassword returns an argon2id hash in the PHC string format.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// VerifyPassword compares pw with a stored hash in constant time.
func VerifyPassword(hash, pw string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errors.New("account: unknown password hash format")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errors.New("account: unsupported argon2 version")
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false, errors.New("account: bad argon2 parameters")
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, err
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash is verified against when the e-mail is unknown, so a login
// takes as long whether or not the account exists.
var dummyHash, _ = HashPassword("acquis-dummy-password-for-timing")
