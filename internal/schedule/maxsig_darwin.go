package schedule

// maxSignal is the highest signal number kill(2) accepts (NSIG - 1).
const maxSignal = 31
