// Package launchd takes, on macOS, the sockets launchd created for the
// job this process runs (the plist's Sockets entry), as
// launch_activate_socket(3) hands them over. Elsewhere there are none.
package launchd

import "errors"

// ErrNoSockets says launchd has no sockets of that name for this
// process: it is not a launchd job, or its plist has no such entry.
var ErrNoSockets = errors.New("launchd has no such sockets for this process")
