// Command gen-action-map traces the hashicorp/aws provider's Go source: for each resource type,
// the AWS SDK for Go v2 operations its create, read, update (per changed attribute where the
// update function tests d.HasChange) and delete functions reach, through helper functions of
// the same package (find*, wait*, status*, expanders) and the package's tag functions.
// An operation is recognised by the SDK input type it builds or accepts (`s3.CreateBucketInput`),
// which names both the service package and the operation. Standard library only; it prints
// JSON for scripts/gen-action-map.mjs, which maps operations to IAM actions.
//
// Usage: go run ./scripts/gen-action-map PROVIDER_DIR SDK_SERVICE_DIR
package main

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

const sdkPrefix = "github.com/aws/aws-sdk-go-v2/service/"
const servicePrefix = "github.com/hashicorp/terraform-provider-aws/internal/service/"

var providerDir string

// loaded: service packages by directory, parsed once (a helper of another service package,
// such as kms.FindDefaultKeyARNForService called from a DynamoDB table's read, is traced there).
var loaded = map[string]*pkgIndex{}

func pkgAt(dir string) *pkgIndex {
	if p, ok := loaded[dir]; ok {
		return p
	}
	p, err := loadPkg(dir)
	if err != nil {
		p = nil
	}
	loaded[dir] = p
	return p
}

type op struct{ Svc, Op string }

func (o op) String() string { return o.Svc + "." + o.Op }

type pkgIndex struct {
	dir     string
	files   []*ast.File
	funcs   map[string]*ast.FuncDecl            // top-level functions
	methods map[string]map[string]*ast.FuncDecl // receiver type -> name -> decl
	imports map[*ast.File]map[string]string     // alias -> SDK service package name
	peers   map[*ast.File]map[string]string     // alias -> directory of another provider service package
	fileOf  map[ast.Node]*ast.File
	embeds  map[string][]string // struct type -> embedded type names
	aliases map[string]string   // exported var -> the function it names (exports.go: `FindX = findX`)
	memo    map[*ast.FuncDecl]map[op]bool
	busy    map[*ast.FuncDecl]bool
}

var names = map[string]string{} // names.AttrX -> "x"

func loadNames(provider string) {
	src, err := os.ReadFile(filepath.Join(provider, "names", "attr_consts_gen.go"))
	if err != nil {
		return
	}
	re := regexp.MustCompile(`(?m)^\s*(Attr\w+)\s*=\s*"([^"]*)"`)
	for _, m := range re.FindAllStringSubmatch(string(src), -1) {
		names[m[1]] = m[2]
	}
}

