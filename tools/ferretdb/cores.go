package main

// How many cores FerretDB's goroutines use at once (GOMAXPROCS), by what runs.
//
// Most commands take a millisecond or two: look-ups and updates by _id, many
// at once while citizens write in. On the 2-core machines Aduan is measured on
// (README, Benchmark), those ran faster with Go limited to one core: `npm run
// bench` at 2,000 reporters went from 259 to 302 msgs/s on PostgreSQL and from
// 368 to 428 on SQLite, the helper's CPU per message down by a fifth. Go's
// scheduler spent about a tenth of the helper's CPU waking and stealing work
// between its two cores, in the cores that Node and PostgreSQL also need.
//
// A long read is the other way round: the inbox's list and search read every
// ticket (FerretDB 1.x sorts and filters in its own process) and took 1.6 times
// as long on one core (20,000 tickets, p50 3.0 s against 4.9 s). So a command
// still running after slowCommand lets Go use every core until it, and every
// other such command, has finished.
//
// GOMAXPROCS, when set, still decides, and nothing here changes it.

import (
	"runtime"
	"sync"
	"time"
)

// slowCommand: far beyond the hot path's commands, a small part of a list's seconds.
const slowCommand = 100 * time.Millisecond

type cores struct {
	mu     sync.Mutex
	narrow int // while only short commands run
	wide   int // while a slow one runs
	slow   int // commands running past slowCommand
}

// newCores returns nil when GOMAXPROCS is set or the machine has one core: then nothing changes.
func newCores(gomaxprocsSet bool) *cores {
	all := runtime.NumCPU()
	if gomaxprocsSet || all < 2 {
		return nil
	}
	c := &cores{narrow: max(1, all/2), wide: all}
	runtime.GOMAXPROCS(c.narrow)
	return c
}

// watch is called as a command starts; the function it returns, as it ends.
func (c *cores) watch() func() {
	if c == nil {
		return func() {}
	}
	widened, done := false, false
	timer := time.AfterFunc(slowCommand, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		if done {
			return
		}
		widened = true
		if c.slow++; c.slow == 1 {
			runtime.GOMAXPROCS(c.wide)
		}
	})
	return func() {
		timer.Stop()
		c.mu.Lock()
		defer c.mu.Unlock()
		done = true
		if !widened {
			return
		}
		if c.slow--; c.slow == 0 {
			runtime.GOMAXPROCS(c.narrow)
		}
	}
}
