package schedule

// maxSignal is the highest signal number kill(2) accepts (_SIG_MAXSIG).
const maxSignal = 128
