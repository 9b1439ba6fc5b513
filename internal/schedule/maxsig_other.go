//go:build !linux && !darwin && !freebsd

package schedule

// maxSignal is the highest signal number assumed valid: the traditional
// NSIG - 1 of BSD-derived systems.
const maxSignal = 31
