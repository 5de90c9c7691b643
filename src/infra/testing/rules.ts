import type { PlannedResource } from '../../handlers/iac/types.js';
import type { IamCatalogue } from '../../handlers/hosting/aws/iam-catalogue.js';
import { ruleById, SEVERITY_RANK, type RuleCatalogue } from './catalogue.js';
import { isScopableWrite, parsePolicy } from './policy.js';
import type { Finding, Unchecked } from './types.js';

/**
 * The security rules of `infra test --phase pre`, one function per catalogue id, over the
 * resources a plan leaves behind. A value known only after apply is never guessed: the rule
 * records it as unchecked, so the report says what could not be decided.
 */

export interface RuleResult {
  findings: Finding[];
  unchecked: Unchecked[];
  /** Rule ids that were applied. */
  rules: string[];
}

interface Context {
  resources: PlannedResource[];
  catalogue: RuleCatalogue;
  iam: IamCatalogue;
  find(rule: string, resource: PlannedResource | string, message: string): void;
  skip(rule: string, resource: PlannedResource, reason: string): void;
}

type Rule = (ctx: Context) => void | Promise<void>;

// ---------------------------------------------------------------- helpers

const WORLD = new Set(['0.0.0.0/0', '::/0']);

function isUnknown(r: PlannedResource, path: string): boolean {
  return r.unknown.some((p) => p === path || p.startsWith(`${path}.`));
}

/** The address of a resource without its instance key: what configuration references name. */
function baseAddress(r: PlannedResource): string {
  return `${r.module ? `${r.module}.` : ''}${r.type}.${r.name}`;
}

function ofType(ctx: Context, ...types: string[]): PlannedResource[] {
  return ctx.resources.filter((r) => types.includes(r.type));
}

const blocks = (value: unknown): Record<string, unknown>[] => (Array.isArray(value) ? value.filter((v): v is Record<string, unknown> => Boolean(v) && typeof v === 'object') : []);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
const isEmpty = (value: unknown) => value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);

/**
 * The buckets a companion resource (ACL, policy, public access block, encryption, logging)
 * applies to: by its `bucket` value when known, otherwise by what its `bucket` expression
 * references. Undefined when neither says.
 */
function linkedTo(companion: PlannedResource, targets: PlannedResource[], attribute = 'bucket'): PlannedResource[] | undefined {
  const value = companion.values[attribute];
  if (typeof value === 'string') return targets.filter((t) => t.values.bucket === value || t.values.id === value);
  const refs = companion.references[attribute] ?? [];
  if (refs.length === 0) return undefined;
  const matched = targets.filter((t) => refs.includes(baseAddress(t)));
  // count/for_each pairs: bucket["a"] goes with its own acl["a"].
  const sameIndex = companion.index === undefined ? [] : matched.filter((t) => t.index === companion.index);
  return sameIndex.length > 0 ? sameIndex : matched;
}

/** For each bucket, the companions of one type linked to it; and whether some companion could not be linked. */
function companionsByBucket(ctx: Context, type: string, attribute = 'bucket') {
  const buckets = ofType(ctx, 'aws_s3_bucket');
  const byBucket = new Map<PlannedResource, PlannedResource[]>(buckets.map((b) => [b, []]));
  let unlinked = false;
  for (const companion of ofType(ctx, type)) {
    const linked = linkedTo(companion, buckets, attribute);
    if (!linked) unlinked = true;
    for (const bucket of linked ?? []) byBucket.get(bucket)?.push(companion);
  }
  return { byBucket, unlinked };
}

function bucketLabel(r: PlannedResource): string {
  return typeof r.values.bucket === 'string' ? `bucket ${r.values.bucket}` : 'the bucket';
}

// ---------------------------------------------------------------- S3 public access