func loadPkg(dir string) (*pkgIndex, error) {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, dir, func(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	if err != nil {
		return nil, err
	}
	p := &pkgIndex{dir: dir, funcs: map[string]*ast.FuncDecl{}, methods: map[string]map[string]*ast.FuncDecl{}, imports: map[*ast.File]map[string]string{}, peers: map[*ast.File]map[string]string{}, embeds: map[string][]string{}, aliases: map[string]string{}, fileOf: map[ast.Node]*ast.File{}, memo: map[*ast.FuncDecl]map[op]bool{}, busy: map[*ast.FuncDecl]bool{}}
	for _, pkg := range pkgs {
		for _, f := range pkg.Files {
			p.files = append(p.files, f)
			imps := map[string]string{}
			peers := map[string]string{}
			for _, is := range f.Imports {
				path, _ := strconv.Unquote(is.Path.Value)
				if strings.HasPrefix(path, servicePrefix) && providerDir != "" {
					rest := strings.TrimPrefix(path, servicePrefix)
					alias := rest
					if is.Name != nil {
						alias = is.Name.Name
					}
					if !strings.Contains(rest, "/") {
						peers[alias] = filepath.Join(providerDir, "internal", "service", rest)
					}
					continue
				}
				if !strings.HasPrefix(path, sdkPrefix) {
					continue
				}
				rest := strings.TrimPrefix(path, sdkPrefix)
				if strings.Contains(rest, "/") {
					continue // types, document, ... subpackages
				}
				alias := rest
				if is.Name != nil {
					alias = is.Name.Name
				}
				imps[alias] = rest
			}
			p.imports[f] = imps
			p.peers[f] = peers
			for _, d := range f.Decls {
				if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.VAR {
					for _, spec := range gd.Specs {
						vs := spec.(*ast.ValueSpec)
						for i, n := range vs.Names {
							if i < len(vs.Values) {
								if id, ok := vs.Values[i].(*ast.Ident); ok {
									p.aliases[n.Name] = id.Name
								}
							}
						}
					}
				}
				if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.TYPE {
					for _, spec := range gd.Specs {
						ts := spec.(*ast.TypeSpec)
						if st, ok := ts.Type.(*ast.StructType); ok {
							for _, fl := range st.Fields.List {
								if len(fl.Names) == 0 {
									t := fl.Type
									if se, ok := t.(*ast.StarExpr); ok {
										t = se.X
									}
									if id, ok := t.(*ast.Ident); ok {
										p.embeds[ts.Name.Name] = append(p.embeds[ts.Name.Name], id.Name)
									}
								}
							}
						}
					}
				}
				fd, ok := d.(*ast.FuncDecl)
				if !ok {
					continue
				}
				p.fileOf[fd] = f
				if fd.Recv == nil {
					p.funcs[fd.Name.Name] = fd
					continue
				}
				t := recvType(fd)
				if p.methods[t] == nil {
					p.methods[t] = map[string]*ast.FuncDecl{}
				}
				p.methods[t][fd.Name.Name] = fd
			}
		}
	}
	return p, nil
}

// method: typ's method name, its own or an embedded type's.
func (p *pkgIndex) method(typ, name string) *ast.FuncDecl {
	seen := map[string]bool{}
	var find func(t string) *ast.FuncDecl
	find = func(t string) *ast.FuncDecl {
		if seen[t] {
			return nil
		}
		seen[t] = true
		if m := p.methods[t][name]; m != nil {
			return m
		}
		for _, e := range p.embeds[t] {
			if m := find(e); m != nil {
				return m
			}
		}
		return nil
	}
	return find(typ)
}

// methodByName: the one method of that name in the package (for method values such as h.Upsert).
func (p *pkgIndex) methodByName(name string) *ast.FuncDecl {
	var found *ast.FuncDecl
	for _, ms := range p.methods {
		if m := ms[name]; m != nil {
			if found != nil {
				return nil
			}
			found = m
		}
	}
	return found
}

func recvType(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return ""
	}
	t := fd.Recv.List[0].Type
	if s, ok := t.(*ast.StarExpr); ok {
		t = s.X
	}
	switch x := t.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.IndexExpr:
		if id, ok := x.X.(*ast.Ident); ok {
			return id.Name
		}
	}
	return ""
}

// opOf: the SDK operation a selector names (`s3.CreateBucketInput`, `s3.NewListObjectsV2Paginator`).
func opOf(sel *ast.SelectorExpr, imps map[string]string) (op, bool) {
	id, ok := sel.X.(*ast.Ident)
	if !ok {
		return op{}, false
	}
	svc, ok := imps[id.Name]
	if !ok {
		return op{}, false
	}
	n := sel.Sel.Name
	if strings.HasSuffix(n, "Input") && len(n) > 5 {
		return op{svc, strings.TrimSuffix(n, "Input")}, true
	}
	if strings.HasPrefix(n, "New") && strings.HasSuffix(n, "Paginator") {
		return op{svc, strings.TrimSuffix(strings.TrimPrefix(n, "New"), "Paginator")}, true
	}
	return op{}, false
}

// tracer walks one function; recv is its receiver type (for r.method calls), sel the
// resourceType value selecting a case of `switch resourceType` in tag functions.
type tracer struct {
	p        *pkgIndex
	resType  string
	concrete string // the framework resource's own type (its methods answer r.x.method calls)
	onOp     func(op)
	onCallee func(*ast.FuncDecl)
}

