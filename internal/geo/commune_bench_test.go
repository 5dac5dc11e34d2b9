package geo

import "testing"

// BenchmarkLoadCommunes is the first use's cost: unzip and index the list.
func BenchmarkLoadCommunes(b *testing.B) {
	for b.Loop() {
		if _, err := parseCommunes(communesTSV); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSearchCommunes is one keystroke's search at its worst: a
// prefix shared by thousands of communes, every one ranked.
func BenchmarkSearchCommunes(b *testing.B) {
	communeIndex()
	for b.Loop() {
		SearchCommunes("saint", 30)
	}
}
