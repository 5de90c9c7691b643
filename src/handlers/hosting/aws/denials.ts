/**
 * The AccessDenied parser: turns whatever a failed deploy printed into typed permission
 * denials and credential problems. Pure: no I/O, no AWS calls, never throws.
 *
 * Inputs it understands (mixed freely in one string):
 * - OpenTofu/Terraform `plan -json` / `apply -json` streams (one JSON object per line; the
 *   `diagnostic` objects of error severity are read, with their resource `address`),
 * - Terraform/OpenTofu human output (`Error:` blocks framed with │ ╷ ╵, ANSI colours,
 *   `with ADDRESS,` locators; also the 0.11-era `* ADDRESS: ...` bullets),
 * - AWS SDK for Go v2 errors as the AWS provider prints them
 *   (`operation error S3: CreateBucket, https response error StatusCode: 403, RequestID: …,
 *   api error AccessDenied: Access Denied`), SDK v1 errors (`AccessDenied: …\n\tstatus code: 403,
 *   request id: …`), AWS CLI / boto3 errors (`An error occurred (AccessDenied) when calling the
 *   CreateBucket operation: …`), AWS SDK v3 (JavaScript) errors as JSON or as `String(error)`,
 * - moto's denials, including the XML `<ErrorResponse>` it returns to JSON-protocol services
 *   (DynamoDB, SQS, Logs, CloudWatch, Tagging), which SDKs surface as a deserialization error.
 *
 * Reason classes come from the tail AWS appends to "User: P is not authorized to perform: A
 * on resource: R" ("because no identity-based policy allows the A action", "with an explicit
 * deny in a service control policy", …; IAM User Guide, "Troubleshoot access denied error
 * messages"). A message without that tail is `unknown`: that includes moto's denials, which
 * never carry it. moto produces "User: arn:… is not authorized to perform: iam:CreatePolicy"
 * for an identity with no policy, but AWS services that do not support the tailed format
 * (and AWS before 2021) print the same sentence for SCP, boundary and session-policy denials
 * too, so the sentence alone does not prove "no identity-based policy"; the parser does not
 * guess, and the caller decides what to do with `unknown` (DESIGN §5: auto-fix only for
 * "no identity-based policy allows").
 */
import { allMatches, asString, isRecord, tryJson, type ErrorBlock, type Hit } from '../../error-text.js';
import { AWS_ERROR_CODE_PATTERNS, OPERATION_PATTERNS, STATUS_PATTERN, findErrorCodes, sdkErrorText, splitAwsErrorBlocks } from './error-text.js';
import {
  PHRASE_ACTIONS,
  RESOURCE_KINDS,
  actionForOperation,
  actionForOperationHint,
  iamPrefixForService,
  kindForType,
  normaliseAction,
  parseQueueUrl,
  serviceForOperation,
  typeOfAddress,
  type ArnEnv,
  type ResourceKind,
} from './operations.js';
import { ACCOUNT_ID, parseArn } from './arn.js';
import { partitionForRegion } from './partition.js';

export const DENIAL_REASONS = [
  'no-identity-policy',
  'explicit-deny-identity',
  'scp',
  'permissions-boundary',
  'session-policy',
  'resource-policy',
  'unknown',
] as const;
/**
 * Which policy denied. `scp` covers AWS Organizations policies (service and resource control
 * policies), `resource-policy` covers resource-based policies including VPC endpoint
 * policies (AWS documents those as resource-based policies of the endpoint).
 */
export type DenialReason = (typeof DENIAL_REASONS)[number];

/** Error codes that mean "not allowed" (the ones this parser reports as denials). */
export const DENIAL_CODES = ['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation', 'AuthorizationErrorException', 'AuthorizationError', 'UnauthorizedAccess', 'Forbidden'] as const;
export type DenialCode = (typeof DENIAL_CODES)[number] | (string & {});