func (t *tracer) walk(fd *ast.FuncDecl, node ast.Node) {
	f := t.p.fileOf[fd]
	imps := t.p.imports[f]
	recv := recvType(fd)
	var recvName string
	if fd.Recv != nil && len(fd.Recv.List) > 0 && len(fd.Recv.List[0].Names) > 0 {
		recvName = fd.Recv.List[0].Names[0].Name
	}
	// An SDK input type in a function's signature (a helper that takes or returns inputs) stands
	// for its operation only when the body calls that method: a comparer or an expander that
	// builds inputs for a caller calls nothing. In the body, an input a function builds to
	// return is data too, unless it calls the method itself.
	called := map[string]bool{}
	if fd.Body != nil {
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok {
				if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
					called[sel.Sel.Name] = true
				}
			}
			return true
		})
	}
	returned := map[op]bool{}
	if fd.Type != nil && fd.Type.Results != nil {
		ast.Inspect(fd.Type.Results, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if o, ok := opOf(sel, imps); ok {
					returned[o] = true
				}
			}
			return true
		})
	}
	if node == ast.Node(fd) {
		if fd.Type != nil {
			ast.Inspect(fd.Type, func(n ast.Node) bool {
				if sel, ok := n.(*ast.SelectorExpr); ok {
					if o, ok := opOf(sel, imps); ok && called[o.Op] {
						t.onOp(o)
					}
				}
				return true
			})
		}
		if fd.Body == nil {
			return
		}
		node = fd.Body
	}
	ast.Inspect(node, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.ValueSpec:
			// `var input ec2.GetXInput` before `conn.GetX(ctx, &input)` is a call; `var list
			// []*iam.PutRolePolicyInput` in a function that never calls PutRolePolicy is data.
			if x.Type != nil {
				ast.Inspect(x.Type, func(m ast.Node) bool {
					if sel, ok := m.(*ast.SelectorExpr); ok {
						if o, ok := opOf(sel, imps); ok && called[o.Op] {
							t.onOp(o)
						}
					}
					return true
				})
			}
			for _, v := range x.Values {
				t.walk(fd, v)
			}
			return false
		case *ast.IfStmt:
			// An error path (`if err != nil`, `if tfawserr.ErrCodeEquals(err, …)`) runs only when a
			// call failed: cleanup or a fallback a successful apply never needs. So does the
			// tagging after create for partitions without tag-on-create (`input.Tags == nil`).
			if isErrorCond(x.Cond) || isUntaggedCreateCond(x.Cond) {
				if x.Init != nil {
					t.walk(fd, x.Init)
				}
				t.walk(fd, x.Cond)
				if x.Else != nil {
					t.walk(fd, x.Else)
				}
				return false
			}
		case *ast.SwitchStmt:
			if id, ok := x.Tag.(*ast.Ident); ok && id.Name == "resourceType" && t.resType != "" {
				if cc := pickCase(x, t.resType); cc != nil {
					for _, s := range cc.Body {
						t.walk(fd, s)
					}
					return false
				}
			}
		case *ast.SelectorExpr:
			if o, ok := opOf(x, imps); ok {
				if !returned[o] || called[o.Op] {
					t.onOp(o)
				}
				return false
			}
			if id, ok := x.X.(*ast.Ident); ok {
				if dir, ok := t.p.peers[f][id.Name]; ok {
					if other := pkgAt(dir); other != nil {
						g := other.funcs[x.Sel.Name]
						if g == nil {
							g = other.funcs[other.aliases[x.Sel.Name]]
						}
						if g != nil {
							for o := range other.opsOf(g, "") {
								t.onOp(o)
							}
						}
					}
					return false
				}
			}
			if recvName != "" && rootIdent(x.X) == recvName {
				m := t.p.method(recv, x.Sel.Name)
				if m == nil && t.concrete != "" {
					m = t.p.method(t.concrete, x.Sel.Name)
				}
				if m != nil && m != fd {
					t.onCallee(m)
				}
			}
		case *ast.Ident:
			if g := t.p.funcs[x.Name]; g != nil && g != fd {
				t.onCallee(g)
			}
		}
		return true
	})
}

func rootIdent(e ast.Expr) string {
	for {
		switch x := e.(type) {
		case *ast.Ident:
			return x.Name
		case *ast.SelectorExpr:
			e = x.X
		default:
			return ""
		}
	}
}

func pickCase(s *ast.SwitchStmt, value string) *ast.CaseClause {
	var def *ast.CaseClause
	for _, st := range s.Body.List {
		cc := st.(*ast.CaseClause)
		if cc.List == nil {
			def = cc
		}
		for _, e := range cc.List {
			if bl, ok := e.(*ast.BasicLit); ok {
				if v, _ := strconv.Unquote(bl.Value); v == value {
					return cc
				}
			}
		}
	}
	return def
}

// opsOf: every operation reachable from fd (memoised; a cycle contributes what is known so far).
func (p *pkgIndex) opsOf(fd *ast.FuncDecl, resType string) map[op]bool {
	return p.opsOfIn(fd, resType, "")
}

