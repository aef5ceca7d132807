package main

import (
	"runtime"
	"testing"
	"time"
)

func TestCoresWidenOnlyWhileASlowCommandRuns(t *testing.T) {
	if runtime.NumCPU() < 2 {
		t.Skip("one core: nothing to change")
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	if newCores(true) != nil {
		t.Fatal("GOMAXPROCS set: the helper must leave it alone")
	}
	c := newCores(false)
	narrow, wide := max(1, runtime.NumCPU()/2), runtime.NumCPU()
	procs := func() int { return runtime.GOMAXPROCS(0) }
	if procs() != narrow {
		t.Fatalf("at start: %d cores, want %d", procs(), narrow)
	}

	c.watch()() // a short command
	time.Sleep(slowCommand + 50*time.Millisecond)
	if procs() != narrow {
		t.Fatalf("after a short command: %d cores, want %d", procs(), narrow)
	}

	first := c.watch()
	second := c.watch()
	time.Sleep(slowCommand + 50*time.Millisecond)
	if procs() != wide {
		t.Fatalf("while two slow commands run: %d cores, want %d", procs(), wide)
	}
	first()
	if procs() != wide {
		t.Fatalf("while one slow command still runs: %d cores, want %d", procs(), wide)
	}
	second()
	if procs() != narrow {
		t.Fatalf("after the slow commands: %d cores, want %d", procs(), narrow)
	}
}
