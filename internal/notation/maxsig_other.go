//go:build !linux && !darwin && !freebsd

package notation

// MaxSignal is the highest signal number assumed valid: the traditional
// NSIG - 1 of BSD-derived systems.
const MaxSignal = 31
