package supervisor

import (
	"runtime"
	"runtime/debug"
)

// heapLimit bounds the supervisor's memory: with the collector off, it
// runs only when the heap comes near this (a supervisor that copies logs
// and waits allocates little), never on a timer.
const heapLimit = 16 << 20

// lean sets the supervisor up for its long watch: the collector off up to
// heapLimit, so that no periodic collection walks the program's tables
// and brings them back into memory, and the free heap given back.
func lean() {
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(heapLimit)
	debug.FreeOSMemory()
	tidyMark = allocated()
}

// tidyAfter is how much the supervisor may allocate while it watches
// before it collects and gives the memory back: with the collector off,
// the garbage of many wakeups (repairs, reloads, a busy directory) would
// otherwise stay until heapLimit.
const tidyAfter = 256 << 10

var tidyMark uint64

// allocated is how much the process has allocated in all. (ReadMemStats
// stops a one-thread program for microseconds; runtime/metrics would cost
// every lsbinit process, `status` included, half a millisecond of
// package initialisation.)
func allocated() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.TotalAlloc
}

// tidy collects once tidyAfter more was allocated since the last time.
// Loop calls it after each wakeup: an idle supervisor never collects.
func tidy() {
	if allocated()-tidyMark > tidyAfter {
		debug.FreeOSMemory()
		tidyMark = allocated()
	}
}
