package neo4jstore

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// BenchmarkLoad loads the Higgs subset (14,670 users, 18,973 relationships; see
// higgsGraph) with each batch size and reports the rates of the user and the
// relationship steps. Run it against an otherwise idle server:
//
//	go test -run '^$' -bench Load -benchtime 3x ./cmd/internal/neo4jstore
func BenchmarkLoad(b *testing.B) {
	for _, size := range []int{1000, 5000, 10000, 20000} {
		for _, mode := range []Mode{Replace, Merge} {
			b.Run(fmt.Sprintf("mode=%s,batch=%d", mode, size), func(b *testing.B) {
				s := testStore(b)
				pl := testPlatform(b, s)
				d := higgsDataset(b, pl)
				var users, rels time.Duration
				var st *LoadStats
				for b.Loop() {
					var err error
					if mode == Merge { // merge into an empty platform, as a first load
						b.StopTimer()
						if _, err := s.DeletePlatform(context.Background(), pl); err != nil {
							b.Fatal(err)
						}
						b.StartTimer()
					}
					st, err = s.Load(context.Background(), d, Options{Mode: mode, BatchSize: size})
					if err != nil {
						b.Fatal(err)
					}
					for _, s := range st.Steps {
						switch s.Name {
						case "clear":
						case "users":
							users += s.Time
						default:
							rels += s.Time
						}
					}
				}
				if got, want := mustCount(b, s, pl), wantCounts(d); got != want {
					b.Fatalf("counts %+v, want %+v", got, want)
				}
				b.ReportMetric(float64(st.Users)*float64(b.N)/users.Seconds(), "users/s")
				b.ReportMetric(float64(st.Total())*float64(b.N)/rels.Seconds(), "rels/s")
			})
		}
	}
}
