//go:build windows || plan9 || js || wasip1

package sink

import "os"

// lockFolder opens the folder without locking it where flock is not available: there
// two runs must not be pointed at one folder at once.
func lockFolder(dir string) (*os.File, error) {
	return os.Open(dir)
}
