package schedule

// maxSignal is the highest signal number kill(2) accepts (SIGRTMAX).
const maxSignal = 64
