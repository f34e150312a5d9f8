package bench

import (
	"runtime"
	"syscall"
)

func numCPU() int { return runtime.NumCPU() }

// cpuSeconds is the process's user and system CPU time so far.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// maxRSS is the process's peak resident set size in MB.
func maxRSS() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Maxrss) / 1024
}

// settle writes every dirty page back to disk (sync(2)) so that the next
// timed step does not pay, in its own fsync at commit, for writing back
// what an earlier step wrote.
func settle() { syscall.Sync() }