func (p *pkgIndex) opsOfIn(fd *ast.FuncDecl, resType, concrete string) map[op]bool {
	if resType == "" && concrete == "" {
		if m, ok := p.memo[fd]; ok {
			return m
		}
	}
	out := map[op]bool{}
	if p.busy[fd] {
		return out
	}
	p.busy[fd] = true
	defer delete(p.busy, fd)
	t := &tracer{p: p, resType: resType, concrete: concrete, onOp: func(o op) { out[o] = true }, onCallee: func(g *ast.FuncDecl) {
		for o := range p.opsOfIn(g, resType, concrete) {
			out[o] = true
		}
	}}
	t.walk(fd, fd)
	if resType == "" && concrete == "" {
		p.memo[fd] = out
	}
	return out
}

// reaches: whether from calls (directly or through helpers) to.
func (p *pkgIndex) reaches(from, to *ast.FuncDecl, concrete string) bool {
	seen := map[*ast.FuncDecl]bool{}
	var visit func(fd *ast.FuncDecl) bool
	visit = func(fd *ast.FuncDecl) bool {
		if fd == to {
			return true
		}
		if seen[fd] {
			return false
		}
		seen[fd] = true
		found := false
		t := &tracer{p: p, concrete: concrete, onOp: func(op) {}, onCallee: func(g *ast.FuncDecl) { found = found || visit(g) }}
		t.walk(fd, fd)
		return found
	}
	return visit(from)
}

// changedAttrs: the attributes an `if` condition tests with HasChange/HasChanges.
func changedAttrs(cond ast.Expr) []string {
	var attrs []string
	ast.Inspect(cond, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || (sel.Sel.Name != "HasChange" && sel.Sel.Name != "HasChanges") {
			return true
		}
		for _, a := range call.Args {
			if v, ok := stringValue(a); ok {
				attrs = append(attrs, v)
			}
		}
		return true
	})
	return attrs
}

func stringValue(e ast.Expr) (string, bool) {
	switch x := e.(type) {
	case *ast.BasicLit:
		v, err := strconv.Unquote(x.Value)
		return v, err == nil
	case *ast.SelectorExpr:
		if id, ok := x.X.(*ast.Ident); ok && id.Name == "names" {
			v, ok := names[x.Sel.Name]
			return v, ok
		}
	}
	return "", false
}

// addOpsByAttr records ops under each attribute that guards them ("*" when none does).
func addOpsByAttr(out map[string]map[op]bool, attrs []string, ops map[op]bool) {
	if len(attrs) == 0 {
		attrs = []string{"*"}
	}
	for _, a := range attrs {
		if out[a] == nil {
			out[a] = map[op]bool{}
		}
		for o := range ops {
			out[a][o] = true
		}
	}
}

// updateOps: the update function's operations, split by the attribute whose HasChange guards them
// ("*" = any update).
func (p *pkgIndex) updateOps(fd *ast.FuncDecl, concrete string) map[string]map[op]bool {
	out := map[string]map[op]bool{}
	add := func(attrs []string, ops map[op]bool) { addOpsByAttr(out, attrs, ops) }
	held := map[string][]string{} // local variables holding a HasChange result
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if as, ok := n.(*ast.AssignStmt); ok && len(as.Lhs) == 1 && len(as.Rhs) == 1 {
			if id, ok := as.Lhs[0].(*ast.Ident); ok {
				if a := changedAttrs(as.Rhs[0]); len(a) > 0 {
					held[id.Name] = a
				}
			}
		}
		return true
	})
	condAttrs := func(cond ast.Expr) []string {
		a := changedAttrs(cond)
		ast.Inspect(cond, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				a = append(a, held[id.Name]...)
			}
			return true
		})
		return a
	}
	t := func(attrs []string) *tracer {
		return &tracer{p: p, concrete: concrete, onOp: func(o op) { add(attrs, map[op]bool{o: true}) }, onCallee: func(g *ast.FuncDecl) { add(attrs, p.opsOfIn(g, "", concrete)) }}
	}
	walkGuarded(fd, t, func(ifs *ast.IfStmt, _ []string) (bool, []string) { return false, condAttrs(ifs.Cond) })
	return out
}

