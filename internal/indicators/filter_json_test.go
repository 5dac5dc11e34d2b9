package indicators

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestFilterJSONDates (issue 15, finding 7): the API's filter gives its
// period as dates, not midnight timestamps.
func TestFilterJSONDates(t *testing.T) {
	f, err := ParseFilter(url.Values{"du": {"2027-01-01"}, "au": {"2027-12-31"}, "region": {"53"}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	if !strings.Contains(got, `"from":"2027-01-01"`) || !strings.Contains(got, `"to":"2027-12-31"`) || !strings.Contains(got, `"region":"53"`) || strings.Contains(got, "T00:00") {
		t.Fatalf("filtre en JSON : %s", got)
	}
}
