package web

// What a download says of itself: its file name, accents kept.

import "fmt"

// attachment builds a Content-Disposition that keeps accents (RFC 6266).
func attachment(name string) string {
	ascii := make([]rune, 0, len(name))
	for _, r := range name {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			r = '_'
		}
		ascii = append(ascii, r)
	}
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, string(ascii), urlPathEscape(name))
}
