//go:build !linux

package supervisor

// trimMemory gives the free heap back to the system once the daemon runs.
func trimMemory() { lean() }
