package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

// startCPUProfile starts a CPU profile into path and returns the function that ends it.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, outputErr(fmt.Errorf("cpuprofile: %w", err))
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, outputErr(fmt.Errorf("cpuprofile: %w", err))
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// writeMemProfile writes a heap profile to path, if path is set, after a collection
// so that it shows what is live at this point of the run (when: a step's name).
func writeMemProfile(path, when string) error {
	if path == "" {
		return nil
	}
	runtime.GC()
	f, err := os.Create(path)
	if err != nil {
		return outputErr(fmt.Errorf("memprofile after %s: %w", when, err))
	}
	defer f.Close()
	if err := pprof.WriteHeapProfile(f); err != nil {
		return outputErr(fmt.Errorf("memprofile after %s: %w", when, err))
	}
	return nil
}
