package supervisor

import "runtime/debug"

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
}
