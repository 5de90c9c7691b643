/**
 * Error normalisation: the same failure seen twice (other ARNs, account, request ids, times,
 * resource names) must read the same, so it gets one signature and one issue in the log.
 * Pure: no I/O.
 */
import { createHash } from 'node:crypto';
import { redactText } from '../core/redaction/index.js';

/** How the project names its resources, so names can be replaced by a placeholder. */
export interface NamingContext {
  /** e.g. `{project}-{subsystem}-{environment}-{resource}` */
  pattern: string;
  project: string;
  subsystem: string;
  environments: readonly string[];
}

/** Environment names common enough to recognise in names outside the project's own pattern. */
const COMMON_ENVIRONMENTS = ['dev', 'development', 'test', 'testing', 'qa', 'uat', 'stage', 'staging', 'preprod', 'prod', 'production', 'sandbox', 'demo'];

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Source-context lines of Terraform's human output: they name the resource, not the error. */
const CONTEXT_LINES = [
  /^\s*with [^\s,]+,?\s*$/,
  /^\s*on \S+ line \d+(, in [^:]+)?:?\s*$/,
  /^\s*\d+:\s.*$/,
  /^\s*\(and \d+ more similar warnings? elsewhere\)\s*$/,
];

/** Replacements in order: the specific shapes first, bare numbers last. */
const REPLACEMENTS: readonly [RegExp, string][] = [
  [/https?:\/\/[^\s"'<>]+/g, '<url>'],
  [/\barn:aws[a-z-]*:[^\s"'<>,;)]+/g, '<arn>'],
  [/(Encoded authorization failure message:?\s*)\S+/gi, '$1<encoded>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?(?: UTC)?/g, '<time>'],
  [/\b\d{8}T\d{6}Z\b/g, '<time>'],
  [/\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} (?:GMT|UTC|[+-]\d{4})/g, '<time>'],
  [/\b(request[ _-]?id|host[ _-]?id|x-amz-request-id|x-amz-id-2|lock[ _-]?id|ID)(["']?\s*[:=]\s*["']?)([A-Za-z0-9+/=_-]{6,})/gi, '$1$2<id>'],
  // The state lock's holder: who, where, and the state path vary from run to run.
  [/\b(Who|Path):[ \t]*\S+/g, '$1: <value>'],
  [/\b[\w.+-]+@[\w-]+(?:\.[\w-]+)*/g, '<user>'],
  [/\b(?:us|eu|ap|sa|ca|me|af|il|mx|cn)(?:-gov|-iso[a-z]?)?-[a-z]+-\d\b/g, '<region>'],
  [/\b(?:i|sg|vpc|subnet|igw|nat|rtb|eni|vol|snap|ami|acl|eipalloc|eipassoc|lt|pcx|tgw|tgw-attach|vpce|dopt|key|fs|fsap|db|cluster|r|sir|cgw|vgw|vpn|pl)-[0-9a-f]{8,17}\b/g, '<aws-id>'],
  [/\b\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2}|:\d{1,5})?\b/g, '<ip>'],
  [/\b\d{12}\b/g, '<account>'],
  // Not inside a relative path (`modules/a/b` would keep `modules`): those are the next rule's.
  [/(?<![\w.-])(?:\/[\w.@+-]+){2,}\/?/g, '<path>'],
  // Relative paths (object keys, module sources): two slashes, or one and a file extension.
  [/(?<![\w<>-])[\w.-]+(?:\/[\w.-]+){2,}/g, '<path>'],
  [/(?<![\w<>-])[\w-]+\/[\w.-]+\.[A-Za-z0-9]{1,6}\b/g, '<path>'],
  [/\b(?=[0-9A-Za-z+/]*\d)(?=[0-9A-Za-z+/]*[A-Za-z])[A-Za-z0-9+/]{24,}={0,2}/g, '<blob>'],
  [/\b(?=[0-9A-Fa-f]*\d)[0-9A-Fa-f]{8,}\b/g, '<hex>'],
];

/** Terraform resource addresses: the type stays (it matters), the name does not. */
const ADDRESS = /\b(?:module\.[\w-]+(?:\[[^\]\s]*\])?\.)*(?:data\.)?([a-z][a-z0-9]*_[a-z0-9_]+)\.[A-Za-z_][\w-]*(?:\[[^\]\s]*\])?/g;

/** `resource "aws_iam_role" "lambda"` and `managed resource "aws_iam_role" "lamda"`: the name varies. */
const QUOTED_RESOURCE = /"([a-z][a-z0-9]*_[a-z0-9_]+)" "[\w-]+"/g;

/** Version constraints (after numbers became <n>), quoted or not: `"~> <n>"`, `>= <n>.<n>, < <n>.<n>`. */
const VERSION_CONSTRAINT = /"?(?:[~><=!]+\s*v?<n>(?:\.<n>)*(?:\s*,\s*(?=[~><=!]))?)+"?/g;

/** Numbers, except the HTTP status (403 and 409 are different errors). */
const NUMBER = /(?<!(?:StatusCode|status code|Status Code):?\s*)\b\d+(?:\.\d+)?\b/g;

export interface Normaliser {
  (text: string): string;
}

/** A normaliser for one project: its naming pattern and environments become `<name>`. */
export function createNormaliser(naming?: NamingContext): Normaliser {
  const names = nameExpressions(naming);
  return (text: string) => {
    // Secrets first: the same error with another token is the same issue, and no signature
    // or stored pattern is derived from a secret.
    let out = redactText(text)
      .replace(/\r\n?/g, '\n')
      .split('\n')
      .filter((line) => !CONTEXT_LINES.some((re) => re.test(line)))
      .join('\n')
      // Human output labels errors, -json output does not: the same error either way.
      .replace(/^\s*Error:\s*/gm, '');
    // Names before ARNs are taken apart would leave `<arn>` intact; names inside ARNs vanish with them.
    for (const [re, replacement] of REPLACEMENTS.slice(0, 2)) out = out.replace(re, replacement);
    for (const re of names) out = out.replace(re, '<name>');
    for (const [re, replacement] of REPLACEMENTS.slice(2)) out = out.replace(re, replacement);
    out = out.replace(ADDRESS, '$1.<resource>');
    out = out.replace(QUOTED_RESOURCE, '"$1" "<resource>"');
    out = out.replace(NUMBER, '<n>');
    out = out.replace(VERSION_CONSTRAINT, '<constraint>');
    return out.replace(/\s+/g, ' ').trim().slice(0, 2000);
  };
}

/**
 * Resource names: the project's own pattern, then any hyphenated name with an environment
 * word in it (`acme-api-prod-assets`), which is how most teams name things.
 */
function nameExpressions(naming?: NamingContext): RegExp[] {
  const out: RegExp[] = [];
  const envs = [...new Set([...(naming?.environments ?? []), ...COMMON_ENVIRONMENTS])].map(escapeRe).join('|');
  if (naming) {
    const source = naming.pattern
      .split(/(\{[a-z]+\})/)
      .map((part) => {
        if (part === '{project}') return escapeRe(naming.project);
        if (part === '{subsystem}') return escapeRe(naming.subsystem);
        if (part === '{environment}') return `(?:${envs})`;
        if (part === '{resource}') return '[A-Za-z0-9][A-Za-z0-9._-]*';
        return escapeRe(part);
      })
      .join('');
    out.push(new RegExp(`(?<![\\w.-])${source}(?![\\w-])`, 'gi'));
  }
  out.push(new RegExp(`(?<![\\w.-])[a-z0-9]+(?:-[a-z0-9]+)*-(?:${envs})(?:-[a-z0-9][a-z0-9._]*)+(?![\\w-])`, 'gi'));
  return out;
}

const STOP_WORDS = new Set(['the', 'a', 'an', 'of', 'to', 'in', 'for', 'is', 'was', 'and', 'or', 'with', 'on', 'at', 'by', 'be', 'this', 'that', 'it', 'error', 'from', 'as', 'are']);

/** Lowercased words of a normalised message, placeholders kept, for similarity (hot: 10,000 per match). */
export function tokenSet(normalised: string): Set<string> {
  const out = new Set<string>();
  const words = /<[a-z-]+>|[a-z0-9_]{2,}/g;
  const lower = normalised.toLowerCase();
  let m: RegExpExecArray | null;
  while ((m = words.exec(lower)) !== null) if (!STOP_WORDS.has(m[0])) out.add(m[0]);
  return out;
}

export function tokenize(normalised: string): string[] {
  return [...tokenSet(normalised)];
}

/** The identity: what failed and how, never where or when. */
export function signatureOf(facts: { errorCode: string | null; service: string | null; resourceType: string | null; normalisedMessage: string }): string {
  const key = [facts.errorCode ?? '', facts.service ?? '', facts.resourceType ?? '', facts.normalisedMessage].join('\u0000');
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}