/** Error codes that mean the caller's credentials are missing, wrong or expired. */
export const CREDENTIAL_CODES = [
  'InvalidClientTokenId',
  'ExpiredTokenException',
  'ExpiredToken',
  'SignatureDoesNotMatch',
  'UnrecognizedClientException',
  'InvalidAccessKeyId',
  'AuthFailure',
  'InvalidToken',
  'TokenRefreshRequired',
  'IncompleteSignature',
  'InvalidSignatureException',
  'MissingAuthenticationTokenException',
  'MissingAuthenticationToken',
  'InvalidIdentityToken',
  'NoCredentialProviders',
  'CredentialsProviderError',
  'SSOTokenExpired',
] as const;
export type CredentialCode = (typeof CREDENTIAL_CODES)[number] | (string & {});

export interface Denial {
  kind: 'denial';
  /** Who was denied (user, role, assumed-role session, …) when the message says. */
  principalArn?: string;
  /**
   * `service:Operation`, service lowercased, operation as AWS spells it. Absent only when
   * neither the message nor its context names an operation (e.g. EC2's encoded
   * UnauthorizedOperation from SDK v1, before decoding).
   */
  action?: string;
  /** True when `action` was derived from an API operation name, not stated by AWS. */
  actionInferred: boolean;
  /** The resource AWS evaluated (an ARN, or `*`). */
  resourceArn?: string;
  /** True when `resourceArn` was built from the Terraform message/address, not stated by AWS. */
  resourceInferred: boolean;
  reason: DenialReason;
  /** true: an explicit Deny statement; false: no Allow ("because no … allows"); absent: not said. */
  explicit?: boolean;
  /** The denying policy's ARN, when AWS names it (messages since 2026). */
  policyArn?: string;
  code: DenialCode;
  /** EC2-style "Encoded authorization failure message" (decode with sts:DecodeAuthorizationMessage). */
  encodedMessage?: string;
  /** Terraform resource address the error is about. */
  address?: string;
  /** The error text this came from (capped). */
  raw: string;
}

export interface CredentialProblem {
  kind: 'credentials';
  code: CredentialCode;
  raw: string;
}

export type ParsedError = Denial | CredentialProblem;

/** What the plan knows about a resource address (from `show -json`), used to infer ARNs. */
export interface AddressHint {
  type?: string;
  /** The resource's AWS name (bucket, table, queue, role, function, …). */
  name?: string;
  id?: string;
  arn?: string;
  region?: string;
}

export interface DenialContext {
  addressHints?: Record<string, AddressHint>;
  region?: string;
  accountId?: string;
  partition?: string;
  /**
   * The operation the caller was making, for SDK errors that do not name it
   * (`s3:CreateBucket`, `S3:CreateBucket` or just `CreateBucket`).
   */
  operation?: string;
}

const MAX_RAW = 4000;
const MAX_INPUT = 8 * 1024 * 1024;
/** More denial sentences than this in one error block is not a real AWS error. */
const MAX_SENTENCES = 500;

// ---------------------------------------------------------------------------------------------
// Entry points

/** Every denial and credential problem in `input`, deduplicated, in order of appearance. */
export function parseDenials(input: string, context: DenialContext = {}): ParsedError[] {
  try {
    const text = typeof input === 'string' ? input : sdkErrorText(input);
    const ctx: DenialContext = context !== null && typeof context === 'object' ? context : {};
    const out: ParsedError[] = [];
    for (const block of splitAwsErrorBlocks(text.length > MAX_INPUT ? text.slice(0, MAX_INPUT) : text)) {
      try {
        out.push(...parseBlock(block, ctx));
      } catch {
        // one unreadable block never hides the others
      }
    }
    return dedupe(out);
  } catch {
    return [];
  }
}

// ---------------------------------------------------------------------------------------------
// Reading one block

const DENIAL_SET = new Set<string>(DENIAL_CODES);
const CREDENTIAL_SET = new Set<string>(CREDENTIAL_CODES);
const CODE_PATTERNS: RegExp[] = [
  ...AWS_ERROR_CODE_PATTERNS,
  new RegExp(String.raw`(?<![\w.])((?:Client\.|Server\.)?(?:${[...DENIAL_CODES, ...CREDENTIAL_CODES].join('|')}))(?=\s*:)`, 'g'),
];

