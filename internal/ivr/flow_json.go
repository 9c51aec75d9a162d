package ivr

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"

	"github.com/hotline-cc/hotline/internal/apperr"
)

// MaxFlowJSON bounds a flow definition received through the API.
const MaxFlowJSON = 1 << 20

// ParseFlowJSON decodes a flow definition strictly (unknown fields are
// errors) and validates it. Decoding errors are apperr.Invalid on field
// "definition"; validation errors are a *ValidationError.
func ParseFlowJSON(data []byte) (*Flow, []Issue, error) {
	if len(data) > MaxFlowJSON {
		return nil, nil, apperr.Invalid("definition", "is larger than %d bytes", MaxFlowJSON)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f Flow
	if err := dec.Decode(&f); err != nil {
		return nil, nil, apperr.Invalid("definition", "is not a flow: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, nil, apperr.Invalid("definition", "has data after the flow")
	}
	warns, err := Validate(&f)
	if err != nil {
		return nil, warns, err
	}
	return &f, warns, nil
}
