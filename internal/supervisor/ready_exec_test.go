package supervisor

import "testing"

// waitsForWork takes a sleep in any kernel function for a wait for work,
// but a timed sleep (sleep(1), nanosleep) or a wait for a child (a script
// waiting for the program it ran) for none.
func TestWaitsForWork(t *testing.T) {
	for wchan, want := range map[string]bool{
		"hrtimer_nanosleep":        false,
		"do_nanosleep":             false,
		"common_nsleep":            false,
		"do_wait":                  false,
		"kernel_wait4":             false,
		"do_epoll_wait":            true,
		"ep_poll":                  true,
		"do_select":                true,
		"do_sys_poll":              true,
		"anon_pipe_read":           true,
		"pipe_read":                true,
		"unix_stream_read_generic": true,
		"inet_csk_accept":          true,
		"futex_wait_queue":         true,
		"":                         true, // not told: only a timed sleep or a wait for a child is ruled out
		"do_wait ":                 true, // names are compared whole
		"Do_wait":                  true,
	} {
		if got := waitsForWork(wchan); got != want {
			t.Errorf("waitsForWork(%q) = %v, want %v", wchan, got, want)
		}
	}
}
