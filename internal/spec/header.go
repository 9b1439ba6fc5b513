package spec

// Header is the LSB init-script comment header (LSB Core, "Comment
// Conventions for Init Scripts"). In a resolved Spec every field is final:
// an empty list declares none.
type Header struct {
	Provides         string // PROVIDES
	RequiredStart    string // REQUIRED_START
	RequiredStop     string // REQUIRED_STOP
	ShouldStart      string // SHOULD_START
	ShouldStop       string // SHOULD_STOP
	DefaultStart     string // DEFAULT_START
	DefaultStop      string // DEFAULT_STOP
	ShortDescription string // SHORT_DESCRIPTION
	Description      string // DESCRIPTION
}

// The header's defaults.
const (
	DefaultRequiredStart = "$remote_fs $syslog"
	DefaultDefaultStart  = "2 3 4 5"
	DefaultDefaultStop   = "0 1 6"
)

// WithDefaults fills the fields a header cannot do without: Provides is
// the name, the descriptions are desc. The lists are left as they are.
func (h Header) WithDefaults(name, desc string) Header {
	h.Provides = or(h.Provides, name)
	h.ShortDescription = or(h.ShortDescription, desc)
	h.Description = or(h.Description, desc)
	return h
}

// WithListDefaults fills the empty dependency and runlevel lists with
// their defaults (the library's reading of an empty field); Required-Stop
// defaults to Required-Start.
func (h Header) WithListDefaults() Header {
	h.RequiredStart = or(h.RequiredStart, DefaultRequiredStart)
	h.RequiredStop = or(h.RequiredStop, h.RequiredStart)
	h.DefaultStart = or(h.DefaultStart, DefaultDefaultStart)
	h.DefaultStop = or(h.DefaultStop, DefaultDefaultStop)
	return h
}
