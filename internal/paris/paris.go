// Package paris is the one time zone acquis counts days and prints times
// in: juries sit, blocs are acquired and documents are dated in France.
package paris

import (
	"time"
	// The zone database is compiled in, so that Europe/Paris loads on a
	// machine without tzdata (a slim container) instead of falling back
	// to UTC or a fixed offset that forgets summer time.
	_ "time/tzdata"
)

// Location is Europe/Paris.
var Location = func() *time.Location {
	l, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic("paris: Europe/Paris absent de la base des fuseaux embarquée : " + err.Error())
	}
	return l
}()
