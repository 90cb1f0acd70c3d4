package neo4jstore

import (
	"context"
	"errors"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Schema holds the constraints and indexes Clout relies on, in the order they are
// created. The uniqueness constraint is also the index every load, read and write-back
// looks users up with; clout and rank serve Browser queries ("top 25 by clout").
var Schema = []string{
	"CREATE CONSTRAINT clout_user_key IF NOT EXISTS FOR (u:User) REQUIRE (u.platform, u.id) IS UNIQUE",
	"CREATE CONSTRAINT clout_dataset_key IF NOT EXISTS FOR (d:CloutDataset) REQUIRE d.platform IS UNIQUE",
	"CREATE INDEX clout_user_clout IF NOT EXISTS FOR (u:User) ON (u.clout)",
	"CREATE INDEX clout_user_rank IF NOT EXISTS FOR (u:User) ON (u.rank)",
}

// EnsureSchema creates the constraints and indexes of Schema that do not exist yet and
// waits until they are online. It is cheap when they exist, and safe to run from
// several processes at once.
func (s *Store) EnsureSchema(ctx context.Context) error {
	sess := s.writeSession(ctx)
	defer sess.Close(context.Background())
	for _, stmt := range Schema {
		if _, err := s.write(ctx, sess, stmt, nil); err != nil && !schemaExists(err) {
			if strings.Contains(err.Error(), "already exists") {
				// Another constraint on the same properties, under another name: it
				// serves as well.
				continue
			}
			return s.wrap(ctx, "create the schema", err)
		}
	}
	if _, err := s.write(ctx, sess, "CALL db.awaitIndexes(600)", nil); err != nil {
		return s.wrap(ctx, "wait for the indexes", err)
	}
	return nil
}

// schemaExists reports whether err says that an equivalent rule exists already, which
// happens when two processes create the schema at once.
func schemaExists(err error) bool {
	var ne *neo4j.Neo4jError
	if !errors.As(err, &ne) {
		return false
	}
	return strings.HasSuffix(ne.Code, "EquivalentSchemaRuleAlreadyExists") ||
		strings.HasSuffix(ne.Code, "ConstraintAlreadyExists") ||
		strings.HasSuffix(ne.Code, "IndexAlreadyExists")
}
