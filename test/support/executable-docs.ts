// Executable docs: every `faber-cloud ...` line of the plugin's markdown and the documentation
// runs in a fixture project against moto (test/integration/executable-docs-*.test.ts) and must
// exit as the markdown says. This module holds what those files share: which lines there are,
// the one table placeholders are filled from, which prepared project (precondition set) each
// command runs in, and the check of a run against the markdown and the command's exit facts.
//
// Convention for stating an exit next to a line: `(exit N)` right after the code span, or
// `# exit N` at the end of a line in a shell block. A line without one must exit 0.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { commandOf } from '../../src/cli/commands.js';
import type { CommandDefinition } from '../../src/cli/definition.js';
import type { CliRun } from './cli.js';
import { REPO_ROOT } from './cli.js';
import { extractInvocations, markdownFilesUnder, readMarkdown, type Invocation, type MarkdownFile } from './markdown-commands.js';
import { MOTO_ACCOUNT_ID } from './moto.js';

/**
 * The markdown whose command lines run. Not docs/COMMANDS.md (generated from the definitions:
 * its examples are the definitions' own) nor docs/DECISIONS.md (a log of past decisions, not
 * instructions).
 */
export function docFiles(): string[] {
  const docs = readdirSync(path.join(REPO_ROOT, 'docs'))
    .filter((f) => f.endsWith('.md') && f !== 'COMMANDS.md' && f !== 'DECISIONS.md')
    .map((f) => `docs/${f}`);
  return [...['commands', 'agents', 'skills'].flatMap((d) => markdownFilesUnder(`plugin/${d}`)), 'plugin/README.md', 'README.md', ...docs.sort()];
}

export interface DocLine extends Invocation {
  /** The command's words, e.g. 'infra deploy'. */
  command: string;
}

export function docLinesOf(files: Pick<MarkdownFile, 'rel' | 'text' | 'bodyStart'>[]): DocLine[] {
  return files
    .flatMap(extractInvocations)
    .map((inv) => ({ ...inv, command: commandOf(inv.words)?.path.join(' ') ?? inv.words.slice(0, 2).join(' ') }))
    .filter((line) => !isCommandName(line));
}

/**
 * `faber-cloud infra test` in prose names a command; it is not a line to run. A bare command
 * path counts as a name only when the command cannot run without more (a required option or
 * argument); `faber-cloud init` alone is a command line.
 */
function isCommandName(line: DocLine): boolean {
  const def = commandOf(line.words);
  if (!def || line.words.length !== def.path.length) return false;
  return (def.options ?? []).some((o) => o.required) || (def.arguments ?? []).some((a) => a.required);
}

export function docLines(): DocLine[] {
  return docLinesOf(docFiles().map(readMarkdown));
}

// ---------------------------------------------------------------------------------------
// Precondition sets: the prepared project each command's lines run in.

export type PreconditionSet = 'local' | 'infra' | 'ops';

/**
 * local: an init'ed project, nothing deployed (init itself runs in a fresh directory per line);
 * infra: a project whose Terraform deploys to moto, lines in lifecycle order; ops: resources
 * seeded in moto with the registry a deploy writes, for the ops commands.
 */
export const SET_OF: Readonly<Record<string, PreconditionSet>> = {
  init: 'local',
  'config show': 'local',
  'config validate': 'local',
  'infra architect': 'local',
  'infra engineer': 'local',
  'infra validate': 'local',
  'infra debug': 'local',
  'permissions parse-error': 'local',
  'permissions audit': 'local',
  director: 'local',
  'infra preview': 'infra',
  'infra deploy': 'infra',
  'infra test': 'infra',
  'infra show-resources': 'infra',
  'infra history': 'infra',
  'infra drift': 'infra',
  'infra adopt': 'infra',
  'permissions grant': 'infra',
  'permissions preflight': 'infra',
  'infra destroy': 'infra',
  'ops check-health': 'ops',
  'ops query-logs': 'ops',
  'ops investigate': 'ops',
  'ops remediate': 'ops',
  'ops audit': 'ops',
};

// ---------------------------------------------------------------------------------------
// Placeholders: one table

/** Words that stand for a value: `<name>`, `{name}`, `$ARGUMENTS` (any `$VAR`), `...`, and the synopsis' capitals. */
const CAPITALS = new Set(['E', 'ID', 'F', 'SLUG', 'TEXT', 'R', 'N', 'S', 'A', 'T', 'ISO', 'P', 'DIR', 'NAME', 'ACTION', 'RESOURCE', 'FILE']);
export function isPlaceholder(word: string): boolean {
  // A shell variable of a script example (`--plan $plan`) stands for a value too.
  return /<[^<>]+>/.test(word) || /^\{[\w-]+\}$/.test(word) || /^\$[A-Za-z_]\w*$/.test(word) || ['...', '…', 'kind:name'].includes(word) || CAPITALS.has(word);
}

