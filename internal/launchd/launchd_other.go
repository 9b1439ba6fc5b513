//go:build !darwin

package launchd

import "os"

// Sockets returns ErrNoSockets: only macOS has launchd.
func Sockets(name string) ([]*os.File, error) { return nil, ErrNoSockets }
