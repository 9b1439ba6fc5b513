package notation

// MaxSignal is the highest signal number kill(2) accepts (NSIG - 1).
const MaxSignal = 31