const s3PublicAcl: Rule = (ctx) => {
  const { public_acls: publicAcls, public_grantee_uris: publicUris } = ctx.catalogue.parameters;
  for (const r of ofType(ctx, 'aws_s3_bucket_acl', 'aws_s3_bucket')) {
    const acl = r.values.acl;
    if (typeof acl === 'string' && publicAcls.includes(acl)) ctx.find('S3_PUBLIC_ACL', r, `acl = "${acl}"`);
    else if (r.type === 'aws_s3_bucket_acl' && isUnknown(r, 'acl') && r.values.access_control_policy === undefined) ctx.skip('S3_PUBLIC_ACL', r, 'acl is known only after apply');
    const grants = [
      ...blocks(r.values.access_control_policy).flatMap((p) => blocks(p.grant)),
      ...(r.type === 'aws_s3_bucket' ? blocks(r.values.grant) : []),
    ];
    for (const grant of grants) {
      const uris = [...blocks(grant.grantee).map((g) => g.uri), grant.uri].filter((u): u is string => typeof u === 'string');
      const open = uris.find((u) => publicUris.includes(u));
      if (open) ctx.find('S3_PUBLIC_ACL', r, `grants ${String(grant.permission ?? (strings(grant.permissions).join(',') || 'access'))} to ${open.split('/').pop()}`);
    }
  }
};

const s3PublicPolicy: Rule = (ctx) => {
  for (const r of ofType(ctx, 'aws_s3_bucket_policy', 'aws_s3_bucket')) {
    if (isUnknown(r, 'policy')) {
      if (r.type === 'aws_s3_bucket_policy') ctx.skip('S3_PUBLIC_POLICY', r, 'the policy document is known only after apply');
      continue;
    }
    const statements = parsePolicy(r.values.policy) ?? [];
    const open = statements.filter((s) => s.effect === 'Allow' && s.publicPrincipal && !s.hasCondition);
    if (open.length > 0) ctx.find('S3_PUBLIC_POLICY', r, `allows ${[...new Set(open.flatMap((s) => s.actions))].join(', ') || 'actions'} to Principal "*" without a Condition`);
  }
};

const PAB_FLAGS = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'] as const;

function disabledFlags(r: PlannedResource): string[] {
  return PAB_FLAGS.filter((flag) => !isUnknown(r, flag) && r.values[flag] !== true);
}

const s3PublicAccessBlock: Rule = (ctx) => {
  const accountBlocks = ofType(ctx, 'aws_s3_account_public_access_block');
  for (const r of [...ofType(ctx, 'aws_s3_bucket_public_access_block'), ...accountBlocks]) {
    const off = disabledFlags(r);
    if (off.length > 0) ctx.find('S3_PUBLIC_ACCESS_BLOCK_DISABLED', r, `${off.join(', ')} ${off.length === 1 ? 'is' : 'are'} not true`);
  }
  if (accountBlocks.some((r) => disabledFlags(r).length === 0)) return; // the whole account is covered
  const { byBucket, unlinked } = companionsByBucket(ctx, 'aws_s3_bucket_public_access_block');
  for (const [bucket, blocksOf] of byBucket) {
    if (blocksOf.length > 0) continue;
    if (unlinked) ctx.skip('S3_PUBLIC_ACCESS_BLOCK_MISSING', bucket, 'a public access block names its bucket only after apply');
    else ctx.find('S3_PUBLIC_ACCESS_BLOCK_MISSING', bucket, `no aws_s3_bucket_public_access_block for ${bucketLabel(bucket)}`);
  }
};

// ---------------------------------------------------------------- encryption

const s3Encryption: Rule = (ctx) => {
  const { byBucket, unlinked } = companionsByBucket(ctx, 'aws_s3_bucket_server_side_encryption_configuration');
  for (const [bucket, configs] of byBucket) {
    if (configs.length > 0 || !isEmpty(bucket.values.server_side_encryption_configuration)) continue;
    if (unlinked) ctx.skip('S3_ENCRYPTION_MISSING', bucket, 'an encryption configuration names its bucket only after apply');
    else ctx.find('S3_ENCRYPTION_MISSING', bucket, `no aws_s3_bucket_server_side_encryption_configuration for ${bucketLabel(bucket)}`);
  }
};

