package ivr

// NodeType names what a node does.
type NodeType string

// The node types.
const (
	TypePlay     NodeType = "play"      // play prompts, then next
	TypeCollect  NodeType = "collect"   // read a digit string into a variable
	TypeMenu     NodeType = "menu"      // one key chooses the next node
	TypeHours    NodeType = "hours"     // branch on business hours
	TypeSet      NodeType = "set"       // set call variables
	TypeGotoFlow NodeType = "goto_flow" // continue in another flow
	TypeTransfer NodeType = "transfer"  // leave the IVR towards a queue, extension or number
	TypeHangup   NodeType = "hangup"    // end the call
)

// TargetKind is where a transfer node sends the call.
type TargetKind string

// The transfer targets.
const (
	TargetQueue     TargetKind = "queue"
	TargetExtension TargetKind = "extension"
	TargetExternal  TargetKind = "external"
)

// Well-known call variables. The call layer sets VarCaller and VarDialled
// before Run; flows set the others for the ACD (skill, priority) and for
// speech (language is the default language of TTS prompts without one).
const (
	VarCaller   = "caller"
	VarDialled  = "dialled"
	VarDigits   = "digits" // where collect stores input when no variable is named
	VarSkill    = "skill"
	VarPriority = "priority"
	VarLanguage = "language"
)

// Flow is one IVR call flow: a graph of nodes entered at Start.
type Flow struct {
	Name        string           `json:"name" yaml:"name"`
	Description string           `json:"description,omitempty" yaml:"description,omitempty"`
	Start       string           `json:"start" yaml:"start"`
	Nodes       map[string]*Node `json:"nodes" yaml:"nodes"`
}

// Node is one step of a flow. It is a flat record: Type decides which fields
// apply, and Validate rejects fields that do not apply to the type.
type Node struct {
	Type NodeType `json:"type" yaml:"type"`

	// Prompt is what the node plays: required for play and menu, the
	// question of a collect, and an optional last message before transfer or
	// hangup. One prompt or a list.
	Prompt Prompts `json:"prompt,omitempty" yaml:"prompt,omitempty"`
	// Interruptible lets a key stop a play node's prompt (the key is kept
	// for the next collect or menu). Collect and menu prompts always are.
	Interruptible bool   `json:"interruptible,omitempty" yaml:"interruptible,omitempty"`
	Next          string `json:"next,omitempty" yaml:"next,omitempty"`

	// Collect: read MinDigits..MaxDigits digits, ended early by Terminator.
	Variable          string   `json:"variable,omitempty" yaml:"variable,omitempty"`
	MinDigits         int      `json:"min_digits,omitempty" yaml:"min_digits,omitempty"`
	MaxDigits         int      `json:"max_digits,omitempty" yaml:"max_digits,omitempty"`
	Terminator        string   `json:"terminator,omitempty" yaml:"terminator,omitempty"`
	FirstDigitTimeout Duration `json:"first_digit_timeout,omitempty" yaml:"first_digit_timeout,omitempty"`
	InterDigitTimeout Duration `json:"inter_digit_timeout,omitempty" yaml:"inter_digit_timeout,omitempty"`
	Pattern           string   `json:"pattern,omitempty" yaml:"pattern,omitempty"`
	OnTimeout         string   `json:"on_timeout,omitempty" yaml:"on_timeout,omitempty"`
	OnInvalid         string   `json:"on_invalid,omitempty" yaml:"on_invalid,omitempty"`

	// Collect and menu: extra attempts after the first (nil = 2), and what
	// to play before each retry.
	Retries       *int    `json:"retries,omitempty" yaml:"retries,omitempty"`
	InvalidPrompt Prompts `json:"invalid_prompt,omitempty" yaml:"invalid_prompt,omitempty"`
	TimeoutPrompt Prompts `json:"timeout_prompt,omitempty" yaml:"timeout_prompt,omitempty"`

	// Menu: key → node; Timeout counts from the end of the prompt.
	Choices map[string]string `json:"choices,omitempty" yaml:"choices,omitempty"`
	Timeout Duration          `json:"timeout,omitempty" yaml:"timeout,omitempty"`
	OnFail  string            `json:"on_fail,omitempty" yaml:"on_fail,omitempty"`

	// Hours: a weekly schedule ("mon".."sun" → "09:00-18:00" ranges) in
	// Timezone, overridden by holidays (closed unless they list hours) and
	// make-up working days (调休, Monday's hours unless they list hours).
	Timezone string              `json:"timezone,omitempty" yaml:"timezone,omitempty"`
	Weekly   map[string][]string `json:"weekly,omitempty" yaml:"weekly,omitempty"`
	Holidays []SpecialDay        `json:"holidays,omitempty" yaml:"holidays,omitempty"`
	Workdays []SpecialDay        `json:"workdays,omitempty" yaml:"workdays,omitempty"`
	Open     string              `json:"open,omitempty" yaml:"open,omitempty"`
	Closed   string              `json:"closed,omitempty" yaml:"closed,omitempty"`

	// Set: variable → value; values may use {{variable}} templates.
	Vars map[string]string `json:"vars,omitempty" yaml:"vars,omitempty"`

	// GotoFlow: the name of the flow to continue in.
	Flow string `json:"flow,omitempty" yaml:"flow,omitempty"`

	// Transfer: where to; Target may use {{variable}} templates.
	TargetKind TargetKind `json:"target_kind,omitempty" yaml:"target_kind,omitempty"`
	Target     string     `json:"target,omitempty" yaml:"target,omitempty"`
}

// SpecialDay is a date that overrides the weekly schedule.
type SpecialDay struct {
	Date  string   `json:"date" yaml:"date"` // YYYY-MM-DD in the node's timezone
	Name  string   `json:"name,omitempty" yaml:"name,omitempty"`
	Hours []string `json:"hours,omitempty" yaml:"hours,omitempty"`
}

// Defaults applied when a field is zero.
const (
	DefaultRetries           = 2
	DefaultFirstDigitTimeout = 5 * Second
	DefaultInterDigitTimeout = 3 * Second
	DefaultMenuTimeout       = 5 * Second
)

func (n *Node) retries() int {
	if n.Retries == nil {
		return DefaultRetries
	}
	return *n.Retries
}

func (n *Node) minDigits() int {
	if n.MinDigits <= 0 {
		return 1
	}
	return n.MinDigits
}

func (n *Node) variable() string {
	if n.Variable == "" {
		return VarDigits
	}
	return n.Variable
}

func orDefault(d, def Duration) Duration {
	if d <= 0 {
		return def
	}
	return d
}