// walkGuarded traces fd's body, each call under the attributes of the innermost if that guards
// it. guard tells, for an if and the attributes around it, whether its body is left out (skip)
// or the attributes its body runs under (none: not a guard, traced as plain code).
func walkGuarded(fd *ast.FuncDecl, t func([]string) *tracer, guard func(ifs *ast.IfStmt, attrs []string) (skip bool, inner []string)) {
	var visit func(n ast.Node, attrs []string)
	visit = func(n ast.Node, attrs []string) {
		ast.Inspect(n, func(m ast.Node) bool {
			if ifs, ok := m.(*ast.IfStmt); ok {
				if skip, inner := guard(ifs, attrs); skip || len(inner) > 0 {
					if ifs.Init != nil {
						visit(ifs.Init, attrs)
					}
					if !skip {
						visit(ifs.Cond, attrs)
						visit(ifs.Body, inner)
					}
					if ifs.Else != nil {
						visit(ifs.Else, attrs)
					}
					return false
				}
			}
			switch m.(type) {
			case *ast.SelectorExpr, *ast.Ident:
				t(attrs).walk(fd, m)
				return false
			}
			return true
		})
	}
	visit(fd.Body, nil)
}

// isErrorCond: whether an if condition tests an error value (an identifier err, or one ending
// in err/Err such as derr or diagErr).
func isErrorCond(cond ast.Expr) bool {
	found := false
	ast.Inspect(cond, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && (id.Name == "err" || strings.HasSuffix(id.Name, "err") || strings.HasSuffix(id.Name, "Err")) {
			found = true
		}
		return !found
	})
	return found
}

// isUntaggedCreateCond: `input.Tags == nil && …`, the provider's tagging after a create for
// partitions that do not take tags with the create request.
func isUntaggedCreateCond(cond ast.Expr) bool {
	found := false
	ast.Inspect(cond, func(n ast.Node) bool {
		if be, ok := n.(*ast.BinaryExpr); ok && be.Op == token.EQL {
			if sel, ok := be.X.(*ast.SelectorExpr); ok && sel.Sel.Name == "Tags" {
				if id, ok := be.Y.(*ast.Ident); ok && id.Name == "nil" {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

// setAttrs: the attributes an expression reads with d.Get/GetOk/GetOkExists (a create's
// condition on a setting of the configuration).
func setAttrs(e ast.Node) []string {
	var attrs []string
	ast.Inspect(e, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || (sel.Sel.Name != "Get" && sel.Sel.Name != "GetOk" && sel.Sel.Name != "GetOkExists") || len(call.Args) != 1 {
			return true
		}
		if v, ok := stringValue(call.Args[0]); ok {
			// a nested setting (`ttl.0.enabled`) belongs to its top-level attribute
			attrs = append(attrs, strings.SplitN(v, ".", 2)[0])
		}
		return true
	})
	return attrs
}

// isGetCall: d.Get("x") / d.GetOk("x"), possibly type-asserted (`d.Get("x").(bool)`).
func isGetCall(e ast.Expr) bool {
	if ta, ok := e.(*ast.TypeAssertExpr); ok {
		e = ta.X
	}
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	return ok && (sel.Sel.Name == "Get" || sel.Sel.Name == "GetOk" || sel.Sel.Name == "GetOkExists")
}

// createOps: the create function's operations split by the attribute whose d.Get/GetOk guards
// them ("*" = every create); `skip` (the update function a create calls) is left out.
func (p *pkgIndex) createOps(fd, skip *ast.FuncDecl, concrete string) map[string]map[op]bool {
	if skip != nil {
		memo := p.memo
		p.memo = map[*ast.FuncDecl]map[op]bool{}
		p.busy[skip] = true
		defer func() { p.memo = memo; delete(p.busy, skip) }()
	}
	out := map[string]map[op]bool{}
	add := func(attrs []string, ops map[op]bool) { addOpsByAttr(out, attrs, ops) }
	held := map[string][]string{} // `v, ok := d.GetOk("x")`: ok (and v) stand for x being set
	inits := map[ast.Node]bool{}
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if ifs, ok := n.(*ast.IfStmt); ok && ifs.Init != nil {
			inits[ifs.Init] = true
		}
		return true
	})
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if as, ok := n.(*ast.AssignStmt); ok && len(as.Rhs) == 1 && !inits[as] && isGetCall(as.Rhs[0]) {
			if a := setAttrs(as.Rhs[0]); len(a) > 0 {
				for _, l := range as.Lhs {
					if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
						held[id.Name] = a
					}
				}
			}
		}
		return true
	})
	condAttrs := func(ifs *ast.IfStmt) []string {
		a := setAttrs(ifs.Cond)
		if ifs.Init != nil {
			a = append(a, setAttrs(ifs.Init)...)
		}
		ast.Inspect(ifs.Cond, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				a = append(a, held[id.Name]...)
			}
			return true
		})
		return a
	}
	t := func(attrs []string) *tracer {
		return &tracer{p: p, concrete: concrete, onOp: func(o op) { add(attrs, map[op]bool{o: true}) }, onCallee: func(g *ast.FuncDecl) { add(attrs, p.opsOfIn(g, "", concrete)) }}
	}
	// An error path or the no-tag-on-create fallback is left out; a condition inside a
	// conditional block narrows it: the outer setting decides.
	walkGuarded(fd, t, func(ifs *ast.IfStmt, attrs []string) (bool, []string) {
		if isErrorCond(ifs.Cond) || isUntaggedCreateCond(ifs.Cond) {
			return true, nil
		}
		a := condAttrs(ifs)
		if len(a) > 0 && len(attrs) > 0 {
			a = attrs
		}
		return false, a
	})
	return out
}