const rdsEncryption: Rule = (ctx) => {
  for (const r of ofType(ctx, 'aws_db_instance', 'aws_rds_cluster')) {
    if (typeof r.values.replicate_source_db === 'string' && r.values.replicate_source_db) continue; // a replica inherits its source's encryption
    if (isUnknown(r, 'storage_encrypted')) ctx.skip('RDS_STORAGE_UNENCRYPTED', r, 'storage_encrypted is known only after apply');
    else if (r.values.storage_encrypted !== true) ctx.find('RDS_STORAGE_UNENCRYPTED', r, `storage_encrypted = ${String(r.values.storage_encrypted ?? false)}`);
  }
};

const ebsEncryption: Rule = (ctx) => {
  if (ofType(ctx, 'aws_ebs_encryption_by_default').some((r) => r.values.enabled === true)) return; // every new volume is encrypted
  for (const r of ofType(ctx, 'aws_ebs_volume')) {
    if (r.values.encrypted === false) ctx.find('EBS_UNENCRYPTED', r, 'encrypted = false');
    else if (isUnknown(r, 'encrypted')) ctx.skip('EBS_UNENCRYPTED', r, "encrypted is not set: it follows the account's EBS encryption default");
  }
  for (const r of ofType(ctx, 'aws_instance')) {
    const devices = [...blocks(r.values.root_block_device).map((d) => ['root_block_device', d] as const), ...blocks(r.values.ebs_block_device).map((d) => [`ebs_block_device ${String(d.device_name ?? '')}`.trim(), d] as const)];
    for (const [name, device] of devices) if (device.encrypted === false) ctx.find('EBS_UNENCRYPTED', r, `${name}: encrypted = false`);
  }
  for (const r of ofType(ctx, 'aws_launch_template')) {
    for (const mapping of blocks(r.values.block_device_mappings)) {
      for (const ebs of blocks(mapping.ebs)) if (ebs.encrypted === 'false' || ebs.encrypted === false) ctx.find('EBS_UNENCRYPTED', r, `block_device_mappings ${String(mapping.device_name ?? '')}: encrypted = false`.replace('  ', ' '));
    }
  }
};

const dynamodbEncryption: Rule = (ctx) => {
  for (const r of ofType(ctx, 'aws_dynamodb_table')) {
    if (blocks(r.values.server_side_encryption).some((b) => b.enabled === false)) ctx.find('DYNAMODB_SSE_DISABLED', r, 'server_side_encryption { enabled = false }');
  }
};

const sqsEncryption: Rule = (ctx) => {
  for (const r of ofType(ctx, 'aws_sqs_queue')) {
    if (isEmpty(r.values.kms_master_key_id) && !isUnknown(r, 'kms_master_key_id') && r.values.sqs_managed_sse_enabled === false) {
      ctx.find('SQS_UNENCRYPTED', r, 'sqs_managed_sse_enabled = false and no kms_master_key_id');
    }
  }
};

const snsEncryption: Rule = (ctx) => {
  for (const r of ofType(ctx, 'aws_sns_topic')) {
    if (isEmpty(r.values.kms_master_key_id) && !isUnknown(r, 'kms_master_key_id')) ctx.find('SNS_UNENCRYPTED', r, 'no kms_master_key_id');
  }
};

// ---------------------------------------------------------------- IAM

/** Identity policy documents: [resource, where in it, the JSON text or undefined when unknown]. */
function identityPolicies(ctx: Context): [PlannedResource, string, unknown][] {
  const out: [PlannedResource, string, unknown][] = [];
  for (const r of ofType(ctx, 'aws_iam_policy', 'aws_iam_role_policy', 'aws_iam_user_policy', 'aws_iam_group_policy')) {
    out.push([r, 'policy', isUnknown(r, 'policy') ? undefined : r.values.policy]);
  }
  for (const r of ofType(ctx, 'aws_iam_role')) {
    blocks(r.values.inline_policy).forEach((p, i) => out.push([r, `inline_policy ${String(p.name ?? i)}`, isUnknown(r, `inline_policy.${i}.policy`) ? undefined : p.policy]));
  }
  return out;
}

