package frsize

import "testing"

// TestFormat: sizes read as people say them, with a decimal comma.
func TestFormat(t *testing.T) {
	for n, want := range map[int64]string{0: "0 octet", 812: "812 octets", 1024: "1\u00a0Ko", 18944: "18,5\u00a0Ko",
		18927: "18,5\u00a0Ko", 2411724: "2,3\u00a0Mo", 157286400: "150\u00a0Mo"} {
		if got := Format(n); got != want {
			t.Errorf("Format(%d) = %q, attendu %q", n, got, want)
		}
	}
}
