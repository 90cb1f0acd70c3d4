//go:build !windows && !plan9 && !js && !wasip1

package sink

import (
	"errors"
	"os"
	"syscall"
)

// syncDir fsyncs the folder dir, so that a rename in it survives a crash. File
// systems that cannot fsync a folder (EINVAL, ENOTSUP) are taken to need no such
// sync, as restic does.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOTSUP) {
		err = nil
	}
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
