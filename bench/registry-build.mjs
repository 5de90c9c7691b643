// Registry build for a 5,000-resource `terraform show -json` state, as a ratio to jq doing the
// bare extraction (address/type/id/arn/tags of every managed resource) over the same file.
// Both sides are spawned processes, measured interleaved in the same run (order alternating),
// medians of N rounds: the machines are noisy, so only the ratio means anything.
//
// Ours: read state + JSON.parse + shownStateResources (what showState() does: register the
// values the state marks sensitive, then stateResources) + readRegistry (the previous
// registry.json of the same resources, validated, so created_at preservation runs) +
// buildRegistry with the AWS hosting handler's link + jsonArtifactText (redaction and
// JSON.stringify, what writeJsonAtomic writes) + redactText of that text (what writeTextAtomic
// does to every text it writes), exactly as refreshRegistry() does minus the file operations. src/ is TypeScript, so the entry is bundled with esbuild into a temp dir first
// (never into dist/), as scripts/build.mjs bundles the CLI.
//
// Usage: node bench/registry-build.mjs [rounds]    (BENCH_KEEP=1 keeps the temp dir)
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { bundleOptions } from '../scripts/build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const RESOURCES = 5000;
/** Issue 17's goal (was 3x, issue 6). */
export const TARGET_RATIO = 1.25;
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const OLD_NOW = '2026-01-01T00:00:00.000Z';
const NOW = '2026-02-01T00:00:00.000Z';
const SECRET = 'SENSITIVE-'; // every sensitive value starts with this; none may reach the registry

// Every managed resource in every module, without `..`: a recursive descent also walks the
// values, and aws_iam_policy_document statements carry a `resources` key of strings, on which
// `.mode` fails ("Cannot index string with string").
export const JQ_FILTER =
  '[.values.root_module | recurse(.child_modules[]?) | .resources[]? | select(.mode=="managed")' +
  ' | {address,type,id:.values.id,arn:.values.arn,tags:.values.tags}]';

// ---------------------------------------------------------------------------------------------
// Synthetic state (deterministic: mulberry32 with a fixed seed)
// ---------------------------------------------------------------------------------------------

/** Deterministic PRNG (mulberry32): seeded, so a benchmark or fuzz case can be replayed. Also used by tests. */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generator(seed) {
  const rnd = mulberry32(seed);
  const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
  const hex = (n) => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(rnd() * 16)]).join('');
  const upper = (n) => Array.from({ length: n }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[Math.floor(rnd() * 32)]).join('');
  const b64 = (n) => Buffer.from(hex(n * 2), 'hex').toString('base64');
  const date = () => `2025-${String(int(1, 12)).padStart(2, '0')}-${String(int(1, 28)).padStart(2, '0')}T${String(int(0, 23)).padStart(2, '0')}:${String(int(0, 59)).padStart(2, '0')}:${String(int(0, 59)).padStart(2, '0')}Z`;
  return { rnd, int, pick, hex, upper, b64, date };
}

/** `sensitive_values` as Terraform writes it: mirrors every object/list in values, `true` where sensitive. */
function mirror(v) {
  if (Array.isArray(v)) return v.map((x) => (x !== null && typeof x === 'object' ? mirror(x) : false));
  const out = {};
  for (const [k, x] of Object.entries(v)) if (x !== null && typeof x === 'object') out[k] = mirror(x);
  return out;
}

function setPath(obj, keys, value) {
  let o = obj;
  for (const k of keys.slice(0, -1)) o = o[k] ??= typeof k === 'number' ? [] : {};
  o[keys[keys.length - 1]] = value;
}

const HANDLERS = ['api', 'worker', 'cron', 'ingest', 'export', 'notify', 'auth', 'search', 'report', 'sync', 'webhook', 'backfill'];
const SERVICES = ['orders', 'billing', 'catalog', 'identity', 'inventory', 'payments', 'search', 'shipping', 'reviews', 'pricing', 'media', 'analytics'];
const OWNERS = ['team-core', 'team-growth', 'team-data', 'team-platform'];

