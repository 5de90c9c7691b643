// Reading IAM Policy Autopilot 0.3.0's answers, and comparing them with `permissions parse-error`.
// Pure functions (no process, no file): bench/denial-corpus-autopilot.mjs runs the tools, the unit
// test (test/unit/autopilot-output.test.ts) checks these on output captured from real runs.

/**
 * One `iam-policy-autopilot fix-access-denied` run (message on stdin, not a TTY, no --yes).
 * 0.3.0 has no JSON output for this command; it prints (all on stderr) one of:
 * - exit 0, "IAM Policy Autopilot Plan" with Principal/Action/Resource/Denial lines (an
 *   ImplicitIdentity denial it offers to fix), then "apply refused (refused_non_tty)";
 * - exit 2, "<Class> denial detected" (ExplicitIdentity: no action shown; ResourcePolicy:
 *   Action/Resource lines follow);
 * - exit 2, "Unsupported denial type" with "Denial Type: <Class>";
 * - exit 2, "No AccessDenied found in provided text".
 * Anything else is `error` (kept verbatim in `note`).
 */
export function parseAutopilotCli({ code, stdout, stderr }) {
  const text = `${stdout}\n${stderr}`;
  const field = (name) => {
    const m = new RegExp(`^\\s*${name}:[ \\t]*(\\S.*?)\\s*$`, 'm').exec(text);
    return m ? m[1] : undefined;
  };
  const withFields = (outcome, denialClass) => {
    const r = { outcome, class: denialClass };
    for (const [key, name] of [['principal', 'Principal'], ['action', 'Action'], ['resource', 'Resource']]) {
      const v = field(name);
      if (v !== undefined) r[key] = v;
    }
    return r;
  };
  if (/^IAM Policy Autopilot Plan$/m.test(text)) {
    const r = withFields('plan', field('Denial') ?? 'unknown');
    // Without a TTY and --yes it must refuse before any AWS call; any other ending (applied, or
    // refused after trying, e.g. `mutation_error`) means it tried: the bench stops on that.
    r.triedToApply = !/apply refused \(refused_non_tty\)/.test(text);
    return r;
  }
  const detected = /iam-policy-autopilot: (\w+) denial detected/.exec(text);
  if (detected) return withFields('explained', detected[1]);
  if (/Unsupported denial type/.test(text)) return { outcome: 'unsupported', class: field('Denial Type') ?? 'unknown' };
  if (/No AccessDenied found/.test(text)) return { outcome: 'none' };
  return { outcome: 'error', note: `exit ${code}: ${(stderr || stdout).trim().split('\n')[0] ?? ''}` };
}

/**
 * The policy `generate_policy_for_access_denied` (its MCP tool) proposes, from one JSON-RPC
 * answer: the same parser as the CLI, but it also answers for denials the CLI only names.
 */
export function parseAutopilotMcp(answer) {
  if (!answer) return { outcome: 'no-answer' };
  if (answer.error) {
    const m = /Parsing error: (.*?)(?:: |\. Full error|$)/.exec(answer.error.message ?? '');
    return { outcome: 'error', note: m ? m[1] : String(answer.error.message ?? '').slice(0, 120) };
  }
  const policy = JSON.parse(answer.result?.structuredContent?.Policy ?? 'null');
  const statements = policy?.Statement ?? [];
  const list = (v) => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
  return {
    outcome: 'policy',
    effect: [...new Set(statements.map((s) => s.Effect))].join(','),
    actions: statements.flatMap((s) => list(s.Action)),
    resources: statements.flatMap((s) => list(s.Resource)),
  };
}

/**
 * Autopilot's class for one of our reasons. Autopilot 0.3.0 names three classes
 * (ImplicitIdentity, ExplicitIdentity, ResourcePolicy) and puts everything else, including a
 * denial whose message gives no reason, under Other ("cannot be automatically analyzed").
 */
export function autopilotClassFor(reason) {
  switch (reason) {
    case 'no-identity-policy':
      return 'ImplicitIdentity';
    case 'explicit-deny-identity':
      return 'ExplicitIdentity';
    case 'resource-policy':
      return 'ResourcePolicy';
    case 'scp':
    case 'permissions-boundary':
    case 'session-policy':
    case 'unknown':
      return 'Other';
    default:
      return undefined;
  }
}

/** Autopilot's usable answer for one message: the CLI's, completed by the MCP tool where the CLI shows no action. */
export function autopilotAnswer(cli, mcp) {
  const denial = cli.outcome === 'plan' || cli.outcome === 'explained' || cli.outcome === 'unsupported';
  const a = { found: denial, class: cli.class };
  if (cli.action !== undefined) Object.assign(a, { action: cli.action, resource: cli.resource, from: 'cli' });
  else if (denial && mcp?.outcome === 'policy' && mcp.actions.length > 0) Object.assign(a, { action: mcp.actions[0], resource: mcp.resources[0], from: 'mcp' });
  return a;
}

const same = (a, b) => a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();

/**
 * Side by side for one message. `ours` is `permissions parse-error --json` data (denials,
 * credential_problems); Autopilot reports one denial per message, so it is compared with our
 * denial of the same action, else our first. Each of action/resource/class is `agree`,
 * `differ`, `ours-only`, `autopilot-only` or `neither`; `resourceIsPrincipal` says Autopilot's
 * resource is the denied principal's own ARN (its fallback when the message names no resource).
 */
export function compareMessage(ours, autopilot) {
  // Autopilot takes the first denial sentence it finds; ours lists them all, so match by action.
  const first = ours.denials.find((d) => same(d.action, autopilot.action)) ?? ours.denials[0];
  const pair = (x, y, eq = same) => (x === undefined && y === undefined ? 'neither' : x === undefined ? 'autopilot-only' : y === undefined ? 'ours-only' : eq(x, y) ? 'agree' : 'differ');
  const ourClass = first ? (autopilotClassFor(first.reason) ?? 'unknown') : undefined;
  const theirClass = autopilot.found ? autopilot.class : undefined;
  return {
    found: first ? (autopilot.found ? 'agree' : 'ours-only') : autopilot.found ? 'autopilot-only' : 'neither',
    action: pair(first?.action, autopilot.action),
    // Case matters in an action only for display; AWS matches actions case-insensitively.
    actionExact: first?.action !== undefined && first.action === autopilot.action,
    resource: pair(first?.resource_arn, autopilot.resource, (a, b) => a === b),
    resourceIsPrincipal: autopilot.resource !== undefined && autopilot.resource === first?.principal_arn,
    class: pair(ourClass, theirClass, (a, b) => a === b),
  };
}

/** Counts of each verdict per column, over every message. */
export function tally(rows) {
  const counts = {};
  for (const column of ['found', 'action', 'resource', 'class']) {
    counts[column] = {};
    for (const r of rows) counts[column][r.verdict[column]] = (counts[column][r.verdict[column]] ?? 0) + 1;
  }
  return counts;
}