/** What a run fills in at run time: the plan the precondition's preview just saved. */
export interface FillContext {
  planId(env: string, destroy: boolean): string;
}

/** The environment a line names (`--env prod`, `--env=prod`), the table's when a placeholder. */
export function envOfLine(line: DocLine): string {
  const words = line.words.flatMap((w) => (/^--env=/.test(w) ? ['--env', w.slice(6)] : [w]));
  const i = words.indexOf('--env');
  const value = i >= 0 ? words[i + 1] : undefined;
  return value === undefined || isPlaceholder(value) ? 'test' : value;
}

type Value = string | ((argv: readonly string[], ctx: FillContext) => string);
const envOf = (argv: readonly string[]) => argv[argv.indexOf('--env') + 1] ?? 'test';

/**
 * The value of a placeholder given to an option: by option, then by command when commands
 * differ (`--action` of remediate is a catalogue action, of grant an IAM action). A 12-hex
 * example plan id (`--plan 3f9a1c2b7d4e`) stands for the plan the preview just saved, too.
 */
export const PLACEHOLDER_VALUES: Readonly<Record<string, Value | Readonly<Record<string, Value>>>> = {
  '--env': 'test',
  '--confirm': (argv) => envOf(argv),
  '--plan': (argv, ctx) => ctx.planId(envOf(argv), argv[1] === 'destroy'),
  '--project': 'demo',
  '--subsystem': 'core',
  '--region': 'us-east-1',
  '--account-id': MOTO_ACCOUNT_ID,
  '--terraform-dir': 'terraform',
  '--provider': 'aws',
  '--iac': 'terraform',
  '--feature': 'user uploads',
  '--from-file': 'requirements.md',
  '--design': 'user-uploads',
  '--resource': { 'infra architect': 's3_bucket:uploads', 'permissions grant': 'arn:aws:s3:::life-core-test-uploads' },
  '--file': { 'config validate': 'devops-copy.json', 'permissions parse-error': 'apply.log' },
  '--error-file': 'apply.log',
  '--applied': 's3-bucket-rename',
  '--record-outcome': 's3-bucket-rename',
  '--add-solution': 'Empty the bucket first',
  '--step': 'empty it in the console',
  '--command': 'aws s3 rm s3://NAME --recursive',
  '--category': 'state/lock',
  '--type': { 'infra show-resources': 'aws_s3_bucket', 'ops audit': 'all' },
  '--since': { 'permissions audit': '2026-01-01', default: '1h' },
  '--limit': '5',
  '--service': 'api',
  '--level': 'error',
  '--filter': 'Timeout',
  '--issue': '500 errors',
  // The catalogue action the line's own flags call for; a restart needs none.
  '--action': {
    'ops remediate': (argv) => (argv.includes('--count') ? 'scale-service' : argv.includes('--concurrency') ? 'set-concurrency' : 'restart-service'),
    'permissions grant': 's3:PutBucketTagging',
  },
  '--target': (argv) => REMEDIATION_TARGETS[argv[argv.indexOf('--action') + 1] ?? ''] ?? 'aws_ecs_service.api',
  '--count': '3',
  '--concurrency': '5',
  '--operation': 's3:CreateBucket',
  '--reason': 'uploads bucket tagging denied during deploy',
  '--profile': (argv) => `life-${envOf(argv) === 'prod' ? 'prod' : 'test'}-deploy`,
};

/** A resource of the ops fixture (test/support/ops-seed.ts) each remediation acts on. */
const REMEDIATION_TARGETS: Readonly<Record<string, string>> = {
  'restart-service': 'aws_ecs_service.api',
  'scale-service': 'aws_ecs_service.api',
  'set-concurrency': 'aws_lambda_function.worker',
  'redrive-dlq': 'aws_sqs_queue.events_dlq',
};

/** Positional placeholders, by command. */
export const POSITIONAL_VALUES: Readonly<Record<string, string>> = {
  director: 'deploy infrastructure to test',
};

function valueFor(option: string, command: string, argv: readonly string[], ctx: FillContext): string {
  const entry = PLACEHOLDER_VALUES[option];
  if (entry === undefined) throw new Error(`no placeholder value for ${option} (add it to PLACEHOLDER_VALUES)`);
  const value = typeof entry === 'object' ? (entry[command] ?? entry.default) : entry;
  if (value === undefined) throw new Error(`no placeholder value for ${option} of ${command}`);
  return typeof value === 'function' ? value(argv, ctx) : value;
}

/** argv to run for a line: `--opt=value` split, placeholders filled from the table. */
export function fillArgv(line: DocLine, ctx: FillContext): string[] {
  const words = line.words.flatMap((w) => (/^--[\w-]+=/.test(w) ? [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)] : [w]));
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    const previous = out.at(-1) ?? '';
    const option = previous.startsWith('--') && takesValue(line.command, previous) ? previous : undefined;
    const examplePlan = previous === '--plan' && /^[0-9a-f]{12}$/.test(word);
    if (option && (isPlaceholder(word) || examplePlan)) out.push(valueFor(option, line.command, [...out, ...words.slice(i)], ctx));
    else if (!option && isPlaceholder(word)) out.push(POSITIONAL_VALUES[line.command] ?? word);
    else out.push(word);
  }
  return out;
}

