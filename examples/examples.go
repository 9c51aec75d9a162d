// Package examples ships the example files with the binary: the demo call
// center provisioned on first start.
package examples

import _ "embed"

// Demo is examples/demo.yaml.
//
//go:embed demo.yaml
var Demo []byte