const PERFORM = /\b(?:is|are) not authorized to perform:?\s*\(?([A-Za-z0-9-]{1,64}:[A-Za-z0-9*]{1,128})\)?/g;
const PRINCIPAL_BEFORE = /(arn:[A-Za-z0-9-]{1,20}:[^\s"'<>]{1,400}|anonymous)\s*$/;
const RESOURCE_AFTER = /^\s+on\s+(?:resource\s*:?\s*(?:"([^"\n]{0,2048})"|([^\s"<>]{1,2048}))|"([^"\n]{0,2048})"|(arn:[^\s"<>]{1,2048}))/;
const CLAUSE = /^[\s.,;:]{0,10}(with an explicit deny|because no)\b/i;
const ENCODED = /Encoded authorization failure message:?\s*([A-Za-z0-9_\-+/=]+)/;

const CREDENTIAL_PHRASES: { re: RegExp; code: CredentialCode }[] = [
  { re: /no valid credential sources/i, code: 'NoCredentialProviders' },
  { re: /Could not load credentials from any providers|Unable to locate credentials/i, code: 'NoCredentialProviders' },
  { re: /The security token included in the request is expired/i, code: 'ExpiredToken' },
  { re: /The security token included in the request is invalid/i, code: 'InvalidClientTokenId' },
  { re: /SSO session associated with this profile has expired|Token has expired and refresh failed|refresh cached SSO token failed/i, code: 'SSOTokenExpired' },
];

function findCodes(text: string): Hit[] {
  return findErrorCodes(text, CODE_PATTERNS);
}

