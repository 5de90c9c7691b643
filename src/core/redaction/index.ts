/**
 * The one redaction module (DESIGN §4): everything the CLI writes to an artifact or prints goes
 * through `redactText` / `redactValue` at its chokepoint (the output layer, the atomic writers,
 * the history append). It knows two things:
 *  - secret shapes: AWS keys and session tokens, JWTs, Authorization headers, password/secret/
 *    token/api_key key-values, PEM private keys, URL credentials, GitHub/Slack/Stripe tokens;
 *  - the values the IaC tool marks sensitive, registered process-wide (`registerSensitive`) by the
 *    IaC handler that reads the plan or state (it alone knows its format).
 * A secret is replaced by REDACTED; a label before it is kept (`password=[REDACTED]`).
 * Identifiers the registry and console URLs depend on (ARNs, UUIDs, commit SHAs, plan ids,
 * resource ids) must survive untouched: every shape below is written to exclude them.
 */

export const REDACTED = '[REDACTED]';

/** Sensitive values shorter than this are not registered: "1" or "true" would be redacted everywhere. */
export const MIN_SENSITIVE_LENGTH = 6;

const sensitiveValues = new Set<string>();
/** Longest first, so a value containing another is replaced whole; rebuilt lazily. */
let sensitiveSorted: string[] | undefined;

/** Register values (strings, or the string leaves of objects/arrays) to redact from now on. */
export function registerSensitive(value: unknown): void {
  const add = (s: string) => {
    if (s.length < MIN_SENSITIVE_LENGTH || s === REDACTED) return;
    const before = sensitiveValues.size;
    sensitiveValues.add(s);
    // The same value inside JSON text (an error message quoting JSON) is escaped.
    const escaped = JSON.stringify(s).slice(1, -1);
    // Stryker disable next-line ConditionalExpression: adding the same string to a Set again changes nothing
    if (escaped !== s) sensitiveValues.add(escaped);
    // Stryker disable next-line ConditionalExpression: a cache; dropping it more often only costs a sort
    if (sensitiveValues.size !== before) sensitiveSorted = undefined;
  };
  const walk = (v: unknown, depth: number) => {
    if (depth > 64) return;
    if (typeof v === 'string') add(v);
    else if (typeof v === 'number' || typeof v === 'bigint') add(String(v));
    else if (v !== null && typeof v === 'object') for (const item of Object.values(v)) walk(item, depth + 1);
  };
  walk(value, 0);
}

/** Forget every registered value (tests; a long-lived process switching projects). */
export function clearSensitive(): void {
  sensitiveValues.clear();
  sensitiveSorted = undefined;
}

/** How many values are registered (diagnostics and tests). */
export function sensitiveCount(): number {
  return sensitiveValues.size;
}

// ---------------------------------------------------------------------------------------------
// Secret shapes

/** Key names whose value is a secret (matched on the lowercased name without `_`, `-`, `.`). */
const SECRET_KEY = /(?:password|passwd|passphrase|pwd|secret|secretkey|secretaccesskey|token|apikey|privatekey|authorization)$/;

