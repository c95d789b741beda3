// Package replytpl is the desk's reply templates: text with merge fields
// ({{.Name}}, {{.Reference}}, …) rendered by text/template in a sandbox —
// fields, if/else/with and two functions, nothing else — so a template a
// manager saves cannot call into the program or loop (docs/DESIGN.md,
// "Replies from the record").
package replytpl

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"text/template"
	"text/template/parse"
)

// Data are the merge fields a template may use.
type Data struct {
	Name, Company, Email, Reference string
	Destinations, Service, Goods    string
	Agent                           string
}

// Fields are the merge fields, for the editing page's help.
var Fields = []string{"Name", "Company", "Email", "Reference", "Destinations", "Service", "Goods", "Agent"}

// funcs are the only functions a template may call.
var funcs = template.FuncMap{"upper": strings.ToUpper, "lower": strings.ToLower}

// MaxText bounds a template's text and what it renders to.
const MaxText = 20000

// parseErrorLine finds the line in text/template's parse errors
// ("template: NAME:LINE: message").
var parseErrorLine = regexp.MustCompile(`^template: [^:]*:(\d+):(?:(\d+):)? ?(.*)$`)

// Check parses a template and refuses what the sandbox does not allow,
// saying where: "line 2, column 5: …" (line only for a syntax error the
// parser does not place more exactly).
func Check(text string) error {
	if len(text) > MaxText {
		return fmt.Errorf("longer than %d characters", MaxText)
	}
	t, err := template.New("t").Funcs(funcs).Option("missingkey=error").Parse(text)
	if err != nil {
		if m := parseErrorLine.FindStringSubmatch(err.Error()); m != nil {
			if m[2] != "" {
				return fmt.Errorf("line %s, column %s: %s", m[1], m[2], m[3])
			}
			return fmt.Errorf("line %s: %s", m[1], m[3])
		}
		return err
	}
	if len(t.Templates()) > 1 {
		return errors.New("a template cannot define other templates")
	}
	return walk(t.Tree, t.Tree.Root)
}

// walk refuses every node but text, fields, variables, if/else/with and
// calls of the allowed functions.
func walk(tree *parse.Tree, node parse.Node) error {
	refuse := func(n parse.Node, what string) error {
		loc, _ := tree.ErrorContext(n)
		_, lineCol, _ := strings.Cut(loc, ":")
		line, col, _ := strings.Cut(lineCol, ":")
		c, _ := strconv.Atoi(col) // counted from 0 by the parser
		return fmt.Errorf("line %s, column %d: %s", line, c+1, what)
	}
	switch n := node.(type) {
	case nil, *parse.TextNode, *parse.FieldNode, *parse.DotNode, *parse.VariableNode,
		*parse.StringNode, *parse.BoolNode, *parse.NilNode, *parse.CommentNode:
		return nil
	case *parse.ListNode:
		if n == nil {
			return nil
		}
		for _, c := range n.Nodes {
			if err := walk(tree, c); err != nil {
				return err
			}
		}
	case *parse.ActionNode:
		return walk(tree, n.Pipe)
	case *parse.PipeNode:
		if n == nil {
			return nil
		}
		for _, c := range n.Cmds {
			if err := walk(tree, c); err != nil {
				return err
			}
		}
	case *parse.CommandNode:
		for _, arg := range n.Args {
			if id, ok := arg.(*parse.IdentifierNode); ok {
				if _, allowed := funcs[id.Ident]; !allowed {
					return refuse(id, fmt.Sprintf("%q is not allowed (use fields such as {{.Name}}, and upper or lower)", id.Ident))
				}
				continue
			}
			if err := walk(tree, arg); err != nil {
				return err
			}
		}
	case *parse.IfNode:
		return errors.Join(walk(tree, n.Pipe), walk(tree, n.List), walk(tree, n.ElseList))
	case *parse.WithNode:
		return errors.Join(walk(tree, n.Pipe), walk(tree, n.List), walk(tree, n.ElseList))
	case *parse.RangeNode:
		return refuse(n, "range is not allowed")
	case *parse.TemplateNode:
		return refuse(n, "template is not allowed")
	default:
		return refuse(node, fmt.Sprintf("%s is not allowed", node.String()))
	}
	return nil
}

// Render fills a checked template with d.
func Render(text string, d Data) (string, error) {
	if err := Check(text); err != nil {
		return "", err
	}
	t := template.Must(template.New("t").Funcs(funcs).Option("missingkey=error").Parse(text))
	var b strings.Builder
	if err := t.Execute(&limited{w: &b, left: MaxText}, d); err != nil {
		return "", fmt.Errorf("render: %w", err)
	}
	return b.String(), nil
}

// limited stops a rendering that grows past its bound.
type limited struct {
	w    *strings.Builder
	left int
}

func (l *limited) Write(p []byte) (int, error) {
	if len(p) > l.left {
		return 0, fmt.Errorf("renders to more than %d characters", MaxText)
	}
	l.left -= len(p)
	return l.w.Write(p)
}