function decodeXml(text: string): string {
  if (!text.includes('&')) return text;
  const map: Record<string, string> = { quot: '"', amp: '&', lt: '<', gt: '>', apos: "'", '#39': "'", '#34': '"' };
  return text.replace(/&(quot|amp|lt|gt|apos|#39|#34);/g, (_, e: string) => map[e] ?? _);
}

function capRaw(text: string): string {
  const t = text.trim();
  return t.length > MAX_RAW ? `${t.slice(0, MAX_RAW)}…` : t;
}

function parseBlock(block: ErrorBlock, ctx: DenialContext): ParsedError[] {
  const text = decodeXml(block.text);
  if (!text.trim()) return [];
  const raw = capRaw(block.text);
  const out: ParsedError[] = [];
  const codes = findCodes(text);

  // Credential problems: by code, else by the sentences AWS and the SDKs print for them.
  const credentialCodes = [...new Set(codes.filter((c) => CREDENTIAL_SET.has(c.value)).map((c) => c.value))];
  if (credentialCodes.length === 0) {
    for (const { re, code } of CREDENTIAL_PHRASES) {
      if (re.test(text)) {
        credentialCodes.push(code);
        break;
      }
    }
  }
  for (const code of credentialCodes) out.push({ kind: 'credentials', code, raw });

  // "User: P is not authorized to perform: A on resource: R <reason>" sentences.
  const sentences = allMatches(text, PERFORM).slice(0, MAX_SENTENCES);
  sentences.forEach((s, i) => {
    const action = normaliseAction(s.value);
    if (action) out.push(sentenceDenial(text, s.index, s.index + s.length, sentences[i + 1]?.index ?? text.length, action, block, ctx, codes, raw));
  });

  // Denials that name no action (S3's "Access Denied", EC2's encoded message, moto's XML
  // answer to a JSON-protocol call, a bare 403), when the block held no sentence.
  if (sentences.length === 0 && credentialCodes.length === 0) out.push(...bareDenials(text, block, ctx, codes, raw));
  return out;
}

function principalParts(arn: string | undefined): { partition?: string; account?: string } {
  const parsed = parseArn(arn);
  return parsed ? { partition: parsed.partition, account: ACCOUNT_ID.test(parsed.accountId) ? parsed.accountId : undefined } : {};
}

function codeNear(codes: Hit[], index: number, fallback: string): string {
  const denials = codes.filter((c) => DENIAL_SET.has(c.value));
  const before = denials.filter((c) => c.index <= index).pop();
  return (before ?? denials[0])?.value ?? fallback;
}

function classify(tail: string): { reason: DenialReason; explicit?: boolean; policyArn?: string } {
  const t = tail.replace(/\s+/g, ' ');
  const clause = CLAUSE.exec(t);
  if (!clause) return { reason: 'unknown' };
  const rest = t.slice(clause.index, clause.index + 200);
  const explicit = /^[\s.,;:]*with an explicit deny/i.test(rest);
  const is = (re: RegExp) => re.test(rest);
  let reason: DenialReason = 'unknown';
  if (is(/identity[- ]based polic/i)) reason = explicit ? 'explicit-deny-identity' : 'no-identity-policy';
  else if (is(/service control polic|resource control polic/i)) reason = 'scp';
  else if (is(/permissions? boundar/i)) reason = 'permissions-boundary';
  else if (is(/session polic/i)) reason = 'session-policy';
  else if (is(/resource[- ]based polic|VPC endpoint polic/i)) reason = 'resource-policy';
  const result: { reason: DenialReason; explicit?: boolean; policyArn?: string } = { reason, explicit };
  const policy = /with an explicit deny in (?:an?|the)\s+[A-Za-z -]{1,60}?(?:polic(?:y|ies)|boundary)\s*:\s*(arn:[^\s"'<>]+)/i.exec(rest);
  if (policy?.[1]) result.policyArn = policy[1].replace(/[.,;)]+$/, '');
  return result;
}

function encodedIn(text: string): string | undefined {
  const m = ENCODED.exec(text);
  if (!m) return undefined;
  let blob = m[1] ?? '';
  let rest = text.slice(m.index + m[0].length);
  // A terminal may have wrapped the blob: continuation lines of nothing but blob characters.
  for (let i = 0; i < 200; i++) {
    const c = /^[ \t]*\n[ \t│]*([A-Za-z0-9_\-+/=]{8,})[ \t]*(?=\n|$)/.exec(rest);
    if (!c) break;
    blob += c[1] ?? '';
    rest = rest.slice(c[0].length);
  }
  return blob.length >= 20 ? blob : undefined;
}

function cleanResource(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const v = value.split('<')[0]?.replace(/[.,;)\]]+$/, '').trim() ?? '';
  return v.startsWith('arn:') || v === '*' ? v : undefined;
}

function sentenceDenial(
  text: string,
  start: number,
  afterAction: number,
  next: number,
  action: string,
  block: ErrorBlock,
  ctx: DenialContext,
  codes: Hit[],
  raw: string,
): Denial {
  const principal = PRINCIPAL_BEFORE.exec(text.slice(Math.max(0, start - 420), start))?.[1];
  const principalArn = principal && principal !== 'anonymous' ? principal.replace(/[.,;]+$/, '') : undefined;
  let rest = text.slice(afterAction, Math.min(next, afterAction + 4000));
  const res = RESOURCE_AFTER.exec(rest);
  let resourceArn = cleanResource(res ? (res[1] ?? res[2] ?? res[3] ?? res[4]) : undefined);
  if (res) rest = rest.slice(res[0].length);
  const blank = rest.search(/\n[ \t]*\n/);
  const { reason, explicit, policyArn } = classify(blank >= 0 ? rest.slice(0, blank) : rest.slice(0, 600));
  const d: Denial = { kind: 'denial', action, actionInferred: false, resourceInferred: false, reason, code: codeNear(codes, start, 'AccessDenied'), raw };
  if (principalArn) d.principalArn = principalArn;
  if (explicit !== undefined) d.explicit = explicit;
  if (policyArn) d.policyArn = policyArn;
  const encoded = encodedIn(text.slice(start, next));
  if (encoded) d.encodedMessage = encoded;
  if (block.address) d.address = block.address;
  if (!resourceArn) {
    resourceArn = inferResource(text, action, principalArn, block.address, ctx);
    if (resourceArn) d.resourceInferred = true;
  }
  if (resourceArn) d.resourceArn = resourceArn;
  return d;
}

function bareDenials(text: string, block: ErrorBlock, ctx: DenialContext, codes: Hit[], raw: string): Denial[] {
  const named = codes.filter((c) => !/^\d+$/.test(c.value));
  let code = named.find((c) => DENIAL_SET.has(c.value))?.value;
  const forbidden = allMatches(text, STATUS_PATTERN).some((h) => h.value === '403');
  const encoded = encodedIn(text);
  // An HTTP 403 without a readable error code: S3's bodiless HEAD answers, and moto's XML
  // answer to a JSON-protocol call that the SDK failed to deserialize.
  if (!code && named.length === 0 && forbidden) code = 'Forbidden';
  if (!code && encoded) code = 'UnauthorizedOperation';
  if (!code) return [];

  const phrase = terraformPhrase(text);
  const actions: string[] = [];
  let namedOperation = false;
  for (const { re, service } of OPERATION_PATTERNS) {
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      const op = (service ? m[2] : m[1]) ?? '';
      namedOperation ||= op !== '';
      const prefix = service ? iamPrefixForService(m[1] ?? '') : (hintService(ctx, op) ?? phraseServiceFor(phrase, op) ?? serviceForOperation(op));
      if (prefix && op) actions.push(actionForOperation(prefix, op));
    }
  }
  if (actions.length === 0) {
    const verbAction = phrase ? phrase.kind.verbs[phrase.verb as keyof ResourceKind['verbs']] : undefined;
    const phraseAction = PHRASE_ACTIONS.find((p) => p.pattern.test(text))?.action;
    // The caller's operation stands in only for an error that names none: never for another one.
    const hinted = ctx.operation && !namedOperation ? actionForOperationHint(ctx.operation) : undefined;
    const a = verbAction ?? phraseAction ?? hinted;
    if (a) actions.push(a);
  }
  const unique = [...new Set(actions)];
  const list: (string | undefined)[] = unique.length ? unique : [undefined];
  return list.map((action) => {
    const d: Denial = { kind: 'denial', actionInferred: action !== undefined, resourceInferred: false, reason: 'unknown', code: code as string, raw };
    if (action) d.action = action;
    if (encoded) d.encodedMessage = encoded;
    if (block.address) d.address = block.address;
    const resourceArn = inferResource(text, action, undefined, block.address, ctx);
    if (resourceArn) {
      d.resourceArn = resourceArn;
      d.resourceInferred = true;
    }
    return d;
  });
}

