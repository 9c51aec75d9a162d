package crmui

import (
	"io/fs"
	"os"
)

// osDir reads the package's source files (for the catalog test).
type osDir struct{}

func (osDir) Open(name string) (fs.File, error) { return os.Open(name) }
