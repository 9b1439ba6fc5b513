package cli

import (
	"io"
	"os"
	"testing"
)

func BenchmarkStatusInProcess(b *testing.B) {
	conf := os.Getenv("BENCH_CONF")
	if conf == "" {
		b.Skip("BENCH_CONF not set")
	}
	for b.Loop() {
		Main([]string{"lsbinit", "-q", "-c", conf, "status"}, "dev", os.Getenv, io.Discard, io.Discard)
	}
}
