package notation

// MaxSignal is the highest signal number kill(2) accepts (SIGRTMAX).
const MaxSignal = 64
