package config

import "mvdan.cc/sh/v3/syntax"

// maxValueLen bounds the length of one expanded value: Linux refuses a
// longer argument (MAX_ARG_STRLEN) or environment string anyway, and
// without a bound a few lines such as A=$A$A$A$A expand exponentially.
const maxValueLen = 128 << 10

// tooLong is above maxValueLen; the bounds below saturate there.
const tooLong = maxValueLen + 1

// bound returns an upper bound of the length of the expansion of parts,
// or tooLong when that exceeds maxValueLen. It is computed before
// expanding, so that nothing large is ever built.
func (v *vars) bound(parts []syntax.WordPart) int {
	n := 0
	for i, part := range parts {
		switch part := part.(type) {
		case *syntax.Lit:
			n = satAdd(n, len(part.Value))
			if i == 0 && len(part.Value) > 0 && part.Value[0] == '~' {
				n = satAdd(n, len(v.lookup("HOME"))+4096) // a home directory
			}
		case *syntax.SglQuoted:
			n = satAdd(n, len(part.Value)) // $'...' only gets shorter
		case *syntax.DblQuoted:
			n = satAdd(n, v.bound(part.Parts))
		case *syntax.ParamExp:
			n = satAdd(n, v.paramBound(part))
		case *syntax.ExtGlob:
			n = satAdd(n, len(part.Op.String())+len(part.Pattern.Value)+1)
		}
	}
	return n
}

// paramBound bounds the length of a parameter expansion.
func (v *vars) paramBound(pe *syntax.ParamExp) int {
	if pe.Param == nil || pe.Length {
		return 20 // a number
	}
	base := satAdd(len(v.lookup(pe.Param.Value)), 20) // 20: $LINENO
	switch {
	case pe.Repl != nil:
		with := 0
		if pe.Repl.With != nil {
			with = v.bound(pe.Repl.With.Parts)
		}
		// An empty pattern can match at each of base+1 positions.
		return satAdd(base, satMul(base+1, with))
	case pe.Exp == nil:
		return base
	case isValueOp(pe.Exp.Op):
		if pe.Exp.Word != nil {
			return satAdd(base, v.bound(pe.Exp.Word.Parts))
		}
		return base
	case pe.Exp.Op == syntax.OtherParamOps, pe.Exp.Op == syntax.UpperFirst,
		pe.Exp.Op == syntax.UpperAll, pe.Exp.Op == syntax.LowerFirst,
		pe.Exp.Op == syntax.LowerAll:
		return satMul(base, 3) // changing case can lengthen UTF-8
	}
	return base // removing a prefix or suffix
}

// satAdd adds two bounds, saturating at tooLong.
func satAdd(a, b int) int {
	return min(a+b, tooLong)
}

// satMul multiplies two bounds, saturating at tooLong.
func satMul(a, b int) int {
	if a != 0 && b > tooLong/a {
		return tooLong
	}
	return min(a*b, tooLong)
}