type crud struct {
	Create, Read, Update, Delete *ast.FuncDecl
	Concrete                     string
}

// funcLitDecl wraps an inline CRUD function literal so it can be traced like a declaration.
func funcLitDecl(p *pkgIndex, file *ast.File, lit *ast.FuncLit) *ast.FuncDecl {
	fd := &ast.FuncDecl{Name: ast.NewIdent("_inline"), Type: lit.Type, Body: lit.Body}
	p.fileOf[fd] = file
	return fd
}

func sdkCRUD(p *pkgIndex, factory *ast.FuncDecl) crud {
	var c crud
	file := p.fileOf[factory]
	ast.Inspect(factory.Body, func(n ast.Node) bool {
		cl, ok := n.(*ast.CompositeLit)
		if !ok {
			return true
		}
		if sel, ok := cl.Type.(*ast.SelectorExpr); !ok || sel.Sel.Name != "Resource" {
			return true
		}
		for _, e := range cl.Elts {
			kv, ok := e.(*ast.KeyValueExpr)
			if !ok {
				continue
			}
			key, _ := kv.Key.(*ast.Ident)
			if key == nil {
				continue
			}
			var fd *ast.FuncDecl
			switch v := kv.Value.(type) {
			case *ast.Ident:
				fd = p.funcs[v.Name]
			case *ast.FuncLit:
				fd = funcLitDecl(p, file, v)
			case *ast.SelectorExpr: // a method value (h.Upsert)
				fd = p.methodByName(v.Sel.Name)
			case *ast.CallExpr: // a wrapper such as schema.NoopContext or a factory call
				if id, ok := v.Fun.(*ast.Ident); ok {
					fd = p.funcs[id.Name]
				}
			}
			if fd == nil {
				continue
			}
			switch strings.TrimSuffix(strings.TrimSuffix(key.Name, "WithoutTimeout"), "Context") {
			case "Create":
				if c.Create == nil {
					c.Create = fd
				}
			case "Read":
				if c.Read == nil {
					c.Read = fd
				}
			case "Update":
				if c.Update == nil {
					c.Update = fd
				}
			case "Delete":
				if c.Delete == nil {
					c.Delete = fd
				}
			}
		}
		return false // the outermost schema.Resource only (nested blocks are schema too)
	})
	return c
}

func frameworkCRUD(p *pkgIndex, factory *ast.FuncDecl) crud {
	var typ string
	ast.Inspect(factory.Body, func(n ast.Node) bool {
		if typ != "" {
			return false
		}
		if u, ok := n.(*ast.UnaryExpr); ok && u.Op == token.AND {
			if cl, ok := u.X.(*ast.CompositeLit); ok {
				if id, ok := cl.Type.(*ast.Ident); ok && p.methods[id.Name] != nil {
					typ = id.Name
				}
			}
		}
		return true
	})
	if typ == "" {
		return crud{}
	}
	return crud{Create: p.method(typ, "Create"), Read: p.method(typ, "Read"), Update: p.method(typ, "Update"), Delete: p.method(typ, "Delete"), Concrete: typ}
}

type registration struct {
	TypeName, Factory, Kind, ResourceType string
	Tagged                                bool
}