function hintService(ctx: DenialContext, op: string): string | undefined {
  if (!ctx.operation) return undefined;
  const action = actionForOperationHint(ctx.operation);
  const [service] = action?.split(':') ?? [];
  return service && ctx.operation.replace(/^.*:\s*/, '') === op ? service : undefined;
}

function phraseServiceFor(phrase: Phrase | undefined, op: string): string | undefined {
  if (!phrase) return undefined;
  const owner = serviceForOperation(op);
  return owner === undefined || owner === phrase.kind.service ? phrase.kind.service : undefined;
}

// ---------------------------------------------------------------------------------------------
// Resource inference

interface Phrase {
  verb: string;
  kind: ResourceKind;
  id: string;
}

const VERBS = 'creating|reading|updating|deleting|setting|putting|waiting for|listing tags for|tagging|untagging|checking|associating|attaching|detaching|importing';
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const PHRASES: { kind: ResourceKind; re: RegExp; bare: RegExp }[] = RESOURCE_KINDS.flatMap((kind) =>
  kind.nouns.map((noun) => ({
    kind,
    re: new RegExp(String.raw`\b(${VERBS})\s+(?:(?:Amazon|AWS)\s+)?${escapeRe(noun).replace(/ /g, '\\s+')}${kind.suffixes ? String.raw`(?:\s+[A-Za-z][\w-]{0,40}){0,5}?` : ''}\s*\(([^()\s]{1,1024})\)`, 'i'),
    bare: new RegExp(String.raw`\b(${VERBS})\s+(?:(?:Amazon|AWS)\s+)?${escapeRe(noun).replace(/ /g, '\\s+')}\s+([^\s():,]{1,512}):`, 'i'),
  })),
).sort((a, b) => b.kind.nouns.join().length - a.kind.nouns.join().length);

