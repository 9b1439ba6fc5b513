package config

import (
	"errors"
	"fmt"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// splitWords splits a value such as DAEMON_ARGS into words the way a
// shell splits a command line: quotes and backslashes are respected and
// removed. Nothing is expanded any further: "$X" stays "$X", "~" stays
// "~", and there is no globbing or brace expansion. Command substitution,
// arithmetic and process substitution are refused rather than passed on,
// since whoever wrote them expected them to run. A "#" that would start a
// comment is refused rather than silently dropping the rest.
func splitWords(s string) ([]string, error) {
	parser := syntax.NewParser(syntax.Variant(syntax.LangBash))
	var words []string
	prev := uint(0)
	for w, err := range parser.WordsSeq(strings.NewReader(s)) {
		if err != nil {
			var perr syntax.ParseError
			if errors.As(err, &perr) {
				return nil, fmt.Errorf("cannot split into words: %s (quote it)", perr.Text)
			}
			return nil, fmt.Errorf("cannot split into words: %v", err)
		}
		if err := checkGap(s, prev, w.Pos().Offset()); err != nil {
			return nil, err
		}
		prev = w.End().Offset()
		word, err := literalWord(s, w)
		if err != nil {
			return nil, err
		}
		words = append(words, word)
	}
	if err := checkGap(s, prev, uint(len(s))); err != nil {
		return nil, err
	}
	return words, nil
}

// checkGap refuses anything but blanks and line continuations between
// words, that is a comment the parser skipped.
func checkGap(s string, from, to uint) error {
	if from > to || to > uint(len(s)) {
		return nil
	}
	gap := strings.ReplaceAll(s[from:to], "\\\n", "")
	if strings.Trim(gap, " \t\n") != "" {
		return errors.New(`a word starting with "#" would start a comment: quote it`)
	}
	return nil
}

// literalWord returns the value of w with quotes removed and nothing
// expanded.
func literalWord(src string, w *syntax.Word) (string, error) {
	literalize(src, w.Parts)
	if err := checkWord(w); err != nil {
		var werr *wordError
		if errors.As(err, &werr) {
			return "", errors.New(werr.msg)
		}
		return "", err
	}
	w.Parts = unescape(w.Parts)
	if len(w.Parts) == 0 {
		return "", nil
	}
	if lit, ok := w.Parts[0].(*syntax.Lit); ok && strings.HasPrefix(lit.Value, "~") {
		rest := &syntax.Lit{ValuePos: lit.ValuePos, Value: lit.Value[1:]}
		w.Parts = append([]syntax.WordPart{&syntax.SglQuoted{Value: "~"}, rest}, w.Parts[1:]...)
	}
	// A fresh Config each time: expand changes the one it is given, and
	// with nil it would change a package-level default.
	return literal(&expand.Config{}, w)
}

// literalize replaces the parameter expansions in parts, unquoted or in
// double quotes, by their source text in single quotes.
func literalize(src string, parts []syntax.WordPart) {
	for i, part := range parts {
		switch part := part.(type) {
		case *syntax.ParamExp:
			from, to := part.Pos().Offset(), part.End().Offset()
			if from <= to && to <= uint(len(src)) {
				parts[i] = &syntax.SglQuoted{Left: part.Pos(), Value: src[from:to]}
			}
		case *syntax.DblQuoted:
			literalize(src, part.Parts)
		}
	}
}