/** Values that look like a secret key's value but are code or flags (HCL `x_password = var.y`, `= true`). */
const NOT_A_SECRET_VALUE = /^(?:|true|false|null|none|nil|\d{1,5}|\[REDACTED\].*|\*+|<[^>]*>|\(sensitive.*|(?:var|local|data|module|each|count|self|path|terraform)\.[\w.[\]"-]+|[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.[a-z][a-z0-9_.[\]]*|\$\{.*)$/i;

/** A bare value that is a lowercase function name (HCL's are: try, coalesce, lookup, ...). */
const HCL_FUNCTION = /^[a-z][a-z0-9_]*$/;

/** Names that end like a secret key but are error codes or resource types (`ExpiredToken: …`). */
const NOT_A_SECRET_KEY = /^(?:expired|invalid|missing|bad|unrecognized|get|decode)|secretsmanager|^aws(?:secretsmanager|ssm|iam)/;

/** Answers per key name: a registry of 5,000 resources repeats the same twenty keys (performance). */
const secretKeys = new Map<string, boolean>();

function isSecretKey(name: string): boolean {
  let secret = secretKeys.get(name);
  // Stryker disable next-line ConditionalExpression: a cache; answering again gives the same answer
  if (secret !== undefined) return secret;
  const k = name.toLowerCase().replace(/[-_.\s]/g, '');
  secret = SECRET_KEY.test(k) && !NOT_A_SECRET_KEY.test(k);
  // Stryker disable next-line ConditionalExpression,EqualityOperator: bounds the cache (key names come from state); not caching gives the same answer
  if (secretKeys.size < 4096) secretKeys.set(name, secret);
  return secret;
}

/**
 * key=value / key: value / "key": "value" where the key names a secret. The key must not follow
 * `:` or `/` (an ARN such as `…:secret:db-password-AbCd` is an identifier, not a key-value), and
 * a `:` separator needs a space or a quoted key (`secret:db` inside an ARN is not `secret: db`).
 */
const KEY_VALUE = new RegExp(
  String.raw`(?<![A-Za-z0-9_.:/\\-])` +
    String.raw`(["']?)((?:[A-Za-z][A-Za-z0-9_.-]*?)?(?:password|passwd|passphrase|pwd|secret|secret[_-]?key|secret[_-]?access[_-]?key|token|api[_-]?key|apikey|private[_-]?key))\1` +
    String.raw`([ \t]*=[ \t]*|[ \t]*:[ \t]+|(?<=["'])[ \t]*:[ \t]*)` +
    String.raw`(?:"((?:[^"\\\n]|\\.)*)"|'([^'\n]*)'|([^\s"'&,;<>()[\]{}]+))`,
  'gi',
);

interface Shape {
  name: string;
  re: RegExp;
  replace: (match: string, ...groups: string[]) => string;
  /**
   * A condition every text the shape matches meets, much cheaper than the shape on a big text
   * (a 4 MB registry.json is redacted whole when written): false skips the shape, changing
   * nothing. Only where measured to pay (the shapes that start with a literal scan fast).
   */
  needs?: (text: string) => boolean;
}

const keep = (label: string) => `${label}${REDACTED}`;

/** Ordered: structured shapes (PEM, headers, URLs) before the single-token ones. */
const SHAPES: Shape[] = [
  {
    name: 'pem-private-key',
    // A block cut short (a log line sliced to a length) is redacted to the end of the text.
    re: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|[\s\S]*$)/g,
    replace: () => `[REDACTED PRIVATE KEY]`,
  },
  {
    name: 'authorization-header',
    re: /\b((?:proxy-)?authorization["']?[ \t]*[:=][ \t]*["']?(?:Bearer|Basic|Token|Digest|AWS4-HMAC-SHA256|Negotiate)?[ \t]*)([^\s"',;][^"'\n\r]*)/gi,
    replace: (_m, label) => keep(label ?? ''),
  },
  {
    name: 'bearer-token',
    re: /\b((?:Bearer|Basic)[ \t]+)([A-Za-z0-9._~+/-]{8,}=*)/g,
    // Prose ("Basic authentication") is not a credential: a token has a digit, a symbol, or a capital inside.
    replace: (m, label, token) => (/[0-9._~+/=-]|.[A-Z]/.test(token ?? '') ? keep(label ?? '') : m),
  },
  {
    name: 'url-credentials',
    re: /\b([a-z][a-z0-9+.-]*:\/\/[^/\s:@"']+:)([^/\s@"']+)(@)/gi,
    // The part of a match from `://` on.
    // Stryker disable next-line StringLiteral,ConditionalExpression,Regex: a pre-check; one true more often only costs time
    needs: (text) => /:\/\/[^/\s:@"']+:[^/\s@"']+@/.test(text),
    // `${var.x}` is a Terraform reference in generated code, not a password.
    replace: (m, before, pw, at) => (String(pw).startsWith('${') ? m : `${before}${REDACTED}${at}`),
  },
  {
    name: 'jwt',
    re: /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g,
    replace: () => REDACTED,
  },
  {
    name: 'aws-session-token',
    re: /\b(?:FwoGZXIvYXdzE|IQoJb3JpZ2luX2Vj|AgoJb3JpZ2luX2Vj)[A-Za-z0-9/+=]{20,}/g,
    replace: () => REDACTED,
  },
  {
    name: 'aws-secret-labelled',
    // aws_secret_access_key / SecretAccessKey / aws_secret followed by a 40-character base64 value.
    re: /\b((?:aws)?[_-]?secret(?:[_-]?access)?[_-]?key(?:[_-]?id)?["']?[ \t]*[:=][ \t]*["']?|aws_secret["']?[ \t]*[:=][ \t]*["']?)([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/gi,
    replace: (_m, label) => keep(label ?? ''),
  },
  {
    name: 'aws-access-key-id',
    re: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g,
    replace: () => REDACTED,
  },
  {
    name: 'github-token',
    re: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g,
    replace: () => REDACTED,
  },
  {
    name: 'slack-token',
    re: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b|https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/]+/g,
    replace: () => REDACTED,
  },
  {
    name: 'stripe-key',
    re: /\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}\b|\bwhsec_[A-Za-z0-9]{24,}\b/g,
    replace: () => REDACTED,
  },
  {
    name: 'aws-secret-standalone',
    // 40 base64 characters standing alone (not part of a path, ARN or URL) with upper case, lower
    // case and a digit: what a secret access key looks like and a commit SHA (hex) does not.
    re: /(?<![A-Za-z0-9/+=_.:@#?&%~-])([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=_.:@#?&%~-])/g,
    needs: hasRun40,
    replace: (m) => (/[A-Z]/.test(m) && /[a-z]/.test(m) && /[0-9]/.test(m) && !m.startsWith('/') && !m.endsWith('/') && !m.includes('//') ? REDACTED : m),
  },
];

/**
 * The shapes skipped when their `needs` is false, with it (tests check that every text a shape
 * matches meets its condition).
 */
export const PREFILTERED_SHAPES: readonly { name: string; re: RegExp; needs: (text: string) => boolean }[] = [
  ...SHAPES.flatMap((s) => (s.needs ? [{ name: s.name, re: s.re, needs: s.needs }] : [])),
  { name: 'key-value', re: KEY_VALUE, needs: (text) => KEY_VALUE_NEEDS.test(text) },
];

/** The names of the shapes known (tests use them to prove the canary corpus covers each). */
export const SHAPE_NAMES: readonly string[] = [...SHAPES.map((s) => s.name), 'key-value'];

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

let sensitiveRe: RegExp | undefined;
let sensitiveReFor: string[] | undefined;

function sensitivePattern(): RegExp | undefined {
  if (sensitiveValues.size === 0) return undefined;
  // Stryker disable next-line ConditionalExpression: a cache; sorting again gives the same list
  if (!sensitiveSorted) sensitiveSorted = [...sensitiveValues].sort((a, b) => b.length - a.length);
  // Stryker disable next-line ConditionalExpression: a cache; rebuilding gives the same pattern
  if (sensitiveReFor !== sensitiveSorted) {
    sensitiveRe = new RegExp(sensitiveSorted.map(escapeRe).join('|'), 'g');
    sensitiveReFor = sensitiveSorted;
  }
  return sensitiveRe;
}

/**
 * One pass that every shape needs to match (a word each starts with or a 40-character run):
 * most strings written (addresses, ARNs, timestamps) fail it, and skip the dozen shape passes.
 * A registry of 5,000 resources is written several times per deploy.
 */
const TRIGGER = /-----BEGIN|authorization|bearer|basic|:\/\/[^/\s]*@|eyJ|FwoGZXIvYXdzE|IQoJb3JpZ2luX2Vj|AgoJb3JpZ2luX2Vj|AKIA|ASIA|gh[pousr]_|github_pat_|xox|hooks\.slack|_live_|_test_|whsec_|passw|passphrase|pwd|secret|token|api[_-]?key|apikey|private[_-]?key/i;

/** 1 for the characters of `[A-Za-z0-9/+]`, indexed by any UTF-16 code unit. */
const RUN_CHAR = new Uint8Array(65536);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+') RUN_CHAR[c.charCodeAt(0)] = 1;

const isRunChar = (text: string, i: number): boolean => RUN_CHAR[text.charCodeAt(i)] === 1;

/**
 * `/[A-Za-z0-9/+]{40}/.test(text)`, which is slow on long text (it tries 40 characters from every
 * position), looking at few characters: no run of 40 ends before `i` (the invariant). When the
 * character at `i` is not a run character, no run of 40 ends before `i + 40` either; when it is,
 * its run starts at `start`, and is 40 long at `i` or cannot be before `start + 39`. Exported for
 * the test that pins it to the regular expression.
 */
export function hasRun40(text: string): boolean {
  let i = 39;
  // Stryker disable next-line EqualityOperator: at the text's length, charCodeAt is NaN, no run character
  while (i < text.length) {
    if (!isRunChar(text, i)) {
      i += 40;
      continue;
    }
    let start = i;
    // Stryker disable next-line EqualityOperator,ConditionalExpression: before the text, charCodeAt is NaN, no run character
    while (start > 0 && isRunChar(text, start - 1)) start--;
    if (i - start >= 39) return true;
    i = start + 39;
  }
  return false;
}

function mayHoldShape(text: string): boolean {
  // The shortest text a shape matches is 5 characters (`pwd=x`).
  // Stryker disable next-line ConditionalExpression,LogicalOperator: a pre-filter; letting more text through only costs time
  return text.length >= 5 && (TRIGGER.test(text) || (text.length >= 40 && hasRun40(text)));
}

/** What every KEY_VALUE match holds: the end of its key name, an optional quote, then `=` or `:`. */
const KEY_VALUE_NEEDS = /(?:password|passwd|passphrase|pwd|secret|key|token)["']?[ \t]*[:=]/i;

/** The text with every registered sensitive value and every secret shape replaced. */
export function redactText(text: string): string {
  if (typeof text !== 'string' || text.length === 0) return text;
  let out = text;
  const sensitive = sensitivePattern();
  if (sensitive) out = out.replace(sensitive, REDACTED);
  // Stryker disable next-line ConditionalExpression: a pre-filter (see mayHoldShape)
  if (!mayHoldShape(out)) return out;
  for (const shape of SHAPES) {
    // Stryker disable next-line ConditionalExpression,LogicalOperator: a pre-check (see Shape.needs); running the shape anyway changes nothing
    if (shape.needs && !shape.needs(out)) continue;
    shape.re.lastIndex = 0;
    out = out.replace(shape.re, shape.replace as (substring: string, ...args: unknown[]) => string);
  }
  // Stryker disable next-line ConditionalExpression: a pre-check (see KEY_VALUE_NEEDS); running the shape anyway changes nothing
  if (!KEY_VALUE_NEEDS.test(out)) return out;
  out = out.replace(KEY_VALUE, (match, q: string, key: string, sep: string, dq: string | undefined, sq: string | undefined, bare: string | undefined, offset: number, whole: string) => {
    const value = dq ?? sq ?? bare ?? '';
    if (!isSecretKey(key) || NOT_A_SECRET_VALUE.test(value)) return match;
    // HCL calling a function (`token = try(var.lock.token, null)`, public modules): code, not a value.
    if (bare !== undefined && HCL_FUNCTION.test(bare) && whole[offset + match.length] === '(') return match;
    const quoted = dq !== undefined ? `"${REDACTED}"` : sq !== undefined ? `'${REDACTED}'` : REDACTED;
    return `${q}${key}${q}${sep}${quoted}`;
  });
  return out;
}

/**
 * A copy of `value` with every string redacted, and string values under secret-named keys
 * (`password`, `api_key`, `SecretAccessKey`, …) replaced whole. Done before JSON serialisation
 * so the JSON stays valid. Values that need no change are returned as they are.
 */
export function redactValue<T>(value: T): T {
  return redactAny(value, 0, false) as T;
}

function redactAny(value: unknown, depth: number, secretKey: boolean): unknown {
  if (typeof value === 'string') {
    if (secretKey && !NOT_A_SECRET_VALUE.test(value)) return REDACTED;
    return redactText(value);
  }
  if (value === null || typeof value !== 'object') return value;
  // Too deep to walk without risking the stack: withheld whole rather than written unredacted.
  if (depth > 200) return REDACTED;
  if (value instanceof Date) return value;
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((v) => {
      const r = redactAny(v, depth + 1, secretKey);
      if (r !== v) changed = true;
      return r;
    });
    return changed ? out : value;
  }
  // Objects with toJSON (Error, URL, …) serialise through it: redact what they serialise to.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return redactAny((value as { toJSON(): unknown }).toJSON(), depth + 1, secretKey);
  // The copy starts at the first change (most objects have none): no pair arrays, no copy to drop.
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  let out: Record<string, unknown> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const v = obj[key];
    const r = redactAny(v, depth + 1, isSecretKey(key));
    if (r !== v && out === undefined) {
      out = {};
      // Stryker disable next-line EqualityOperator: copying key i too changes nothing, it is overwritten just below
      for (let j = 0; j < i; j++) out[keys[j]!] = obj[keys[j]!];
    }
    if (out !== undefined) out[key] = r;
  }
  return out ?? value;
}