/** The first "verb Noun (id)" phrase of the AWS provider in `text`. */
function terraformPhrase(text: string): Phrase | undefined {
  let best: (Phrase & { index: number }) | undefined;
  for (const p of PHRASES) {
    const m = p.re.exec(text) ?? p.bare.exec(text);
    if (m && m[1] && m[2] && (!best || m.index < best.index)) best = { verb: m[1].toLowerCase(), kind: p.kind, id: m[2], index: m.index };
  }
  return best;
}

function inferResource(text: string, action: string | undefined, principalArn: string | undefined, address: string | undefined, ctx: DenialContext): string | undefined {
  const service = action?.split(':')[0];
  const hint = address ? ctx.addressHints?.[address] : undefined;
  const fromPrincipal = principalParts(principalArn);
  const region = ctx.region || hint?.region || undefined;
  const env: ArnEnv = {
    partition: ctx.partition || fromPrincipal.partition || partitionForRegion(region) || 'aws',
    region,
    account: ctx.accountId || fromPrincipal.account,
  };
  const fits = (kind: ResourceKind | undefined) => kind !== undefined && (service === undefined || kind.service === service);

  const phrase = terraformPhrase(text);
  if (phrase && fits(phrase.kind)) {
    const arn = phrase.kind.arn(phrase.id, env);
    if (arn) return arn;
  }
  if (hint) {
    if (hint.arn && (service === undefined || parseArn(hint.arn)?.service === service)) return hint.arn;
    const kind = kindForType(hint.type ?? typeOfAddress(address ?? '') ?? '');
    const id = hint.name ?? hint.id;
    if (kind && id && fits(kind)) {
      const arn = kind.arn(id, env);
      if (arn) return arn;
    }
  }
  if (service === 'sqs') {
    const url = /https?:\/\/[a-z0-9.-]+\.amazonaws\.com(?:\.cn)?\/\d{12}\/[A-Za-z0-9_.-]+/.exec(text)?.[0];
    const q = url ? parseQueueUrl(url) : undefined;
    if (q) return `arn:${env.partition}:sqs:${q.region}:${q.account}:${q.name}`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Deduplication

function sameDenial(a: Denial, b: Denial): boolean {
  return (
    a.action === b.action &&
    a.resourceArn === b.resourceArn &&
    a.principalArn === b.principalArn &&
    a.reason === b.reason &&
    a.code === b.code &&
    a.explicit === b.explicit &&
    a.policyArn === b.policyArn &&
    a.encodedMessage === b.encodedMessage &&
    (a.address === b.address || a.address === undefined || b.address === undefined)
  );
}

function dedupe(list: ParsedError[]): ParsedError[] {
  const out: ParsedError[] = [];
  for (const e of list) {
    if (e.kind === 'credentials') {
      if (!out.some((o) => o.kind === 'credentials' && o.code === e.code)) out.push(e);
      continue;
    }
    const same = out.find((o): o is Denial => o.kind === 'denial' && sameDenial(o, e));
    if (same) {
      if (same.address === undefined && e.address !== undefined) same.address = e.address;
      continue;
    }
    out.push(e);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// sts:DecodeAuthorizationMessage output

export interface DecodedStatement {
  sid?: string;
  effect?: string;
  actions: string[];
  resources: string[];
}

export interface DecodedAuthorization {
  allowed: boolean;
  /** The decoded `explicitDeny`: a Deny statement matched (true) or no Allow did (false). */
  explicit: boolean;
  action?: string;
  resourceArn?: string;
  principalArn?: string;
  /**
   * Always `unknown`: a decoded message says whether a Deny matched but not which kind of
   * policy (identity, SCP, boundary, session) held it or lacked the Allow, so it cannot prove
   * "no identity-based policy allows". `explicit` carries what it does say.
   */
  reason: DenialReason;
  statements: DecodedStatement[];
}

const itemsOf = (v: unknown): unknown[] => (isRecord(v) && Array.isArray(v.items) ? v.items : []);
const valuesOf = (v: unknown): string[] => itemsOf(v).map((i) => (isRecord(i) ? asString(i.value) : undefined)).filter((s): s is string => s !== undefined);

/**
 * Read the JSON that sts:DecodeAuthorizationMessage returns (the `DecodedMessage` string, or
 * the whole `{"DecodedMessage": "..."}` response). Undefined when it is not such a document.
 */
export function classifyDecodedMessage(decodedJson: string): DecodedAuthorization | undefined {
  try {
    let doc = tryJson(typeof decodedJson === 'string' ? decodedJson.trim() : '');
    if (isRecord(doc) && typeof doc.DecodedMessage === 'string') doc = tryJson(doc.DecodedMessage);
    if (isRecord(doc) && isRecord(doc.DecodedMessage)) doc = doc.DecodedMessage;
    if (!isRecord(doc) || !('allowed' in doc || 'explicitDeny' in doc || isRecord(doc.context))) return undefined;
    const context = isRecord(doc.context) ? doc.context : {};
    const principal = isRecord(context.principal) ? asString(context.principal.arn) : undefined;
    const resource = asString(context.resource);
    const statements: DecodedStatement[] = itemsOf(doc.matchedStatements)
      .filter(isRecord)
      .map((s) => {
        const st: DecodedStatement = { actions: valuesOf(s.actions), resources: valuesOf(s.resources) };
        const sid = asString(s.statementId);
        const effect = asString(s.effect);
        if (sid) st.sid = sid;
        if (effect) st.effect = effect;
        return st;
      });
    const result: DecodedAuthorization = { allowed: doc.allowed === true, explicit: doc.explicitDeny === true, reason: 'unknown', statements };
    const rawAction = asString(context.action);
    if (rawAction) {
      let action = rawAction.includes(':') ? normaliseAction(rawAction) : undefined;
      if (!action) {
        // Some services put the bare operation here ("RunInstances"): take the prefix from a
        // matched statement naming it, else from the resource ARN.
        const op = rawAction.trim();
        const named = statements.flatMap((s) => s.actions).find((a) => a.toLowerCase().endsWith(`:${op.toLowerCase()}`));
        const service = named?.split(':')[0] ?? parseArn(resource)?.service;
        if (service && /^[A-Za-z0-9]+$/.test(op)) action = normaliseAction(`${service}:${op}`);
      }
      if (action) result.action = action;
    }
    if (resource && (resource.startsWith('arn:') || resource === '*')) result.resourceArn = resource;
    if (principal) result.principalArn = principal;
    return result;
  } catch {
    return undefined;
  }
}

/** A denial completed with what its decoded authorization message says. */
export function applyDecodedMessage(denial: Denial, decodedJson: string): Denial {
  const decoded = classifyDecodedMessage(decodedJson);
  if (!decoded) return denial;
  const next: Denial = { ...denial, explicit: decoded.explicit };
  if (decoded.action && (next.action === undefined || next.actionInferred)) {
    next.action = decoded.action;
    next.actionInferred = false;
  }
  if (decoded.resourceArn && (next.resourceArn === undefined || next.resourceInferred)) {
    next.resourceArn = decoded.resourceArn;
    next.resourceInferred = false;
  }
  if (decoded.principalArn && next.principalArn === undefined) next.principalArn = decoded.principalArn;
  return next;
}

/**
 * Fill in encoded denials (EC2's UnauthorizedOperation) from their decoded form. `decode` is
 * the provider's decoder; a message it cannot decode (e.g. no permission to decode) leaves
 * the denial as it was, so the planner refuses it and a person decodes it.
 */
export async function decodeDenials(denials: readonly Denial[], decode: (encoded: string) => Promise<string>): Promise<Denial[]> {
  const out: Denial[] = [];
  for (const denial of denials) {
    if (!denial.encodedMessage) {
      out.push(denial);
      continue;
    }
    const decoded = await decode(denial.encodedMessage).catch(() => undefined);
    out.push(decoded ? applyDecodedMessage(denial, decoded) : denial);
  }
  return out;
}
