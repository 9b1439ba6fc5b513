package notation

// MaxSignal is the highest signal number kill(2) accepts (_SIG_MAXSIG).
const MaxSignal = 128
