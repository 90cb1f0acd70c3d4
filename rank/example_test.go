package rank_test

import (
	"fmt"

	"github.com/clout-dev/clout/rank"
)

// ExampleEvaluate holds a prediction against what happened later: four users, the
// score one of them gave, and how many accounts engaged each afterwards.
func ExampleEvaluate() {
	score := []float64{80, 20, 20, 5}
	later := []float64{12, 0, 3, 0} // distinct engagers after the split
	m := rank.Evaluate(score, later)
	fmt.Printf("Spearman %.3f\n", m.Spearman)
	fmt.Printf("NDCG@100 %.3f\n", m.NDCG100)
	// Users 1 and 2 tie: each is ranked second half the time.
	fmt.Printf("NDCG@2 %.3f\n", rank.NDCG(score, later, 2))
	// Output:
	// Spearman 0.833
	// NDCG@100 0.974
	// NDCG@2 0.873
}
