package indicators

import (
	"encoding/json"

	"acquis/internal/civil"
)

// MarshalJSON writes the period as calendar dates (YYYY-MM-DD): a filter
// covers whole days, and a midnight-UTC timestamp would read as the day
// before west of Greenwich.
func (f Filter) MarshalJSON() ([]byte, error) {
	type plain Filter // without this method
	return json.Marshal(struct {
		plain
		From civil.Date `json:"from"`
		To   civil.Date `json:"to"`
	}{plain: plain(f), From: civil.Of(f.From), To: civil.Of(f.To)})
}
