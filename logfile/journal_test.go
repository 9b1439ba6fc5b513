package logfile

import (
	"bytes"
	"math/rand/v2"
	"os"
	"testing"
)

// The journal keeps the last journalMax bytes added, whatever the sizes of
// the pieces, and gives back any suffix of them in order.
func TestJournalKeepsTheLastBytes(t *testing.T) {
	src := rand.NewChaCha8([32]byte{1})
	rng := rand.New(src)
	var j journal
	j.reset(100)
	var all []byte
	for i := 0; i < 120; i++ {
		var p []byte
		switch i % 4 {
		case 0:
			p = make([]byte, rng.IntN(64))
		case 1:
			p = make([]byte, rng.IntN(300*1024))
		case 2:
			p = make([]byte, journalMax+rng.IntN(1000))
		default:
			p = make([]byte, rng.IntN(journalMax))
		}
		src.Read(p)
		j.add(p)
		all = append(all, p...)
		if j.end() != 100+int64(len(all)) {
			t.Fatalf("add %d: journal ends at %d, want %d", i, j.end(), 100+len(all))
		}
		kept := min(len(all), journalMax)
		if j.n != kept || j.start != j.end()-int64(kept) {
			t.Fatalf("add %d: journal keeps %d bytes from %d, want %d", i, j.n, j.start, kept)
		}
		off := j.start + int64(rng.IntN(kept+1))
		if got, want := j.from(off), all[len(all)-int(j.end()-off):]; !bytes.Equal(got, want) {
			t.Fatalf("add %d: from(%d) gives %d bytes unlike the %d written", i, off, len(got), len(want))
		}
	}
	j.reset(7)
	if j.end() != 7 || len(j.from(7)) != 0 {
		t.Fatalf("reset journal ends at %d with %d bytes", j.end(), len(j.from(7)))
	}
	j.add([]byte("abc"))
	if got := string(j.from(8)); got != "bc" {
		t.Fatalf("after reset, from(8) = %q", got)
	}
}

// Copy carries every byte from a pipe into the log, in order, while its
// buffer grows under a fast writer and whatever the writer's piece sizes.
func TestCopyCarriesEveryByte(t *testing.T) {
	w, path := newLog(t)
	r, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	want := make([]byte, 5*maxCopyBuf+12345)
	rand.NewChaCha8([32]byte{2}).Read(want)
	go func() {
		rng := rand.New(rand.NewPCG(3, 4))
		for p := want; len(p) > 0; {
			n := min(len(p), 1+rng.IntN(3*maxCopyBuf))
			pw.Write(p[:n])
			p = p[n:]
		}
		pw.Close()
	}()
	if err := Copy(w, r, nil); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("the log holds %d bytes unlike the %d written", len(got), len(want))
	}
}
