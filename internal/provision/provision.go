// Package provision applies a YAML description of a call center —
// departments, teams, users (agents with extensions and skills), SIP
// extensions, trunks, queues, IVR prompts and flows, inbound numbers — to the
// database, idempotently: applying the same file twice changes nothing the
// second time, and the report says what was created, updated or unchanged.
// `hotline provision -f FILE` and the first-start demo use it.
//
// Strings may contain ${VAR}, replaced from the environment, so that
// passwords need not be written in the file. A user's password is used only
// when the user is created (people change their own); an extension's SIP
// password is made to match the file.
package provision

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/ivr"
	"github.com/hotline-cc/hotline/internal/pbx"
	"github.com/hotline-cc/hotline/internal/queues"
)

// Document is a provisioning file.
type Document struct {
	Departments []Department      `yaml:"departments"`
	Teams       []Team            `yaml:"teams"`
	Extensions  []Extension       `yaml:"extensions"`
	Users       []User            `yaml:"users"`
	Trunks      []Trunk           `yaml:"trunks"`
	Queues      []Queue           `yaml:"queues"`
	Numbers     []pbx.NumberInput `yaml:"numbers"`
	Prompts     []ivr.PromptInput `yaml:"prompts"`
	Flows       []*ivr.Flow       `yaml:"flows"`
	ivrDoc      *ivr.Document
}

// Department is a department, under a parent named by name.
type Department struct {
	Name   string `yaml:"name"`
	Parent string `yaml:"parent"`
}

// Team is a team of a department named by name.
type Team struct {
	Name       string `yaml:"name"`
	Department string `yaml:"department"`
}

// Extension is a SIP account.
type Extension struct {
	Number      string `yaml:"number"`
	Password    string `yaml:"password"`
	DisplayName string `yaml:"display_name"`
}

// User is a person; agents carry an extension, skills and queues come from
// the queue's member list.
type User struct {
	Username    string         `yaml:"username"`
	DisplayName string         `yaml:"display_name"`
	Role        string         `yaml:"role"` // built-in key or custom role name
	Password    string         `yaml:"password"`
	Department  string         `yaml:"department"`
	Team        string         `yaml:"team"`
	Extension   string         `yaml:"extension"`
	HireDate    string         `yaml:"hire_date"`
	Skills      map[string]int `yaml:"skills"`
}

// Trunk is a carrier trunk.
type Trunk struct {
	pbx.TrunkInput `yaml:",inline"`
}

// Queue is an ACD queue with its members by username.
type Queue struct {
	queues.Queue `yaml:",inline"`
	Department   string   `yaml:"department"`
	MemberNames  []string `yaml:"members"`
}

// MaxSize bounds a provisioning file.
const MaxSize = ivr.MaxYAMLSize

var envRE = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// Parse reads and validates a provisioning document. getenv resolves ${VAR}
// (an unset variable is an error naming it). Errors carry file:line.
func Parse(file string, data []byte, getenv func(string) string) (*Document, error) {
	if len(data) > MaxSize {
		return nil, apperr.Invalid("file", "%s is larger than %d bytes", file, MaxSize)
	}
	var missing []string
	data = envRE.ReplaceAllFunc(data, func(m []byte) []byte {
		name := string(m[2 : len(m)-1])
		v := getenv(name)
		if v == "" && !slices.Contains(missing, name) {
			missing = append(missing, name)
		}
		return []byte(yamlQuoteInner(v))
	})
	if len(missing) > 0 {
		return nil, apperr.Invalid("file", "%s uses unset environment variables: %s", file, strings.Join(missing, ", "))
	}
	var doc Document
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, apperr.Invalid("file", "%s is empty", file)
		}
		return nil, apperr.Invalid("file", "%s: %s", file, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(doc.Prompts) > 0 || len(doc.Flows) > 0 {
		ivrOnly, err := onlySections(data, "prompts", "flows")
		if err != nil {
			return nil, apperr.Invalid("file", "%s: %v", file, err)
		}
		if doc.ivrDoc, err = ivr.ParseYAML(file, ivrOnly); err != nil {
			return nil, err
		}
	}
	return &doc, doc.check()
}

// yamlQuoteInner escapes a value for use inside a plain or double-quoted
// scalar: it must not break the document's structure.
func yamlQuoteInner(v string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return r.Replace(v)
}

// onlySections returns data with every top-level section except keep
// replaced by blank lines, so that line numbers stay those of the file.
func onlySections(data []byte, keep ...string) ([]byte, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, err
	}
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode || root.Content[0].Style&yaml.FlowStyle != 0 {
		return nil, errors.New("the document must be a block mapping of sections")
	}
	lines := bytes.Split(data, []byte("\n"))
	top := root.Content[0]
	for i := 0; i+1 < len(top.Content); i += 2 {
		key := top.Content[i]
		from := key.Line - 1
		to := len(lines)
		if i+2 < len(top.Content) {
			to = top.Content[i+2].Line - 1
		}
		wanted := false
		for _, k := range keep {
			wanted = wanted || key.Value == k
		}
		if wanted {
			continue
		}
		for l := from; l < to && l < len(lines); l++ {
			lines[l] = nil
		}
	}
	return bytes.Join(lines, []byte("\n")), nil
}

// check validates what the domain services will not see together: names
// that refer to each other within the document.
func (d *Document) check() error {
	depts := map[string]bool{}
	for i, x := range d.Departments {
		if x.Name == "" {
			return apperr.Invalid(fmt.Sprintf("departments[%d].name", i), "is required")
		}
		depts[x.Name] = true
	}
	teams := map[string]bool{}
	for i, t := range d.Teams {
		if t.Name == "" || t.Department == "" {
			return apperr.Invalid(fmt.Sprintf("teams[%d]", i), "needs name and department")
		}
		teams[t.Name] = true
	}
	users := map[string]bool{}
	for i, u := range d.Users {
		if u.Username == "" {
			return apperr.Invalid(fmt.Sprintf("users[%d].username", i), "is required")
		}
		if users[u.Username] {
			return apperr.Invalid(fmt.Sprintf("users[%d].username", i), "%q appears twice", u.Username)
		}
		users[u.Username] = true
	}
	for i, q := range d.Queues {
		if q.Name == "" {
			return apperr.Invalid(fmt.Sprintf("queues[%d].name", i), "is required")
		}
	}
	return nil
}

// ReadFile parses a provisioning file from disk.
func ReadFile(path string, getenv func(string) string) (*Document, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("provision: %w", err)
	}
	return Parse(path, data, getenv)
}
