package pdf

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkJuryFile prints the CASP jury file of TestJuryFileCASP: three
// blocs, 52 criteria, three evaluators, long comments (target < 10 ms).
func BenchmarkJuryFile(b *testing.B) {
	f := caspFile(b)
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		if _, err := JuryFile(f, at); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}

// BenchmarkMinutes100 prints the minutes of a 100-candidate session
// (target < 100 ms).
func BenchmarkMinutes100(b *testing.B) {
	m := minutesFor(100)
	sum := strings.Repeat("c", 64)
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		if _, err := Minutes(m, sum); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}

// BenchmarkJuryFilesPerSecond prints jury files from as many goroutines
// as there are cores, as one busy process would (target ≥ 100 per second),
// and reports the rate.
func BenchmarkJuryFilesPerSecond(b *testing.B) {
	f := caspFile(b)
	var done atomic.Int64
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := JuryFile(f, at); err != nil {
				b.Error(err)
				return
			}
			done.Add(1)
		}
	})
	b.ReportMetric(float64(done.Load())/time.Since(start).Seconds(), "files/s")
}

// reportCPU reports the CPU time per operation since since: on a shared
// machine where other processes take turns on the cores, wall-clock time
// per operation measures the load as much as the code, CPU time less so.
func reportCPU(b *testing.B, since time.Duration) {
	b.ReportMetric(float64(cpuTime()-since)/float64(b.N)/1e6, "cpu-ms/op")
}
