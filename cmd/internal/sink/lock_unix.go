//go:build !windows && !plan9 && !js && !wasip1

package sink

import (
	"errors"
	"os"
	"syscall"
)

// lockFolder opens the folder dir and takes an exclusive flock on it without waiting:
// ErrLocked when another process holds it. Locking the folder itself leaves no lock
// file behind. The kernel releases the lock when the descriptor is closed or the
// process dies, SIGKILL included, so a crashed run never leaves the folder locked.
func lockFolder(dir string) (*os.File, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, ErrLocked
		}
		return nil, err
	}
	return f, nil
}
