package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The size rules of the code (README, Architecture: docs/architecture.md):
// no non-test function over maxFunc lines, no non-test file over maxFile,
// and the library's face, lsb/, at most maxLSB non-test lines. A long
// function or file is a part not yet found; the few that read best whole
// are listed below, each with why.
const (
	maxFunc = 60
	maxFile = 400
	maxLSB  = 1000
)

// longFuncs are the functions allowed past maxFunc.
var longFuncs = map[string]string{
	// The SMF manifest's one template, element by element, which reads
	// best in one piece.
	"internal/unit/smf.go:smf": "template",
}

// longFiles are the files allowed past maxFile (none today).
var longFiles = map[string]string{}

func TestSizes(t *testing.T) {
	lsbLines := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != "." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		lines := strings.Count(string(data), "\n")
		if strings.HasPrefix(path, "lsb/") {
			lsbLines += lines
		}
		if lines > maxFile && longFiles[path] == "" {
			t.Errorf("%s: %d lines, over %d: split it by what each part does", path, lines, maxFile)
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, data, 0)
		if err != nil {
			return err
		}
		for _, decl := range f.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			n := fset.Position(fd.End()).Line - fset.Position(fd.Pos()).Line + 1
			if n > maxFunc && longFuncs[path+":"+fd.Name.Name] == "" {
				t.Errorf("%s: func %s: %d lines, over %d", path, fd.Name.Name, n, maxFunc)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if lsbLines > maxLSB {
		t.Errorf("lsb/: %d non-test lines, over %d: the library's face should stay small", lsbLines, maxLSB)
	}
	if lsbLines == 0 {
		t.Error("read no lines of lsb/: the walk is broken")
	}
}