const iamWildcards: Rule = async (ctx) => {
  for (const [r, where, text] of identityPolicies(ctx)) {
    if (text === undefined) {
      ctx.skip('IAM_WILDCARD_ACTION', r, `${where} is known only after apply (it refers to resources not created yet)`);
      continue;
    }
    const statements = parsePolicy(text);
    if (!statements) continue;
    const prefix = where === 'policy' ? '' : `${where}: `;
    for (const s of statements) {
      if (s.effect !== 'Allow' || s.notAction) continue;
      if (s.actions.includes('*')) {
        ctx.find('IAM_WILDCARD_ACTION', r, `${prefix}allows Action "*" on ${s.resources.join(', ') || 'its resources'}`);
        continue;
      }
      const serviceWide = s.actions.filter((a) => /^[A-Za-z0-9-]+:\*$/.test(a));
      if (serviceWide.length > 0) ctx.find('IAM_SERVICE_WILDCARD', r, `${prefix}allows ${serviceWide.join(', ')}`);
      if (!s.resources.includes('*')) continue;
      const writes: string[] = [];
      for (const action of s.actions) if (!serviceWide.includes(action) && (await isScopableWrite(action, ctx.iam))) writes.push(action);
      if (writes.length > 0) ctx.find('IAM_WRITE_ON_ANY_RESOURCE', r, `${prefix}allows ${writes.slice(0, 6).join(', ')}${writes.length > 6 ? ` and ${writes.length - 6} more` : ''} on Resource "*"`);
    }
  }
  const admin = ctx.catalogue.parameters.admin_policy_arns;
  for (const r of ofType(ctx, 'aws_iam_role_policy_attachment', 'aws_iam_user_policy_attachment', 'aws_iam_group_policy_attachment', 'aws_iam_policy_attachment', 'aws_iam_role')) {
    const arns = [r.values.policy_arn, ...strings(r.values.managed_policy_arns)].filter((a): a is string => typeof a === 'string');
    for (const arn of arns.filter((a) => admin.includes(a))) ctx.find('IAM_WILDCARD_ACTION', r, `attaches ${arn.split('/').pop()}`);
  }
};

// ---------------------------------------------------------------- security groups

interface Ingress {
  resource: PlannedResource;
  from: number;
  to: number;
  protocol: string;
  sources: string[];
}

function ingressRules(ctx: Context): Ingress[] {
  const out: Ingress[] = [];
  const num = (v: unknown) => (typeof v === 'number' ? v : Number(v ?? 0));
  for (const r of ofType(ctx, 'aws_security_group')) {
    if (isUnknown(r, 'ingress') && !Array.isArray(r.values.ingress)) continue; // no inline rules given
    for (const rule of blocks(r.values.ingress)) {
      out.push({ resource: r, from: num(rule.from_port), to: num(rule.to_port), protocol: String(rule.protocol ?? ''), sources: [...strings(rule.cidr_blocks), ...strings(rule.ipv6_cidr_blocks)] });
    }
  }
  for (const r of ofType(ctx, 'aws_security_group_rule')) {
    if (r.values.type !== 'ingress') continue;
    out.push({ resource: r, from: num(r.values.from_port), to: num(r.values.to_port), protocol: String(r.values.protocol ?? ''), sources: [...strings(r.values.cidr_blocks), ...strings(r.values.ipv6_cidr_blocks)] });
  }
  for (const r of ofType(ctx, 'aws_vpc_security_group_ingress_rule')) {
    const protocol = String(r.values.ip_protocol ?? '');
    const all = protocol === '-1' || protocol === 'all';
    out.push({ resource: r, from: all ? 0 : num(r.values.from_port), to: all ? 65535 : num(r.values.to_port), protocol, sources: [r.values.cidr_ipv4, r.values.cidr_ipv6].filter((c): c is string => typeof c === 'string') });
  }
  return out;
}

