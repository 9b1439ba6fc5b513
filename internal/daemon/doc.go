// Package daemon puts the current program into the background. It is the
// only importer of github.com/sevlyar/go-daemon.
//
// Go cannot fork a running multi-threaded runtime, so a daemon is made by
// re-executing the program's own binary in a new session (setsid), with its
// working directory set and stdin on /dev/null; go-daemon does exactly that
// and marks the child with _GO_DAEMON=1 in its environment. This package
// fences go-daemon in: the marker is removed from the environment as soon as
// the child starts, so nothing the child runs later believes it is already a
// daemon, and the child's stderr is a pipe back to the parent, which reads
// the child's messages and final verdict from it.
package daemon
