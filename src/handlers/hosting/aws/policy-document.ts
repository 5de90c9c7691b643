/**
 * IAM identity-policy documents as faber-cloud writes them: the JSON shape, IAM's size limit,
 * the aws:ResourceAccount pin on account-less ARNs, and the packing of grants into as few
 * documents as fit. AWS facts, so they live behind the AWS hosting handler; the permissions
 * layer's grant planner and the IAM side of a grant (./iam-grants.ts) both use them.
 * Pure: no AWS calls.
 */
import { parseArn } from './arn.js';

/** IAM's limit for a customer managed policy document, whitespace not counted. */
export const POLICY_MAX_CHARS = 6144;
export const POLICY_LANGUAGE_VERSION = '2012-10-17';

export interface PolicyStatement {
  Effect: 'Allow';
  Action: string[];
  Resource: string[];
  /** Only on statements with account-less ARNs (S3 buckets): see `resourceAccountCondition`. */
  Condition?: ResourceAccountCondition;
}

export interface ResourceAccountCondition {
  StringEquals: { 'aws:ResourceAccount': string };
}

/**
 * S3 bucket names are global and their ARNs carry no account, so `arn:aws:s3:::myapp-core-test-*`
 * also matches a bucket of that name in another account (one whose policy lets this account in
 * could receive the deploy's writes). Statements naming such an ARN are pinned to the
 * environment's account. moto does not evaluate the key (an absent key passes); that AWS sets
 * it on every S3 request a deploy makes is its documentation, not tested here. Statements on
 * `*` or on ARNs that carry the account need no condition.
 */
export function resourceAccountCondition(resources: readonly string[], accountId: string | undefined): ResourceAccountCondition | undefined {
  if (accountId === undefined) return undefined;
  const accountless = resources.some((r) => r !== '*' && r.startsWith('arn:') && (parseArn(r)?.accountId ?? '') === '');
  return accountless ? { StringEquals: { 'aws:ResourceAccount': accountId } } : undefined;
}

export interface PolicyDocument {
  Version: typeof POLICY_LANGUAGE_VERSION;
  Statement: PolicyStatement[];
}

/** One action on its resources, as the planner grants it. */
export interface PolicyGrant {
  /** `service:Action`, AWS's spelling. */
  action: string;
  resources: readonly string[];
}

// Stryker disable next-line EqualityOperator,ConditionalExpression: the strings compared are always distinct (de-duplicated, map keys), so `<=`/`>=` and a constant `a > b` order them the same
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const sortStrings = (list: readonly string[]) => [...new Set(list)].sort(compare);

const documentOf = (statements: PolicyStatement[]): PolicyDocument => ({ Version: POLICY_LANGUAGE_VERSION, Statement: statements });
const sizeOf = (statements: PolicyStatement[]) => JSON.stringify(documentOf(statements)).length;

/**
 * Statements merging actions that share the same resource set, packed into as few documents
 * of at most `maxChars` characters as a greedy fill makes: a statement that does not fit is
 * split by actions (and, if one action's resources alone do not fit, by resources).
 */
export function buildPolicyDocuments(
  grants: readonly PolicyGrant[],
  maxChars = POLICY_MAX_CHARS,
  /** The environment's account: pins statements on account-less ARNs (resourceAccountCondition). */
  options: { resourceAccount?: string } = {},
): PolicyDocument[] {
  const byResources = new Map<string, { resources: string[]; actions: Set<string> }>();
  for (const g of grants) {
    const resources = sortStrings(g.resources);
    // A grant without resources would vanish from the policy while the plan still lists it as granted.
    if (resources.length === 0) throw new Error(`grant of ${g.action} has no resources: refuse it in the plan instead`);
    const key = JSON.stringify(resources);
    const s = byResources.get(key) ?? { resources, actions: new Set<string>() };
    s.actions.add(g.action);
    byResources.set(key, s);
  }
  const statements: PolicyStatement[] = [...byResources.entries()]
    .sort(([a], [b]) => compare(a, b))
    .map(([, s]) => {
      const condition = resourceAccountCondition(s.resources, options.resourceAccount);
      return { Effect: 'Allow' as const, Action: sortStrings([...s.actions]), Resource: s.resources, ...(condition ? { Condition: condition } : {}) };
    });

  const documents: PolicyStatement[][] = [];
  let current: PolicyStatement[] = [];
  const flush = () => {
    if (current.length) documents.push(current);
    current = [];
  };
  const fits = (list: PolicyStatement[]) => sizeOf(list) <= maxChars;

  for (const statement of statements) {
    // Stryker disable next-line ConditionalExpression,BlockStatement: a shortcut; the action split below packs a statement that fits whole the same way
    if (fits([...current, statement])) {
      current.push(statement);
      continue;
    }
    // Split by actions: fill the current document, continue in the next.
    let actions = statement.Action;
    while (actions.length) {
      let n = 0;
      // Stryker disable next-line EqualityOperator: at n === actions.length the slice is the whole list again, so `<=` adds nothing
      while (n < actions.length && fits([...current, { ...statement, Action: actions.slice(0, n + 1) }])) n += 1;
      if (n === 0) {
        if (current.length) {
          flush();
          continue;
        }
        // One action whose resources alone exceed the limit: split the resources.
        const [first, ...rest] = actions;
        for (const part of splitResources({ ...statement, Action: [first as string] }, maxChars)) documents.push([part]);
        actions = rest;
        continue;
      }
      current.push({ ...statement, Action: actions.slice(0, n) });
      actions = actions.slice(n);
      // Stryker disable next-line ConditionalExpression: without this flush the next round finds the document full (n === 0) and flushes it there
      if (actions.length) flush();
    }
  }
  flush();
  return documents.map(documentOf);
}

function splitResources(statement: PolicyStatement, maxChars: number): PolicyStatement[] {
  const out: PolicyStatement[] = [];
  let chunk: string[] = [];
  const action = statement.Action[0];
  const stmt = (r: string[]): PolicyStatement => ({ ...statement, Resource: r });
  for (const r of statement.Resource) {
    if (sizeOf([stmt([...chunk, r])]) <= maxChars) {
      chunk.push(r);
      continue;
    }
    if (chunk.length === 0) throw new Error(`a single IAM statement for ${action} on ${r} exceeds ${maxChars} characters`);
    out.push(stmt(chunk));
    chunk = [r];
  }
  // Stryker disable next-line ConditionalExpression: a statement always has a resource (buildPolicyDocuments refuses one without), so the last chunk is never empty
  if (chunk.length) out.push(stmt(chunk));
  return out;
}

