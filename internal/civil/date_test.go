package civil

import (
	parisloc "acquis/internal/paris"
	"encoding/json"
	"testing"
	"time"
)

func TestDateJSON(t *testing.T) {
	// A date read from PostgreSQL at midnight in a zone east of UTC
	// keeps its day: it is not shifted to the day before.
	paris := parisloc.Location
	var d Date
	if err := d.Scan(time.Date(2027, 3, 1, 0, 0, 0, 0, paris)); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(struct {
		Due  Date  `json:"due"`
		None *Date `json:"none"`
	}{Due: d})
	if string(b) != `{"due":"2027-03-01","none":null}` {
		t.Fatalf("JSON : %s", b)
	}
	var back struct{ Due Date }
	if err := json.Unmarshal([]byte(`{"Due":"2027-03-01"}`), &back); err != nil || !back.Due.Equal(d.Time) {
		t.Fatalf("relecture : %v %v", back.Due, err)
	}
	if err := json.Unmarshal([]byte(`{"Due":"2027-03-01T00:00:00Z"}`), &back); err == nil {
		t.Fatal("un horodatage est lu comme une date")
	}
	if v, _ := d.Value(); v != "2027-03-01" {
		t.Fatalf("valeur SQL : %v", v)
	}
	if z, _ := json.Marshal(Date{}); string(z) != "null" {
		t.Fatalf("date nulle : %s", z)
	}
}