func registrations(p *pkgIndex) []registration {
	var regs []registration
	for _, f := range p.files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || recvType(fd) != "servicePackage" {
				continue
			}
			kind := map[string]string{"SDKResources": "sdk", "FrameworkResources": "framework", "SDKDataSources": "sdk-data", "FrameworkDataSources": "framework-data"}[fd.Name.Name]
			if kind == "" {
				continue
			}
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				cl, ok := n.(*ast.CompositeLit)
				if !ok {
					return true
				}
				r := registration{Kind: kind}
				for _, e := range cl.Elts {
					kv, ok := e.(*ast.KeyValueExpr)
					if !ok {
						continue
					}
					key, _ := kv.Key.(*ast.Ident)
					if key == nil {
						continue
					}
					switch key.Name {
					case "Factory":
						if id, ok := kv.Value.(*ast.Ident); ok {
							r.Factory = id.Name
						}
					case "TypeName":
						r.TypeName, _ = stringValue(kv.Value)
					case "Tags":
						r.Tagged = true
						ast.Inspect(kv.Value, func(m ast.Node) bool {
							if kv2, ok := m.(*ast.KeyValueExpr); ok {
								if k2, ok := kv2.Key.(*ast.Ident); ok && k2.Name == "ResourceType" {
									r.ResourceType, _ = stringValue(kv2.Value)
								}
							}
							return true
						})
					}
				}
				if r.TypeName != "" && r.Factory != "" {
					regs = append(regs, r)
					return false
				}
				return true
			})
		}
	}
	return regs
}

type resourceOut struct {
	Service           string              `json:"service_package"`
	Kind              string              `json:"kind"`
	Create            []string            `json:"create,omitempty"`
	Read              []string            `json:"read"`
	Update            map[string][]string `json:"update,omitempty"`
	Delete            []string            `json:"delete,omitempty"`
	Tagged            bool                `json:"tagged,omitempty"`
	CreateIf          map[string][]string `json:"create_if,omitempty"`
	CreateCallsUpdate bool                `json:"create_calls_update,omitempty"`
	Missing           []string            `json:"untraced,omitempty"`
}

func sorted(m map[op]bool) []string {
	out := []string{}
	for o := range m {
		out = append(out, o.String())
	}
	sort.Strings(out)
	return out
}

func union(ms ...map[op]bool) map[op]bool {
	out := map[op]bool{}
	for _, m := range ms {
		for o := range m {
			out[o] = true
		}
	}
	return out
}