const openSecurityGroups: Rule = (ctx) => {
  const { admin_ports: adminPorts, database_ports: dbPorts } = ctx.catalogue.parameters;
  for (const rule of ingressRules(ctx)) {
    const world = rule.sources.filter((s) => WORLD.has(s));
    if (world.length === 0) continue;
    const protocol = rule.protocol.toLowerCase();
    if (['icmp', 'icmpv6', '1', '58'].includes(protocol)) continue;
    const from = world.join(' and ');
    if (protocol === '-1' || protocol === 'all' || (rule.from <= 0 && rule.to >= 65535)) {
      ctx.find('SG_OPEN_ALL_PORTS', rule.resource, `ingress on all ports from ${from}`);
      continue;
    }
    const inRange = (port: number) => port >= rule.from && port <= rule.to;
    const ports = rule.from === rule.to ? `port ${rule.from}` : `ports ${rule.from}-${rule.to}`;
    const db = dbPorts.filter(inRange);
    const adm = adminPorts.filter(inRange);
    if (db.length > 0) ctx.find('SG_OPEN_DATABASE_PORT', rule.resource, `ingress on ${ports} (database ${db.join(', ')}) from ${from}`);
    if (adm.length > 0) ctx.find('SG_OPEN_ADMIN_PORT', rule.resource, `ingress on ${ports} (administration ${adm.join(', ')}) from ${from}`);
  }
};

// ---------------------------------------------------------------- logging

const s3AccessLogging: Rule = (ctx) => {
  const { byBucket, unlinked } = companionsByBucket(ctx, 'aws_s3_bucket_logging');
  // Buckets that receive the logs need none of their own.
  const { byBucket: targets } = companionsByBucket(ctx, 'aws_s3_bucket_logging', 'target_bucket');
  for (const [bucket, loggings] of byBucket) {
    if (loggings.length > 0 || (targets.get(bucket)?.length ?? 0) > 0 || !isEmpty(bucket.values.logging)) continue;
    if (unlinked) ctx.skip('S3_ACCESS_LOGGING_MISSING', bucket, 'a logging configuration names its bucket only after apply');
    else ctx.find('S3_ACCESS_LOGGING_MISSING', bucket, `no aws_s3_bucket_logging for ${bucketLabel(bucket)}`);
  }
};

const cloudfrontLogging: Rule = (ctx) => {
  for (const r of ofType(ctx, 'aws_cloudfront_distribution')) {
    if (isEmpty(r.values.logging_config) && !isUnknown(r, 'logging_config')) ctx.find('CLOUDFRONT_LOGGING_MISSING', r, 'no logging_config');
  }
};

const apiGatewayLogging: Rule = (ctx) => {
  for (const r of ofType(ctx, 'aws_api_gateway_stage', 'aws_apigatewayv2_stage')) {
    if (isEmpty(r.values.access_log_settings) && !isUnknown(r, 'access_log_settings')) ctx.find('APIGATEWAY_ACCESS_LOGS_MISSING', r, 'no access_log_settings');
  }
};

const lambdaLogGroup: Rule = (ctx) => {
  const groups = ofType(ctx, 'aws_cloudwatch_log_group');
  for (const fn of ofType(ctx, 'aws_lambda_function')) {
    const configured = blocks(fn.values.logging_config).some((c) => typeof c.log_group === 'string' && c.log_group !== '');
    if (configured) continue;
    const name = fn.values.function_name;
    const own = groups.some((g) => (typeof name === 'string' && g.values.name === `/aws/lambda/${name}`) || (g.references.name ?? []).includes(baseAddress(fn)));
    if (own) continue;
    const undecidable = typeof name !== 'string' || groups.some((g) => typeof g.values.name !== 'string');
    if (undecidable) ctx.skip('LAMBDA_LOG_GROUP_MISSING', fn, 'the function or log group name is known only after apply');
    else ctx.find('LAMBDA_LOG_GROUP_MISSING', fn, `no aws_cloudwatch_log_group named /aws/lambda/${name}`);
  }
};

