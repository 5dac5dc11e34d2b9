package config

import (
	"strings"
	"testing"
)

// TestTrustedProxies: ACQUIS_TRUSTED_PROXIES takes networks and bare
// addresses, and a wrong entry stops start-up naming the setting.
func TestTrustedProxies(t *testing.T) {
	env := func(m map[string]string) Env { return func(k string) string { return m[k] } }
	c, err := Load(nil, nil, env(map[string]string{"ACQUIS_TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1 ::1,fd00::/8"}))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range c.TrustedProxies {
		got = append(got, n.String())
	}
	if strings.Join(got, " ") != "10.0.0.0/8 127.0.0.1/32 ::1/128 fd00::/8" {
		t.Fatalf("réseaux lus : %v", got)
	}
	for _, bad := range []string{"10.0.0.0/33", "proxy.local", "10.0.0.1/8/2"} {
		if _, err := Load(nil, nil, env(map[string]string{"ACQUIS_TRUSTED_PROXIES": bad})); err == nil || !strings.Contains(err.Error(), "ACQUIS_TRUSTED_PROXIES") {
			t.Errorf("%q : %v", bad, err)
		}
	}
	if c, err := Load(nil, nil, env(nil)); err != nil || len(c.TrustedProxies) != 0 {
		t.Fatalf("par défaut : %v %v", c.TrustedProxies, err)
	}
}
