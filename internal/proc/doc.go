// Package proc answers questions about processes and signals them safely.
//
// It is the only place that turns a PID into an action, so the rules that
// keep an init script from hurting the wrong process live here: PIDs below 2
// are refused before any signal, EPERM from kill(pid, 0) means "alive", and
// on Linux a process is held through a pidfd, which a recycled PID cannot
// hit, and its exit is awaited by polling that pidfd instead of sleeping.
package proc
