package staff

import (
	"bytes"
	"sort"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// SortFrench orders members by name the French way (Élodie before Yann,
// accents and case second), as a person reads a list; the id breaks ties
// so the order is stable.
func SortFrench(members []Member) {
	c := collate.New(language.French)
	keys := make([][]byte, len(members))
	var buf collate.Buffer
	for i := range members {
		keys[i] = append([]byte(nil), c.KeyFromString(&buf, members[i].FullName)...)
		buf.Reset()
	}
	idx := make([]int, len(members))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		if k := bytes.Compare(keys[idx[a]], keys[idx[b]]); k != 0 {
			return k < 0
		}
		return members[idx[a]].ID < members[idx[b]].ID
	})
	out := make([]Member, len(members))
	for i, j := range idx {
		out[i] = members[j]
	}
	copy(members, out)
}