// ---------------------------------------------------------------- tags

const requiredTags: Rule = (ctx) => {
  const required = ctx.catalogue.parameters.required_tags;
  for (const r of ctx.resources) {
    const taggable = 'tags' in r.values || 'tags_all' in r.values || isUnknown(r, 'tags_all') || isUnknown(r, 'tags');
    if (!taggable) continue;
    // tags_all holds the provider's default_tags too; keys of values known only after apply still count.
    const field = 'tags_all' in r.values || isUnknown(r, 'tags_all') ? 'tags_all' : 'tags';
    if (r.unknown.includes(field)) {
      const ownKeys = Object.keys((r.values.tags ?? {}) as object);
      if (required.every((k) => ownKeys.includes(k))) continue;
      ctx.skip('TAGS_MISSING', r, `${field} is known only after apply`);
      continue;
    }
    const keys = new Set([...Object.keys((r.values[field] ?? {}) as object), ...r.unknown.filter((p) => p.startsWith(`${field}.`)).map((p) => p.slice(field.length + 1).split('.')[0] as string)]);
    const missing = required.filter((k) => !keys.has(k));
    if (missing.length > 0) ctx.find('TAGS_MISSING', r, `missing tag${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  }
};

/** Every rule, by the catalogue id it reports under (a function may report several ids). */
export const RULES: Record<string, Rule> = {
  S3_PUBLIC_ACL: s3PublicAcl,
  S3_PUBLIC_POLICY: s3PublicPolicy,
  S3_PUBLIC_ACCESS_BLOCK: s3PublicAccessBlock,
  S3_ENCRYPTION_MISSING: s3Encryption,
  RDS_STORAGE_UNENCRYPTED: rdsEncryption,
  EBS_UNENCRYPTED: ebsEncryption,
  DYNAMODB_SSE_DISABLED: dynamodbEncryption,
  SQS_UNENCRYPTED: sqsEncryption,
  SNS_UNENCRYPTED: snsEncryption,
  IAM_WILDCARDS: iamWildcards,
  SECURITY_GROUPS: openSecurityGroups,
  S3_ACCESS_LOGGING_MISSING: s3AccessLogging,
  CLOUDFRONT_LOGGING_MISSING: cloudfrontLogging,
  APIGATEWAY_ACCESS_LOGS_MISSING: apiGatewayLogging,
  LAMBDA_LOG_GROUP_MISSING: lambdaLogGroup,
  TAGS_MISSING: requiredTags,
};

/** Apply every rule to the resources that will exist after the plan (deleted ones are gone). */
export async function runRules(resources: readonly PlannedResource[], catalogue: RuleCatalogue, iam: IamCatalogue): Promise<RuleResult> {
  const findings: Finding[] = [];
  const unchecked: Unchecked[] = [];
  const ctx: Context = {
    resources: resources.filter((r) => r.action !== 'delete'),
    catalogue,
    iam,
    find(rule, resource, message) {
      const def = ruleById(catalogue, rule);
      const address = typeof resource === 'string' ? resource : resource.address;
      findings.push({ rule, severity: def.severity, title: def.title, address, message, why: def.why, fix: def.fix, source: 'faber-cloud' });
    },
    skip(rule, resource, reason) {
      ruleById(catalogue, rule);
      unchecked.push({ rule, address: resource.address, reason });
    },
  };
  for (const rule of Object.values(RULES)) await rule(ctx);
  findings.sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.rule.localeCompare(b.rule) || a.address.localeCompare(b.address));
  return { findings, unchecked, rules: catalogue.rules.map((r) => r.id) };
}