var signing = regexp.MustCompile(`SetSigV4SigningName\(&props, "([^"]+)"\)`)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: gen-action-map PROVIDER_DIR SDK_SERVICE_DIR")
		os.Exit(2)
	}
	provider, sdkDir := os.Args[1], os.Args[2]
	providerDir = provider
	loadNames(provider)
	dirs, err := filepath.Glob(filepath.Join(provider, "internal", "service", "*", "service_package_gen.go"))
	if err != nil {
		panic(err)
	}
	resources := map[string]resourceOut{}
	services := map[string]bool{}
	for _, gen := range dirs {
		dir := filepath.Dir(gen)
		p := pkgAt(dir)
		if p == nil {
			fmt.Fprintln(os.Stderr, "skip", dir)
			continue
		}
		spName := filepath.Base(dir)
		spMethods := p.methods["servicePackage"]
		for _, r := range registrations(p) {
			factory := p.funcs[r.Factory]
			if factory == nil {
				continue
			}
			var c crud
			if strings.HasPrefix(r.Kind, "sdk") {
				c = sdkCRUD(p, factory)
			} else {
				c = frameworkCRUD(p, factory)
			}
			out := resourceOut{Service: spName, Kind: r.Kind, Tagged: r.Tagged}
			var listTags, updateTags map[op]bool
			if r.Tagged {
				if m := spMethods["ListTags"]; m != nil {
					listTags = p.opsOf(m, r.ResourceType)
				}
				if m := spMethods["UpdateTags"]; m != nil {
					updateTags = p.opsOf(m, r.ResourceType)
				}
			}
			name := r.TypeName
			if strings.HasSuffix(r.Kind, "-data") {
				name = "data." + r.TypeName
				if c.Read == nil {
					out.Missing = append(out.Missing, "read")
				} else {
					out.Read = sorted(union(p.opsOfIn(c.Read, "", c.Concrete), listTags))
				}
				for o := range union(p.opsOfIn(orEmpty(c.Read), "", c.Concrete), listTags) {
					services[o.Svc] = true
				}
				resources[name] = out
				continue
			}
			// The tags interceptor lists a resource's tags after create, read and update only when
			// the read did not set them itself (setTagsOut from its own describe call).
			if setTagsOut := p.funcs["setTagsOut"]; c.Read != nil && setTagsOut != nil && p.reaches(c.Read, setTagsOut, c.Concrete) {
				listTags = nil
			}
			read := map[op]bool{}
			if c.Read != nil {
				read = union(p.opsOfIn(c.Read, "", c.Concrete), listTags)
			} else {
				out.Missing = append(out.Missing, "read")
			}
			out.Read = sorted(read)
			if c.Create != nil {
				// Tags given at create go in the create request or through the package's tag function.
				// A create that calls the update function (S3 buckets do, to apply each configured
				// setting) is traced without it: preflight adds the update's "*" and the operations of
				// each attribute the plan sets.
				// Operations under a condition on a setting (`if v, ok := d.GetOk("ttl"); ok`) are
				// needed only when the plan sets it: create_if, by attribute.
				var skip *ast.FuncDecl
				if c.Update != nil && p.reaches(c.Create, c.Update, c.Concrete) {
					out.CreateCallsUpdate = true
					skip = c.Update
				}
				byAttr := p.createOps(c.Create, skip, c.Concrete)
				always := union(byAttr["*"], listTags)
				out.Create = sorted(always)
				for attr, ops := range byAttr {
					if attr == "*" {
						continue
					}
					rest := map[op]bool{}
					for o := range ops {
						if !always[o] {
							rest[o] = true
						}
					}
					if len(rest) > 0 {
						if out.CreateIf == nil {
							out.CreateIf = map[string][]string{}
						}
						out.CreateIf[attr] = sorted(rest)
					}
				}
				// Tags sent with the create need the tag action too (tag-on-create): the adding
				// operations of the package's tag function.
				if updateTags != nil {
					adding := map[op]bool{}
					for o := range updateTags {
						if !strings.HasPrefix(o.Op, "Untag") && !strings.HasPrefix(o.Op, "Remove") && !strings.HasPrefix(o.Op, "Delete") && !strings.HasPrefix(o.Op, "List") && !strings.HasPrefix(o.Op, "Get") {
							adding[o] = true
						}
					}
					if len(adding) > 0 {
						if out.CreateIf == nil {
							out.CreateIf = map[string][]string{}
						}
						for _, a := range []string{"tags", "tags_all"} {
							out.CreateIf[a] = sorted(union(adding, opsFromStrings(out.CreateIf[a])))
						}
					}
				}
			} else {
				out.Missing = append(out.Missing, "create")
			}
			if c.Delete != nil {
				out.Delete = sorted(p.opsOfIn(c.Delete, "", c.Concrete))
			} else {
				out.Missing = append(out.Missing, "delete")
			}
			if c.Update != nil {
				out.Update = map[string][]string{}
				for attr, ops := range p.updateOps(c.Update, c.Concrete) {
					if len(ops) > 0 {
						out.Update[attr] = sorted(ops)
					}
				}
				if updateTags != nil {
					for _, a := range []string{"tags", "tags_all"} {
						out.Update[a] = sorted(union(updateTags, opsFromStrings(out.Update[a])))
					}
				}
			}
			for _, list := range [][]string{out.Create, out.Read, out.Delete} {
				for _, s := range list {
					services[strings.SplitN(s, ".", 2)[0]] = true
				}
			}
			for _, list := range out.CreateIf {
				for _, s := range list {
					services[strings.SplitN(s, ".", 2)[0]] = true
				}
			}
			for _, list := range out.Update {
				for _, s := range list {
					services[strings.SplitN(s, ".", 2)[0]] = true
				}
			}
			resources[name] = out
		}
	}
	signingNames := map[string]string{}
	for svc := range services {
		matches, _ := filepath.Glob(filepath.Join(sdkDir, svc+"@*", "auth.go"))
		sort.Strings(matches)
		if len(matches) == 0 {
			continue
		}
		src, err := os.ReadFile(matches[len(matches)-1])
		if err != nil {
			continue
		}
		if m := signing.FindSubmatch(src); m != nil {
			signingNames[svc] = string(m[1])
		}
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	if err := enc.Encode(map[string]any{"resources": resources, "signing_names": signingNames}); err != nil {
		panic(err)
	}
}

func orEmpty(fd *ast.FuncDecl) *ast.FuncDecl {
	if fd == nil {
		return &ast.FuncDecl{Name: ast.NewIdent("_none"), Type: &ast.FuncType{}, Body: &ast.BlockStmt{}}
	}
	return fd
}

func opsFromStrings(list []string) map[op]bool {
	out := map[op]bool{}
	for _, s := range list {
		parts := strings.SplitN(s, ".", 2)
		out[op{parts[0], parts[1]}] = true
	}
	return out
}
