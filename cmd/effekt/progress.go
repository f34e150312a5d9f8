package main

import (
	"io"

	"github.com/effekt/effekt/ingest"
)

// attachProgress makes opt report progress on w; the returned function
// ends the display.
func attachProgress(opt *ingest.Options, w io.Writer) func() {
	opt.Progress = w
	return func() {}
}
