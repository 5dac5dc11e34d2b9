package pdf

import (
	"strings"
	"syscall"
	"testing"
	"time"

	"acquis/internal/portfolio"
)

// BenchmarkSigning prints the jury file, the minutes of a 100-candidate
// session and a certificate, each without and with its PAdES signature,
// in one run (issue 16: signing must cost less than the document itself).
func BenchmarkSigning(b *testing.B) {
	s := testSigner(b)
	cert := certification(b, "RNCP37779")
	var blocks []portfolio.AcquiredBlock
	for i, bl := range cert.Blocks {
		blocks = append(blocks, portfolio.AcquiredBlock{ID: int64(i + 1), CertificationCode: cert.Code, BlockCode: bl.Code, BlockTitle: bl.Title, AcquiredOn: at, How: "jury"})
	}
	c := portfolio.Certificate{ID: 1, CertificationCode: cert.Code, Number: "RNCP37779-2026-00012", AwardedOn: at}
	v := Verification{URL: "https://acquis.exemple.fr/verifier/4a15c47297c3f84be80fb489", Code: "4a15-c472-97c3-f84b-e80f-b489"}
	file, minutes := caspFile(b), minutesFor(100)
	sum := strings.Repeat("c", 64)
	docs := []struct {
		name string
		make func() ([]byte, error)
	}{
		{"jury-file", func() ([]byte, error) { return JuryFile(file, at) }},
		{"minutes-100", func() ([]byte, error) { return Minutes(minutes, sum) }},
		{"certificate", func() ([]byte, error) { return Certificate("Élodie Œuvray", cert, c, blocks, v, nil) }},
	}
	for _, d := range docs {
		for _, signed := range []bool{false, true} {
			name := d.name + "/unsigned"
			if signed {
				name = d.name + "/signed"
			}
			b.Run(name, func(b *testing.B) {
				b.ReportAllocs()
				cpu := cpuTime()
				for b.Loop() {
					doc, err := d.make()
					if err != nil {
						b.Fatal(err)
					}
					if signed {
						if _, err := Sign(doc, s, at, "Signé"); err != nil {
							b.Fatal(err)
						}
					}
				}
				b.ReportMetric(float64(cpuTime()-cpu)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
			})
		}
	}
}

// BenchmarkSignOnly is the signature alone on a 23-page jury file and on
// a one-page certificate: what signing adds to any document.
func BenchmarkSignOnly(b *testing.B) {
	s := testSigner(b)
	file, err := JuryFile(caspFile(b), at)
	if err != nil {
		b.Fatal(err)
	}
	cert := certification(b, "RNCP37779")
	one, err := Attestation("Élodie Œuvray", cert, portfolio.AcquiredBlock{ID: 1, BlockCode: cert.Blocks[0].Code, AcquiredOn: at, How: "jury"},
		Verification{URL: "https://acquis.exemple.fr/verifier/4a15c47297c3f84be80fb489", Code: "4a15"}, nil)
	if err != nil {
		b.Fatal(err)
	}
	for name, doc := range map[string][]byte{"jury-file-23-pages": file, "attestation-1-page": one} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			cpu := cpuTime()
			for b.Loop() {
				if _, err := Sign(doc, s, at, "Signé"); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cpuTime()-cpu)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
		})
	}
}

// cpuTime is the process's user and system CPU time: on a machine other
// processes load, it measures the work itself where wall time measures
// the queue.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