function takesValue(command: string, flag: string): boolean {
  const def = commandOf(command.split(' '));
  const spec = def?.options?.find((o) => o.flags.split(/[ ,]+/).includes(flag));
  return spec ? /[<[]/.test(spec.flags) : ['--cwd'].includes(flag);
}

// ---------------------------------------------------------------------------------------
// The check

/** What is wrong with a run of a line: the exit the markdown states (0 when none), and the command's declared exit facts. */
export function problemsOf(line: DocLine, run: CliRun): string[] {
  const problems: string[] = [];
  const expected = line.expectedExit ?? 0;
  const said = line.expectedExit === undefined ? 'states no exit, so 0 is expected' : `states (exit ${expected})`;
  const envelope = run.json as { ok?: boolean; error?: { code?: string; message?: string } } | undefined;
  const error = envelope?.error ? ` ${envelope.error.code}: ${envelope.error.message}` : '';
  if (run.code !== expected) problems.push(`exited ${run.code}${error}; the markdown ${said}`);
  problems.push(...undeclared(commandOf(line.words), run));
  return problems;
}

/** An exit code or error code the command's definition does not declare (src/cli/exits.ts). */
export function undeclared(def: CommandDefinition | undefined, run: CliRun): string[] {
  if (!def) return [`no such command`];
  const exits = def.exits ?? [];
  const envelope = run.json as { ok?: boolean; error?: { code?: string } } | undefined;
  const name = def.path.join(' ');
  if (!exits.some((e) => e.code === run.code)) return [`${name} exited ${run.code}, which its definition does not declare`];
  if (envelope?.ok === true && run.code === 1 && !exits.some((e) => e.code === 1 && e.okTrue)) return [`${name} exited 1 with ok:true, which its definition does not declare`];
  const code = envelope?.ok === false ? envelope.error?.code : undefined;
  if (code !== undefined && !exits.some((e) => e.code === run.code && e.errors?.includes(code))) return [`${name} gave ${code} with exit ${run.code}, which its definition does not declare`];
  return [];
}

/** A line's run, keyed so that identical lines (same argv, stdin and stated exit) run once. */
export function runKey(line: DocLine, argv: readonly string[]): string {
  return JSON.stringify([argv, line.piped, line.expectedExit ?? 0]);
}

/**
 * The tests of one ordered precondition set (executable-docs-infra and -ops), inside their
 * describe: its lines, sorted so that each command's preconditions have run before it (a
 * command's own lines in document order), every command of `order` has lines, and each line
 * exits as its markdown says. A line runs once per key (see runKey); identical lines share
 * that first run, since a second run of the same line tells nothing new.
 */
export function testOrderedLines(options: {
  set: PreconditionSet;
  order: readonly string[];
  /** The commands `order` names, for the first test's title (e.g. 'lifecycle'). */
  what: string;
  key: (line: DocLine) => string;
  run: (line: DocLine) => Promise<CliRun>;
  timeoutMs: number;
}): void {
  const { order } = options;
  const lines = docLines()
    .filter((l) => SET_OF[l.command] === options.set)
    .map((l, i) => [l, i] as const)
    .sort(([a, i], [b, j]) => order.indexOf(a.command) - order.indexOf(b.command) || i - j)
    .map(([l]) => l);
  const runs = new Map<string, CliRun>();

  it(`found the lines of every ${options.what} command`, () => {
    const found = new Set(lines.map((l) => l.command));
    for (const command of order) expect(found, command).toContain(command);
  });

  it.each(lines.map((l) => [`${l.where}: ${l.text}`, l] as const))(
    '%s',
    async (_, line) => {
      const key = options.key(line);
      if (!runs.has(key)) runs.set(key, await options.run(line));
      const result = runs.get(key)!;
      expect(problemsOf(line, result), `${line.where}: \`${line.text}\`\n${result.stdout}${result.stderr}`).toEqual([]);
    },
    options.timeoutMs,
  );
}

/** The error text piped lines and `--error-file`/`--file` placeholders read: a denial as OpenTofu prints it. */
export const APPLY_LOG = [
  'Error: creating S3 Bucket (life-core-test-uploads): operation error S3: CreateBucket, https response error StatusCode: 403,',
  'RequestID: 4T3Q9E2EXAMPLE, api error AccessDenied: User: arn:aws:iam::123456789012:user/life-test-deploy is not authorized',
  'to perform: s3:CreateBucket on resource: "arn:aws:s3:::life-core-test-uploads" because no identity-based policy allows the s3:CreateBucket action',
  '',
  '  with aws_s3_bucket.uploads,',
  '  on main.tf line 8, in resource "aws_s3_bucket" "uploads":',
  '',
].join('\n');