/** Builds a `terraform show -json` state with exactly `total` managed resource instances. */
export function syntheticState(total = RESOURCES, seed = 0xfabe5) {
  const g = generator(seed);
  const policy = (statements) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
  const assume = (service) => policy([{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }]);
  let managed = 0;

  const tagsFor = (ctx, extra = {}) => {
    const tags = { Project: 'shop', Service: ctx.service, Owner: ctx.owner, ...extra };
    return { tags, tags_all: { ...tags, Environment: 'prod', ManagedBy: 'terraform' } };
  };

  /** One resource instance: address from module/type/name/index, sensitive_values mirrored, secrets marked. */
  function resource(mod, mode, type, name, index, values, secretPaths = [], dependsOn = []) {
    const base = `${mod.address ? `${mod.address}.` : ''}${mode === 'data' ? 'data.' : ''}${type}.${name}`;
    const address = index === undefined ? base : `${base}[${typeof index === 'number' ? index : JSON.stringify(index)}]`;
    const sensitive = mirror(values);
    for (const p of secretPaths) setPath(sensitive, p, true);
    const r = { address, mode, type, name };
    if (index !== undefined) r.index = index;
    Object.assign(r, { provider_name: 'registry.terraform.io/hashicorp/aws', schema_version: 0, values, sensitive_values: sensitive });
    if (dependsOn.length) r.depends_on = dependsOn;
    mod.resources.push(r);
    if (mode === 'managed') managed++;
    return r;
  }

  const T = {
    aws_s3_bucket(ctx, bucket) {
      return {
        acceleration_status: '', acl: null, arn: `arn:aws:s3:::${bucket}`, bucket, bucket_domain_name: `${bucket}.s3.amazonaws.com`,
        bucket_prefix: '', bucket_regional_domain_name: `${bucket}.s3.${ctx.region}.amazonaws.com`, cors_rule: [], force_destroy: false,
        grant: [{ id: g.hex(64), permissions: ['FULL_CONTROL'], type: 'CanonicalUser', uri: '' }], hosted_zone_id: 'Z3AQBSTGFYJSTF',
        id: bucket, lifecycle_rule: [], logging: [], object_lock_configuration: [], object_lock_enabled: false, policy: '', region: ctx.region,
        replication_configuration: [], request_payer: 'BucketOwner',
        server_side_encryption_configuration: [{ rule: [{ apply_server_side_encryption_by_default: [{ kms_master_key_id: '', sse_algorithm: 'AES256' }], bucket_key_enabled: false }] }],
        ...tagsFor(ctx, { DataClass: g.pick(['public', 'internal', 'confidential']) }), timeouts: null,
        versioning: [{ enabled: g.rnd() < 0.5, mfa_delete: false }], website: [], website_domain: null, website_endpoint: null,
      };
    },
    aws_iam_role(ctx, name, service = 'lambda.amazonaws.com') {
      return {
        arn: `arn:aws:iam::${ACCOUNT}:role/${name}`, assume_role_policy: assume(service), create_date: g.date(),
        description: `Execution role for ${name}`, force_detach_policies: false, id: name, inline_policy: [],
        managed_policy_arns: ['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'], max_session_duration: 3600,
        name, name_prefix: '', path: '/', permissions_boundary: '', ...tagsFor(ctx), unique_id: `AROA${g.upper(17)}`,
      };
    },
    aws_iam_role_policy_attachment(ctx, role, policyArn) {
      return { id: `${role}-${g.date().replace(/\D/g, '')}${g.int(1000, 9999)}`, policy_arn: policyArn, role };
    },
    aws_lambda_function(ctx, fn, roleArn, table, queueUrl, secret) {
      const variables = { LOG_LEVEL: g.pick(['info', 'debug', 'warn']), TABLE_NAME: table, QUEUE_URL: queueUrl, SERVICE: ctx.service };
      if (secret) variables.API_KEY = `${SECRET}${g.hex(32)}`;
      const arn = `arn:aws:lambda:${ctx.region}:${ACCOUNT}:function:${fn}`;
      const invoke = `arn:aws:apigateway:${ctx.region}:lambda:path/2015-03-31/functions/${arn}/invocations`;
      return {
        architectures: ['arm64'], arn, code_sha256: g.b64(32), code_signing_config_arn: '', dead_letter_config: [],
        description: `${ctx.service} ${fn}`, environment: [{ variables }], ephemeral_storage: [{ size: 512 }], file_system_config: [],
        filename: `build/${fn}.zip`, function_name: fn, handler: 'index.handler', id: fn, image_config: [], image_uri: '', invoke_arn: invoke,
        kms_key_arn: '', last_modified: g.date().replace('Z', '.000+0000'), layers: [],
        logging_config: [{ application_log_level: '', log_format: 'Text', log_group: `/aws/lambda/${fn}`, system_log_level: '' }],
        memory_size: g.pick([128, 256, 512, 1024]), package_type: 'Zip', publish: false, qualified_arn: `${arn}:$LATEST`,
        qualified_invoke_arn: invoke.replace('/invocations', ':$LATEST/invocations'), region: ctx.region,
        replace_security_groups_on_destroy: null, replacement_security_group_ids: null, reserved_concurrent_executions: -1, role: roleArn,
        runtime: g.pick(['nodejs20.x', 'nodejs22.x', 'python3.12']), s3_bucket: null, s3_key: null, s3_object_version: null,
        signing_job_arn: '', signing_profile_version_arn: '', skip_destroy: false, snap_start: [], source_code_hash: g.b64(32),
        source_code_size: g.int(1_000, 9_000_000), ...tagsFor(ctx, { Handler: fn }), timeout: g.pick([3, 10, 30, 60, 900]), timeouts: null,
        tracing_config: [{ mode: 'PassThrough' }], version: '$LATEST', vpc_config: [],
      };
    },
    aws_dynamodb_table(ctx, name) {
      return {
        arn: `arn:aws:dynamodb:${ctx.region}:${ACCOUNT}:table/${name}`, attribute: [{ name: 'pk', type: 'S' }, { name: 'sk', type: 'S' }],
        billing_mode: 'PAY_PER_REQUEST', deletion_protection_enabled: g.rnd() < 0.3, global_secondary_index: [], hash_key: 'pk', id: name,
        import_table: [], local_secondary_index: [], name, on_demand_throughput: [], point_in_time_recovery: [{ enabled: true, recovery_period_in_days: 35 }],
        range_key: 'sk', read_capacity: 0, region: ctx.region, replica: [], restore_date_time: null, restore_source_name: null,
        restore_source_table_arn: null, restore_to_latest_time: null, server_side_encryption: [], stream_arn: '', stream_enabled: false,
        stream_label: '', stream_view_type: '', table_class: 'STANDARD', ...tagsFor(ctx), timeouts: null,
        ttl: [{ attribute_name: 'expires_at', enabled: true }], write_capacity: 0,
      };
    },
    aws_sqs_queue(ctx, name, dlqArn) {
      const url = `https://sqs.${ctx.region}.amazonaws.com/${ACCOUNT}/${name}`;
      return {
        arn: `arn:aws:sqs:${ctx.region}:${ACCOUNT}:${name}`, content_based_deduplication: false, deduplication_scope: '', delay_seconds: 0,
        fifo_queue: false, fifo_throughput_limit: '', id: url, kms_data_key_reuse_period_seconds: 300, kms_master_key_id: '',
        max_message_size: 262144, message_retention_seconds: 345600, name, name_prefix: '', policy: '', receive_wait_time_seconds: 20,
        redrive_allow_policy: '', redrive_policy: dlqArn ? JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 5 }) : '',
        region: ctx.region, sqs_managed_sse_enabled: true, ...tagsFor(ctx), url, visibility_timeout_seconds: 30,
      };
    },
    aws_cloudwatch_log_group(ctx, name) {
      return {
        arn: `arn:aws:logs:${ctx.region}:${ACCOUNT}:log-group:${name}`, id: name, kms_key_id: '', log_group_class: 'STANDARD', name,
        name_prefix: '', region: ctx.region, retention_in_days: g.pick([7, 14, 30, 90, 365]), skip_destroy: false, ...tagsFor(ctx),
      };
    },
    aws_cloudwatch_metric_alarm(ctx, name, queue) {
      return {
        actions_enabled: true, alarm_actions: [`arn:aws:sns:${ctx.region}:${ACCOUNT}:alerts-critical`], alarm_description: `Backlog on ${queue}`,
        alarm_name: name, arn: `arn:aws:cloudwatch:${ctx.region}:${ACCOUNT}:alarm:${name}`, comparison_operator: 'GreaterThanThreshold',
        datapoints_to_alarm: 0, dimensions: { QueueName: queue }, evaluate_low_sample_count_percentiles: '', evaluation_periods: 3,
        extended_statistic: '', id: name, insufficient_data_actions: [], metric_name: 'ApproximateNumberOfMessagesVisible', metric_query: [],
        namespace: 'AWS/SQS', ok_actions: [], period: 300, region: ctx.region, statistic: 'Maximum', ...tagsFor(ctx), threshold: g.int(10, 1000),
        threshold_metric_id: '', treat_missing_data: 'notBreaching', unit: '',
      };
    },
    aws_sns_topic(ctx, name) {
      const arn = `arn:aws:sns:${ctx.region}:${ACCOUNT}:${name}`;
      return {
        application_failure_feedback_role_arn: '', arn, content_based_deduplication: false, delivery_policy: '', display_name: '',
        fifo_topic: false, id: arn, kms_master_key_id: '', name, name_prefix: '', owner: ACCOUNT,
        policy: policy([{ Sid: '__default_statement_ID', Effect: 'Allow', Principal: { AWS: '*' }, Action: ['SNS:Publish', 'SNS:Subscribe'], Resource: arn }]),
        region: ctx.region, signature_version: 0, ...tagsFor(ctx), tracing_config: '',
      };
    },
    aws_ssm_parameter(ctx, name) {
      return {
        allowed_pattern: '', arn: `arn:aws:ssm:${ctx.region}:${ACCOUNT}:parameter${name}`, data_type: 'text', description: '', id: name,
        insecure_value: null, key_id: 'alias/aws/ssm', name, overwrite: null, region: ctx.region, ...tagsFor(ctx), tier: 'Standard',
        type: 'SecureString', value: `${SECRET}${g.hex(24)}`, value_wo: null, value_wo_version: null, version: g.int(1, 9),
      };
    },
    aws_kms_key(ctx) {
      const id = `${g.hex(8)}-${g.hex(4)}-${g.hex(4)}-${g.hex(4)}-${g.hex(12)}`;
      return {
        arn: `arn:aws:kms:${ctx.region}:${ACCOUNT}:key/${id}`, bypass_policy_lockout_safety_check: false, custom_key_store_id: '',
        customer_master_key_spec: 'SYMMETRIC_DEFAULT', deletion_window_in_days: 30, description: 'shop data key', enable_key_rotation: true,
        id, is_enabled: true, key_id: id, key_usage: 'ENCRYPT_DECRYPT', multi_region: false,
        policy: policy([{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }]),
        region: ctx.region, rotation_period_in_days: 365, ...tagsFor(ctx), xks_key_id: '',
      };
    },
    // data sources
    aws_iam_policy_document(ctx, actions, resources) {
      const statement = [{ actions, condition: [], effect: 'Allow', not_actions: [], not_principals: [], not_resources: [], principals: [], resources, sid: '' }];
      const json = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: resources }] }, null, 2);
      return { id: String(g.int(1e9, 4e9)), json, minified_json: JSON.stringify(JSON.parse(json)), override_policy_documents: null, policy_id: null, source_policy_documents: null, statement, version: '2012-10-17' };
    },
  };

  const newModule = (address) => ({ resources: [], address });

  // Root module: shared infrastructure.
  const rootCtx = { service: 'shared', owner: 'team-platform', region: REGION };
  const rootMod = { resources: [], child_modules: [] };
  resource(rootMod, 'data', 'aws_caller_identity', 'current', undefined, { account_id: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/ci`, id: ACCOUNT, user_id: `AIDA${g.upper(17)}` });
  resource(rootMod, 'data', 'aws_region', 'current', undefined, { description: 'US East (N. Virginia)', endpoint: 'ec2.us-east-1.amazonaws.com', id: REGION, name: REGION });
  resource(rootMod, 'managed', 'aws_kms_key', 'data', undefined, T.aws_kms_key(rootCtx));
  for (const b of ['artifacts', 'logs', 'backups'])
    resource(rootMod, 'managed', 'aws_s3_bucket', b, undefined, T.aws_s3_bucket(rootCtx, `shop-prod-${b}-${g.hex(6)}`));
  resource(rootMod, 'managed', 'aws_iam_role', 'ci', undefined, T.aws_iam_role(rootCtx, 'shop-prod-ci', 'codebuild.amazonaws.com'));
  for (let i = 0; i < 5; i++)
    resource(rootMod, 'managed', 'aws_iam_role_policy_attachment', 'ci', i, T.aws_iam_role_policy_attachment(rootCtx, 'shop-prod-ci', `arn:aws:iam::aws:policy/Policy${i}`));
  for (let i = 0; i < 12; i++) resource(rootMod, 'managed', 'aws_cloudwatch_log_group', 'audit', i, T.aws_cloudwatch_log_group(rootCtx, `/shop/prod/audit/${i}`));
  for (const level of ['critical', 'warning', 'info', 'deploys', 'billing', 'security'])
    resource(rootMod, 'managed', 'aws_sns_topic', 'alerts', level, T.aws_sns_topic(rootCtx, `alerts-${level}`));
  for (let i = 0; i < 40; i++) {
    const key = `${g.pick(SERVICES)}/${g.pick(['db_password', 'api_token', 'signing_key', 'webhook_secret'])}_${i}`;
    resource(rootMod, 'managed', 'aws_ssm_parameter', 'config', key, T.aws_ssm_parameter(rootCtx, `/shop/prod/${key}`), [['value']]);
  }

  // Services: module.svc["<name>"], each with handlers, tables, a bucket, a DLQ and a nested events module.
  let n = 0;
  let lastEvents;
  while (managed < total) {
    const remaining = total - managed;
    const name = `${SERVICES[n % SERVICES.length]}${n >= SERVICES.length ? `-${Math.floor(n / SERVICES.length)}` : ''}`;
    const handlers = HANDLERS.slice(0, g.int(3, 10));
    const tables = g.int(1, 4);
    const fixed = handlers.length * 4 + tables + 2;
    let queues = g.int(2, 20);
    if (fixed + 2 > remaining) {
      // too little left for another service: grow the previous service's queues (count) instead
      const ctx = lastEvents.ctx;
      for (let i = 0; managed < total; i++) {
        const q = `${ctx.prefix}-extra-${i}`;
        resource(lastEvents.mod, 'managed', 'aws_sqs_queue', 'extra', i, T.aws_sqs_queue(ctx, q));
      }
      break;
    }
    queues = Math.min(queues, Math.floor((remaining - fixed) / 2));
    n++;
    const prefix = `shop-prod-${name}`;
    const ctx = { service: name, owner: g.pick(OWNERS), region: g.rnd() < 0.85 ? REGION : 'eu-west-1', prefix };
    const mod = { ...newModule(`module.svc["${name}"]`), child_modules: [] };
    resource(mod, 'data', 'aws_iam_policy_document', 'assume', undefined, T.aws_iam_policy_document(ctx, ['sts:AssumeRole'], ['*']));
    const dlq = T.aws_sqs_queue(ctx, `${prefix}-dlq`);
    resource(mod, 'managed', 'aws_sqs_queue', 'dlq', undefined, dlq);
    resource(mod, 'managed', 'aws_s3_bucket', 'data', undefined, T.aws_s3_bucket(ctx, `${prefix}-data-${g.hex(6)}`));
    const tableNames = [];
    for (let i = 0; i < tables; i++) {
      tableNames.push(`${prefix}-t${i}`);
      resource(mod, 'managed', 'aws_dynamodb_table', 'table', i, T.aws_dynamodb_table(ctx, `${prefix}-t${i}`));
    }
    resource(mod, 'data', 'aws_iam_policy_document', 'access', undefined,
      T.aws_iam_policy_document(ctx, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'], tableNames.map((t) => `arn:aws:dynamodb:${ctx.region}:${ACCOUNT}:table/${t}`)));
    for (const h of handlers) {
      const fn = `${prefix}-${h}`;
      const role = T.aws_iam_role(ctx, `${fn}-exec`);
      resource(mod, 'managed', 'aws_iam_role', 'fn', h, role);
      resource(mod, 'managed', 'aws_iam_role_policy_attachment', 'basic', h, T.aws_iam_role_policy_attachment(ctx, role.name, 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'));
      resource(mod, 'managed', 'aws_cloudwatch_log_group', 'fn', h, T.aws_cloudwatch_log_group(ctx, `/aws/lambda/${fn}`));
      const secret = g.rnd() < 0.1;
      resource(mod, 'managed', 'aws_lambda_function', 'fn', h, T.aws_lambda_function(ctx, fn, role.arn, tableNames[0], dlq.url, secret),
        secret ? [['environment', 0, 'variables', 'API_KEY']] : [], [`${mod.address}.aws_iam_role.fn`, `${mod.address}.aws_cloudwatch_log_group.fn`]);
    }
    const events = newModule(`${mod.address}.module.events`);
    resource(events, 'data', 'aws_iam_policy_document', 'queue', undefined, T.aws_iam_policy_document(ctx, ['sqs:SendMessage'], [`arn:aws:sqs:${ctx.region}:${ACCOUNT}:${prefix}-*`]));
    for (let i = 0; i < queues; i++) {
      const q = T.aws_sqs_queue(ctx, `${prefix}-q${i}`, dlq.arn);
      resource(events, 'managed', 'aws_sqs_queue', 'q', i, q);
      resource(events, 'managed', 'aws_cloudwatch_metric_alarm', 'depth', i, T.aws_cloudwatch_metric_alarm(ctx, `${prefix}-q${i}-depth`, q.name));
    }
    mod.child_modules.push(events);
    rootMod.child_modules.push(mod);
    lastEvents = { mod: events, ctx };
  }
  if (managed !== total) throw new Error(`generator produced ${managed} managed resources, wanted ${total}`);
  return {
    format_version: '1.0',
    terraform_version: '1.12.6',
    values: { outputs: { api_key: { sensitive: true, value: `${SECRET}output`, type: 'string' } }, root_module: rootMod },
  };
}

/**
 * The state the previous deploy saw: 2% of resources had other values (their updated_at moves),
 * 1% did not exist yet (new now), and 30 resources existed that are gone now (dropped).
 */
function previousState(state, seed = 0x5eed) {
  const g = generator(seed);
  const prev = structuredClone(state);
  const modules = [];
  (function walk(m) {
    modules.push(m);
    for (const c of m.child_modules ?? []) walk(c);
  })(prev.values.root_module);
  const changes = { changed: 0, added: 0, dropped: 0 };
  for (const m of modules) {
    const kept = [];
    for (const r of m.resources) {
      if (r.mode === 'managed') {
        const x = g.rnd();
        if (x < 0.01) {
          changes.added++; // not in the previous state
          continue;
        }
        if (x < 0.03) {
          changes.changed++;
          if (r.values.tags_all) r.values.tags_all = { ...r.values.tags_all, Release: 'previous' };
          else r.values.id = `${r.values.id}-old`;
        }
      }
      kept.push(r);
    }
    m.resources = kept;
  }
  const home = modules.find((m) => m.resources.some((r) => r.type === 'aws_lambda_function'));
  const template = home.resources.find((r) => r.type === 'aws_lambda_function');
  for (let i = 0; i < 30; i++) {
    const r = structuredClone(template);
    r.index = `retired-${i}`;
    r.address = r.address.replace(/\["[^"]*"\]$/, `["retired-${i}"]`);
    r.values.function_name = r.values.id = `${r.values.function_name}-retired-${i}`;
    home.resources.push(r);
    changes.dropped++;
  }
  return { prev, changes };
}

// ---------------------------------------------------------------------------------------------
// Our side: the bundled entry
// ---------------------------------------------------------------------------------------------

// argv: state-file previous-registry|- now out-file|-   (BENCH_PHASES=1: phase timings as JSON on stderr)
const ENTRY = `
import { readFile, writeFile } from 'node:fs/promises';
import { shownStateResources } from './src/handlers/iac/terraform/state.ts';
import { jsonArtifactText } from './src/core/files/atomic.ts';
import { redactText } from './src/core/redaction/index.ts';
import { buildRegistry, readRegistry } from './src/registry/registry.ts';
import { AwsHostingHandler } from './src/handlers/hosting/aws/handler.ts';

const t = [['start', performance.now()]];
const mark = (name) => { t.push([name, performance.now()]); };
const [stateFile, previousFile, now, outFile] = process.argv.slice(2);
const text = await readFile(stateFile, 'utf8');
mark('read');
const state = JSON.parse(text);
mark('parse');
const previous = previousFile === '-' ? undefined : await readRegistry(previousFile, 'registry.json');
mark('readRegistry');
const resources = shownStateResources(state);
mark('shownStateResources');
const hosting = new AwsHostingHandler(process.env);
const region = ${JSON.stringify(REGION)};
const registry = buildRegistry(previous, resources, {
  env: 'prod', project: 'shop', account: ${JSON.stringify(ACCOUNT)}, region,
  deploymentId: previous ? 'deploy-2' : 'deploy-1', now,
  link: (resource) => hosting.link(resource, region),
});
mark('buildRegistry');
const json = jsonArtifactText(registry);
mark('redactStringify');
// writeJsonAtomic hands that text to writeTextAtomic, which redacts every text it writes.
const out = redactText(json);
mark('redactText');
if (outFile === '-') process.stdout.write(out); else await writeFile(outFile, out);
mark('write');
if (process.env.BENCH_PHASES) {
  const phases = { startup: t[0][1] };
  for (let i = 1; i < t.length; i++) phases[t[i][0]] = t[i][1] - t[i - 1][1];
  process.stderr.write(JSON.stringify(phases) + '\\n');
}
`;

async function bundleEntry(dir) {
  // Bundled as scripts/build.mjs bundles the CLI (the same options): split, so what is imported
  // lazily (the AWS SDK, zod) stays in chunks that are never loaded, and minified.
  await esbuild.build({
    ...bundleOptions(),
    absWorkingDir: root,
    stdin: { contents: ENTRY, resolveDir: root, sourcefile: 'bench-registry-entry.ts', loader: 'ts' },
    outdir: path.join(dir, 'bundle'),
    entryNames: 'registry-build',
  });
  return path.join(dir, 'bundle', 'registry-build.js');
}

// ---------------------------------------------------------------------------------------------
// Measurement
// ---------------------------------------------------------------------------------------------

function run(cmd, args, { capture = false, env } = {}) {
  const start = process.hrtime.bigint();
  const result = spawnSync(cmd, args, {
    cwd: root,
    stdio: ['ignore', capture ? 'pipe' : 'ignore', 'pipe'],
    maxBuffer: 1 << 30,
    env: env ?? process.env,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.error) throw new Error(`${cmd}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${cmd} ${args.slice(0, 2).join(' ')} … exited ${result.status}: ${result.stderr}`);
  return { ms, stdout: result.stdout, stderr: result.stderr?.toString() ?? '' };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

function check(condition, message) {
  if (!condition) throw new Error(`registry-build bench: ${message}`);
}

/** jq's path, or an Error saying the baseline is missing (the bench has no ratio without it). */
export function findJq() {
  const probe = spawnSync('jq', ['--version'], { stdio: ['ignore', 'pipe', 'pipe'] });
  if (probe.error || probe.status !== 0) {
    throw new Error(`registry-build bench: jq, the baseline, is not installed or does not run (${probe.error?.code ?? `exit ${probe.status}`}); install jq (e.g. apt-get install jq) and run again`);
  }
  return probe.stdout.toString().trim();
}

export async function measureRegistryBuild(rounds = 15, { log = () => {} } = {}) {
  const jqVersion = findJq();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faber-bench-registry-'));
  try {
    const bundle = await bundleEntry(dir);
    const state = syntheticState();
    const { prev, changes } = previousState(state);
    const stateFile = path.join(dir, 'state.json');
    const prevStateFile = path.join(dir, 'previous-state.json');
    const prevRegistryFile = path.join(dir, 'registry.json');
    await writeFile(stateFile, JSON.stringify(state)); // `terraform show -json` prints one compact line
    await writeFile(prevStateFile, JSON.stringify(prev));
    const stateBytes = Buffer.byteLength(JSON.stringify(state));
    log(`baseline: ${jqVersion}`);
    log(`state: ${RESOURCES} managed instances, ${(stateBytes / 1e6).toFixed(1)} MB; previous registry: ${changes.changed} changed, ${changes.added} new since, ${changes.dropped} dropped`);

    // The previous registry.json, written by our own code from the previous state.
    run(process.execPath, [bundle, prevStateFile, '-', OLD_NOW, prevRegistryFile]);

    const ours = [process.execPath, [bundle, stateFile, prevRegistryFile, NOW, '-']];
    const jq = ['jq', ['-c', JQ_FILTER, stateFile]];

    // Correctness of what is being timed (once, outside the timing).
    const jqOut = JSON.parse(run(jq[0], jq[1], { capture: true }).stdout.toString());
    check(jqOut.length === RESOURCES, `jq extracted ${jqOut.length} resources, expected ${RESOURCES}`);
    const oursText = run(ours[0], ours[1], { capture: true }).stdout.toString();
    const registry = JSON.parse(oursText);
    const res = registry.resources;
    check(res.length === RESOURCES, `registry has ${res.length} resources, expected ${RESOURCES}`);
    check(!oursText.includes(SECRET), 'a sensitive value reached the registry');
    check(!res.some((r) => /(^|\.)data\./.test(r.address)), 'a data source reached the registry');
    const kept = res.filter((r) => r.created_at === OLD_NOW).length;
    const moved = res.filter((r) => r.updated_at === NOW).length;
    check(kept === RESOURCES - changes.added, `created_at kept for ${kept}, expected ${RESOURCES - changes.added}`);
    check(moved === changes.changed + changes.added, `updated_at moved for ${moved}, expected ${changes.changed + changes.added}`);
    const linked = res.filter((r) => r.arn && r.console_url).length;
    log(`registry: ${res.length} entries, ${linked} with ARN and console URL, ${kept} kept created_at, ${moved} moved updated_at`);
    const jqAddresses = new Set(jqOut.map((r) => r.address));
    check(res.every((r) => jqAddresses.has(r.address)), 'jq and the registry disagree on addresses');

    // Warm-up (file cache, bundle compile cache), then interleaved rounds, alternating who goes first.
    run(...jq);
    run(...ours);
    const t = { jq: [], ours: [], node: [] };
    for (let i = 0; i < rounds; i++) {
      const order = i % 2 === 0 ? ['jq', 'ours'] : ['ours', 'jq'];
      for (const side of order) t[side].push(run(...(side === 'jq' ? jq : ours)).ms);
      t.node.push(run(process.execPath, ['-e', '0']).ms);
    }

    // Where our time goes (separate runs, not part of the medians above).
    const phaseRuns = [];
    for (let i = 0; i < 5; i++) {
      phaseRuns.push(JSON.parse(run(ours[0], ours[1], { env: { ...process.env, BENCH_PHASES: '1' } }).stderr.trim().split('\n').pop()));
    }
    const phases = Object.fromEntries(Object.keys(phaseRuns[0]).map((k) => [k, Number(median(phaseRuns.map((p) => p[k])).toFixed(1))]));

    const jqMs = median(t.jq);
    const oursMs = median(t.ours);
    const ratio = oursMs / jqMs;
    return {
      rounds,
      resources: RESOURCES,
      state_mb: Number((stateBytes / 1e6).toFixed(1)),
      linked,
      jq_ms: Number(jqMs.toFixed(1)),
      ours_ms: Number(oursMs.toFixed(1)),
      node_ms: Number(median(t.node).toFixed(1)),
      ratio: Number(ratio.toFixed(2)),
      target: TARGET_RATIO,
      met: ratio <= TARGET_RATIO,
      phases,
      dir,
    };
  } finally {
    if (!process.env.BENCH_KEEP) await rm(dir, { recursive: true, force: true });
  }
}

export function formatResult(r) {
  return [
    `registry-build (${r.resources} resources, ${r.state_mb} MB state, ${r.rounds} interleaved rounds, medians)`,
    `  jq extraction:  ${r.jq_ms} ms`,
    `  faber-cloud:    ${r.ours_ms} ms   (node -e 0: ${r.node_ms} ms)`,
    `  ratio ours/jq:  ${r.ratio}x   target <= ${r.target}x: ${r.met ? 'MET' : 'NOT MET'}`,
    `  our phases (ms, median of 5): ${Object.entries(r.phases).map(([k, v]) => `${k} ${v}`).join(', ')}`,
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const result = await measureRegistryBuild(Number(process.argv[2] ?? 15), { log: (s) => console.log(s) });
    console.log(formatResult(result));
    if (process.env.BENCH_KEEP) console.log(`  kept: ${result.dir}`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
