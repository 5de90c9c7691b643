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

type op struct{ Svc, Op string }

func (o op) String() string { return o.Svc + "." + o.Op }

type pkgIndex struct {
	dir     string
	files   []*ast.File
	funcs   map[string]*ast.FuncDecl            // top-level functions
	methods map[string]map[string]*ast.FuncDecl // receiver type -> name -> decl
	imports map[*ast.File]map[string]string     // alias -> SDK service package name
	fileOf  map[ast.Node]*ast.File
	embeds  map[string][]string // struct type -> embedded type names
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
	p := &pkgIndex{dir: dir, funcs: map[string]*ast.FuncDecl{}, methods: map[string]map[string]*ast.FuncDecl{}, imports: map[*ast.File]map[string]string{}, embeds: map[string][]string{}, fileOf: map[ast.Node]*ast.File{}, memo: map[*ast.FuncDecl]map[op]bool{}, busy: map[*ast.FuncDecl]bool{}}
	for _, pkg := range pkgs {
		for _, f := range pkg.Files {
			p.files = append(p.files, f)
			imps := map[string]string{}
			for _, is := range f.Imports {
				path, _ := strconv.Unquote(is.Path.Value)
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
			for _, d := range f.Decls {
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
	ast.Inspect(node, func(n ast.Node) bool {
		switch x := n.(type) {
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
				t.onOp(o)
				return false
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

// opsWithout: opsOf(fd) with `skip` (and what only it reaches) left out; a fresh memo keeps
// the shared one correct.
func (p *pkgIndex) opsWithout(fd, skip *ast.FuncDecl, concrete string) map[op]bool {
	memo := p.memo
	p.memo = map[*ast.FuncDecl]map[op]bool{}
	p.busy[skip] = true
	defer func() { p.memo = memo; delete(p.busy, skip) }()
	return p.opsOfIn(fd, "", concrete)
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

// updateOps: the update function's operations, split by the attribute whose HasChange guards them
// ("*" = any update).
func (p *pkgIndex) updateOps(fd *ast.FuncDecl, concrete string) map[string]map[op]bool {
	out := map[string]map[op]bool{}
	add := func(attrs []string, ops map[op]bool) {
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
	var visit func(n ast.Node, attrs []string)
	t := func(attrs []string) *tracer {
		return &tracer{p: p, concrete: concrete, onOp: func(o op) { add(attrs, map[op]bool{o: true}) }, onCallee: func(g *ast.FuncDecl) { add(attrs, p.opsOfIn(g, "", concrete)) }}
	}
	visit = func(n ast.Node, attrs []string) {
		ast.Inspect(n, func(m ast.Node) bool {
			if ifs, ok := m.(*ast.IfStmt); ok {
				if a := condAttrs(ifs.Cond); len(a) > 0 {
					if ifs.Init != nil {
						visit(ifs.Init, attrs)
					}
					visit(ifs.Cond, attrs)
					visit(ifs.Body, a)
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
	loadNames(provider)
	dirs, err := filepath.Glob(filepath.Join(provider, "internal", "service", "*", "service_package_gen.go"))
	if err != nil {
		panic(err)
	}
	resources := map[string]resourceOut{}
	services := map[string]bool{}
	for _, gen := range dirs {
		dir := filepath.Dir(gen)
		p, err := loadPkg(dir)
		if err != nil {
			fmt.Fprintln(os.Stderr, "skip", dir, err)
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
				createOps := p.opsOfIn(c.Create, "", c.Concrete)
				if c.Update != nil && createOps != nil && p.reaches(c.Create, c.Update, c.Concrete) {
					out.CreateCallsUpdate = true
					createOps = p.opsWithout(c.Create, c.Update, c.Concrete)
				}
				out.Create = sorted(union(createOps, listTags))
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
