// The plugin's PreToolUse hook (hooks/confirm-gate.mjs), tested as Claude Code runs it: the
// script spawned with the hook input JSON of the hooks reference on stdin, its stdout JSON
// and exit code asserted. Classes: every gated flag and command in every spelling (ask),
// every way of reaching the CLI around the plain form with a gated operation (deny), and
// benign lines, including other tools' quoted text that merely mentions the words (no output).
// The shell tokenizer it decides on is tested on its own first.
import { execa } from 'execa';
import { readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../src/cli/commands.js';

const ROOT = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
const PLUGIN_ROOT = path.join(ROOT, 'plugin');
const SCRIPT = path.join(PLUGIN_ROOT, 'hooks', 'confirm-gate.mjs');

interface Word { raw: string; value: string; quoted: boolean; dynamic: boolean }
interface Token { type: 'word' | 'op' | 'redir'; word?: Word; op?: string; heredoc?: string }
interface Decision { decision: 'ask' | 'deny'; reason: string }
interface Gate {
  tokenize(src: string): { tokens: Token[]; substitutions: string[]; heredocs: string[] };
  parseCommandLine(src: string): { commands: Array<{ words: Word[]; assignments: Word[]; nested: boolean }>; operators: string[]; compound: boolean; substitutions: string[] };
  decide(command: string, cwd?: string, permissionMode?: string): Decision | undefined;
  gatesOf(args: string[]): { what: string; effect: string }[];
  GATED_FLAGS: string[];
  GATED_COMMANDS: string[];
}
// A plain .mjs without types: loaded by URL and typed here.
const gate = (await import(pathToFileURL(SCRIPT).href)) as Gate;

/** Stdin of a PreToolUse hook for a Bash call (hooks reference, "PreToolUse input"). */
function hookInput(command: string, cwd: string, toolName = 'Bash', permissionMode = 'default'): string {
  return JSON.stringify({
    session_id: 'test-session',
    transcript_path: path.join(cwd, 'transcript.jsonl'),
    cwd,
    permission_mode: permissionMode,
    hook_event_name: 'PreToolUse',
    tool_name: toolName,
    tool_input: toolName === 'Bash' ? { command, description: 'run it', timeout: 120000 } : { file_path: path.join(cwd, 'x.sh'), content: command },
    tool_use_id: 'toolu_01TEST',
  });
}

interface HookRun { exitCode: number; stdout: string; decision?: 'ask' | 'deny'; reason?: string }

async function runHook(stdin: string, env: Record<string, string> = {}): Promise<HookRun> {
  const r = await execa('node', [SCRIPT], { input: stdin, reject: false, timeout: 20_000, env: { CLAUDE_PLUGIN_ROOT: PLUGIN_ROOT, ...env } });
  const exitCode = typeof r.exitCode === 'number' ? r.exitCode : -1;
  if (r.stdout.trim() === '') return { exitCode, stdout: r.stdout };
  const out = JSON.parse(r.stdout) as { hookSpecificOutput: { hookEventName: string; permissionDecision: 'ask' | 'deny'; permissionDecisionReason: string } };
  // The documented shape, and nothing else.
  expect(Object.keys(out)).toEqual(['hookSpecificOutput']);
  expect(Object.keys(out.hookSpecificOutput).sort()).toEqual(['hookEventName', 'permissionDecision', 'permissionDecisionReason']);
  expect(out.hookSpecificOutput.hookEventName).toBe('PreToolUse');
  return { exitCode, stdout: r.stdout, decision: out.hookSpecificOutput.permissionDecision, reason: out.hookSpecificOutput.permissionDecisionReason };
}

/** Runs many hook processes, a few at a time. */
async function runAll(commandsToRun: string[], cwd: string): Promise<Map<string, HookRun>> {
  const out = new Map<string, HookRun>();
  const queue = [...new Set(commandsToRun)];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let c = queue.shift(); c !== undefined; c = queue.shift()) out.set(c, await runHook(hookInput(c, cwd)));
    }),
  );
  return out;
}

// ---------------------------------------------------------------------------------------

describe('shell tokenizer', () => {
  const words = (src: string) => gate.tokenize(src).tokens.filter((t) => t.type === 'word').map((t) => t.word!.value);
  const shape = (src: string) => gate.tokenize(src).tokens.map((t) => (t.type === 'word' ? `w:${t.word!.value}` : `${t.type}:${t.op}`));

  it.each([
    ['plain words', 'faber-cloud infra deploy --env prod', ['faber-cloud', 'infra', 'deploy', '--env', 'prod']],
    ['single quotes keep everything', `git commit -m 'add --apply; $(x) "y"'`, ['git', 'commit', '-m', 'add --apply; $(x) "y"']],
    ['double quotes, escapes inside', 'echo "a \\"b\\" \\$c \\d"', ['echo', 'a "b" $c \\d']],
    ['adjacent quoted parts join', `fab""er-'cl'oud`, ['faber-cloud']],
    ['backslash escapes', 'faber\\-cloud a\\ b', ['faber-cloud', 'a b']],
    ['line continuation', 'faber-cloud \\\n  init', ['faber-cloud', 'init']],
    ['ANSI-C quoting', "$'\\x66aber\\055cloud\\t'", ['faber-cloud\t']],
    ['comment to end of line', 'faber-cloud init # --force\nls', ['faber-cloud', 'init', 'ls']],
    ['# inside a word is not a comment', 'echo a#b', ['echo', 'a#b']],
    ['--confirm=prod is one word', 'faber-cloud infra deploy --confirm=prod', ['faber-cloud', 'infra', 'deploy', '--confirm=prod']],
  ])('%s', (_label, src, expected) => {
    expect(words(src)).toEqual(expected);
  });

  it('splits operators and redirections, and takes a redirection fd off the word before it', () => {
    expect(shape('a|b||c&&d;e&f 2>&1 >out <in')).toEqual([
      'w:a', 'op:|', 'w:b', 'op:||', 'w:c', 'op:&&', 'w:d', 'op:;', 'w:e', 'op:&', 'w:f', 'redir:>&', 'w:1', 'redir:>', 'w:out', 'redir:<', 'w:in',
    ]);
    expect(shape('(a) ; { b; }')).toEqual(['op:(', 'w:a', 'op:)', 'op:;', 'w:{', 'w:b', 'op:;', 'w:}']);
  });

  it('marks expansions as dynamic and keeps substitution bodies to parse', () => {
    const r = gate.tokenize('echo $X "${Y}" $(faber-cloud init --force) `id` $((1+2)) <(ls) *.log {a,b} plain "quoted*"');
    const dyn = r.tokens.filter((t) => t.type === 'word').map((t) => [t.word!.raw, t.word!.dynamic]);
    expect(dyn).toEqual([
      ['echo', false], ['$X', true], ['"${Y}"', true], ['$(faber-cloud init --force)', true], ['`id`', true], ['$((1+2))', true],
      ['<(ls)', true], ['*.log', true], ['{a,b}', true], ['plain', false], ['"quoted*"', false],
    ]);
    expect(r.substitutions).toEqual(['faber-cloud init --force', 'id', 'ls']);
  });

  it('reads here-document bodies (quoted delimiter, <<- tab stripping) and goes on after them', () => {
    const r = gate.tokenize("bash <<'EOF'\nfaber-cloud init --force\nEOF\necho after\ncat <<-END\n\tx\n\tEND\n");
    expect(r.heredocs).toEqual(['faber-cloud init --force', '\tx']);
    expect(words("bash <<'EOF'\nfaber-cloud init --force\nEOF\necho after")).toEqual(['bash', 'echo', 'after']);
  });

  it('parses commands of nested substitutions once each, marked nested; assignments and reserved words apart', () => {
    const p = gate.parseCommandLine('X=1 echo $(a $(b `c`)) && if true; then d; fi');
    expect(p.commands.map((c) => [c.words[0]?.value, c.nested])).toEqual([['echo', false], ['true', false], ['d', false], ['a', true], ['b', true], ['c', true]]);
    expect(p.commands[0]!.assignments.map((w) => w.value)).toEqual(['X=1']);
    expect(p.substitutions).toEqual(['a $(b `c`)', 'b `c`', 'c']);
    expect(p.compound).toBe(true);
    expect(gate.parseCommandLine('a | b').compound).toBe(false);
  });

  it.each([`echo 'unclosed`, 'echo "unclosed', 'echo $(unclosed', 'echo `unclosed', 'echo ${unclosed', 'trailing\\'])('refuses what it cannot read: %s', (src) => {
    expect(() => gate.tokenize(src)).toThrow();
  });
});

// ---------------------------------------------------------------------------------------

describe('hook decisions (the script spawned with the documented hook JSON)', () => {
  let work: string;
  beforeAll(async () => {
    // A project with a faber-cloud package (dist/ reached by path), scripts that run the CLI, and a copied launcher.
    work = await mkdtemp(path.join(tmpdir(), 'faber-hook-'));
    await mkdir(path.join(work, 'dist'), { recursive: true });
    await writeFile(path.join(work, 'package.json'), JSON.stringify({ name: 'faber-cloud', scripts: { deploy: 'faber-cloud infra deploy --env prod --plan abc --confirm prod', build: 'tsc' } }));
    await writeFile(path.join(work, 'dist', 'cli.js'), '// bundle\n');
    await writeFile(path.join(work, 'deploy.sh'), '#!/bin/sh\nfaber-cloud infra deploy --env prod --plan abc --confirm prod\n');
    await writeFile(path.join(work, 'fc'), "#!/usr/bin/env node\nprocess.title = 'faber-cloud';\nimport('../dist/cli.js');\n");
    await writeFile(path.join(work, 'build.sh'), '#!/bin/sh\ntsc -p .\n');
    await chmod(path.join(work, 'deploy.sh'), 0o755);
    await chmod(path.join(work, 'fc'), 0o755);
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  /** Gated operations, each a valid argv after `faber-cloud`, with words its reason must name. */
  const GATED: Array<[string, string, string[]]> = [
    ['--confirm <env>', 'infra deploy --env prod --plan 3f9a1c2b7d4e --confirm prod --json', ['infra deploy', '--confirm prod', '3f9a1c2b7d4e']],
    ['--confirm=<env>', 'infra deploy --env prod --plan 3f9a1c2b7d4e --confirm=prod', ['--confirm prod']],
    ['--confirm first', 'infra deploy --confirm prod --env prod --plan 3f9a1c2b7d4e', ['--confirm prod']],
    ['--CONFIRM (any case)', 'infra deploy --env prod --CONFIRM=prod', ['--confirm prod']],
    ['--apply', 'ops remediate --env test --action restart-service --target api --apply', ['--apply', 'restart-service', "'test'"]],
    ['--apply last, with --confirm', 'ops remediate --env prod --action set-concurrency --target worker --concurrency 0 --confirm prod --apply', ['--apply', '--confirm prod']],
    ['--force (init)', 'init --force', ['--force', 'devops.json']],
    ['--force (architect)', "infra architect --feature 'user uploads' --force --json", ['--force', 'design']],
    ['--force (engineer)', 'infra engineer --design user-uploads --force', ['--force', 'edited by hand']],
    ['--skip-pre-tests', 'infra deploy --env test --skip-pre-tests', ['--skip-pre-tests', 'pre-deploy']],
    ['infra destroy', 'infra destroy --env test --confirm test', ['infra destroy', "'test'"]],
    ['infra destroy after global options', '--json --cwd ../app infra destroy --env test --plan p1 --confirm test', ['infra destroy']],
    ['permissions grant', "permissions grant --env test --action s3:CreateBucket --reason 'uploads bucket'", ['permissions grant', 's3:CreateBucket']],
    ['permissions grant --json', "permissions grant --json --env test --action=sqs:CreateQueue --action sqs:TagQueue --reason 'q'", ['sqs:CreateQueue, sqs:TagQueue']],
  ];

  it('asks for every gated flag and command, in every spelling, with a reason naming what it does', async () => {
    const results = await runAll(GATED.map(([, args]) => `faber-cloud ${args}`), work);
    for (const [label, args, words] of GATED) {
      const r = results.get(`faber-cloud ${args}`)!;
      expect(r.exitCode, label).toBe(0);
      expect(r.decision, `${label}: ${r.stdout}`).toBe('ask');
      for (const w of words) expect(r.reason, label).toContain(w);
      expect(r.reason).toMatch(/needs your confirmation/);
    }
    // Redirected output is still one command the user can read: asked, not denied.
    expect((await runHook(hookInput('faber-cloud init --force 2>&1', work))).decision).toBe('ask');
    expect((await runHook(hookInput('faber-cloud init --force > init.log\n', work))).decision).toBe('ask');
  });

  /** Ways of reaching the CLI other than a plain `faber-cloud ...` line; {args} is a gated argv. */
  const BYPASS: Array<[string, string]> = [
    ['node on the bundle', 'node dist/cli.js {args}'],
    ['node on the bundle, absolute', 'node {work}/dist/cli.js {args}'],
    ['bundle run by path', '{work}/dist/cli.js {args}'],
    ['node on the launcher', 'node bin/faber-cloud {args}'],
    ['launcher by relative path', './bin/faber-cloud {args}'],
    ['launcher by absolute path', '/home/u/.claude/plugins/cache/m/fractary-faber-cloud/0.1.0/bin/faber-cloud {args}'],
    ['npx', 'npx faber-cloud {args}'],
    ['npm exec', 'npm exec faber-cloud -- {args}'],
    ['env', 'env faber-cloud {args}'],
    ['env with a variable', 'env FOO=1 faber-cloud {args}'],
    ['variable assignment', 'VAR=x faber-cloud {args}'],
    ['command builtin', 'command faber-cloud {args}'],
    ['exec', 'exec faber-cloud {args}'],
    ['sudo', 'sudo faber-cloud {args}'],
    ['nohup', 'nohup faber-cloud {args}'],
    ['timeout', 'timeout 600 faber-cloud {args}'],
    ['time', 'time faber-cloud {args}'],
    ['single-quoted name', "'faber-cloud' {args}"],
    ['double-quoted name', '"faber-cloud" {args}'],
    ['escaped name', 'faber\\-cloud {args}'],
    ['empty quotes inside', 'fab""er-cloud {args}'],
    ['empty single quotes inside', "fab''er-cloud {args}"],
    ['ANSI-C quoted name', "$'\\x66aber-cloud' {args}"],
    ['glob for the name', 'faber-clou? {args}'],
    ['name from a variable', 'f=faber-cloud; $f {args}'],
    ['name from a substitution', '$(which faber-cloud) {args}'],
    ['pipeline', 'faber-cloud {args} | tee deploy.log'],
    ['pipeline into it', 'yes | faber-cloud {args}'],
    ['sequence', 'faber-cloud {args}; echo done'],
    ['two lines', 'faber-cloud {args}\necho done'],
    ['and-list', 'cd app && faber-cloud {args}'],
    ['or-list', 'faber-cloud {args} || true'],
    ['background', 'faber-cloud {args} &'],
    ['subshell', '(faber-cloud {args})'],
    ['group', '{ faber-cloud {args}; }'],
    ['if', 'if true; then faber-cloud {args}; fi'],
    ['command substitution', 'echo $(faber-cloud {args})'],
    ['backticks', 'echo `faber-cloud {args}`'],
    ['bash -c', "bash -c 'faber-cloud {args}'"],
    ['sh -c', 'sh -c "faber-cloud {args}"'],
    ['eval', "eval 'faber-cloud {args}'"],
    ['echo into sh', "echo 'faber-cloud {args}' | sh"],
    ['printf into bash', "printf '%s\\n' 'faber-cloud {args}' | bash"],
    ['xargs', "echo '{args}' | xargs faber-cloud"],
    ['here-document to bash', 'bash <<EOF\nfaber-cloud {args}\nEOF'],
    ['here-string to bash', "bash <<< 'faber-cloud {args}'"],
    ['input redirection', 'faber-cloud {args} < answers.txt'],
    ['alias', "alias fc='faber-cloud {args}'"],
    ['python', `python3 -c "import os; os.system('faber-cloud {args}')"`],
  ];

  it('denies every way around the plain form when it carries a gated operation', async () => {
    const fill = (form: string, args: string) => form.replaceAll('{work}', work).replaceAll('{args}', args);
    // The whole matrix through the script's own decision function (in process: 700 spawns would take minutes) ...
    for (const [label, form] of BYPASS) {
      for (const [flag, args] of GATED) {
        const d = gate.decide(fill(form, args), work);
        expect(d?.decision, `${label} × ${flag}\n${fill(form, args)}`).toBe('deny');
      }
    }
    // ... and every form and every gated operation once through the spawned script.
    const spawned = BYPASS.map(([label, form], k) => ({ label, command: fill(form, GATED[k % GATED.length]![1]) }));
    const results = await runAll(spawned.map((c) => c.command), work);
    for (const { label, command } of spawned) {
      const r = results.get(command)!;
      expect(r.exitCode, label).toBe(0);
      expect(r.decision, `${label}\n${command}\n${r.stdout}`).toBe('deny');
      expect(r.reason, label).toMatch(/plain command line that starts with `faber-cloud`/);
    }
  }, 120_000);

  /** Gated operations hidden where the hook cannot see them: denied whenever faber-cloud is named. */
  const HIDDEN: Array<[string, string]> = [
    ['flags in a variable', 'faber-cloud infra deploy --env prod $FLAGS'],
    ['quoted variable', 'faber-cloud ops remediate --env test --action restart-service "$APPLY"'],
    ['flags from a substitution', 'faber-cloud infra deploy --env prod $(cat flags.txt)'],
    ['flags from backticks', 'faber-cloud infra deploy --env prod `cat flags.txt`'],
    ['a glob that may match a file named --force', 'faber-cloud infra engineer --design d *'],
    ['brace expansion', 'faber-cloud init --{force,json}'],
    ['arguments from stdin (xargs)', 'xargs faber-cloud infra deploy --env prod < args.txt'],
    ['a loop variable', 'for e in test prod; do faber-cloud infra deploy --env $e; done'],
    ['a script that runs it (bash file)', 'bash deploy.sh'],
    ['a script that runs it (by path)', './deploy.sh'],
    ['a script that runs it (source)', 'source deploy.sh'],
    ['a package script that runs it', 'npm run deploy'],
    ['a package script that runs it (bun)', 'bun run deploy'],
    ['a copy of the launcher', './fc init --force'],
    ['unparseable: unclosed quote', "faber-cloud infra deploy --env prod --confirm prod'"],
    ['unparseable: unclosed substitution', 'faber-cloud infra preview --env $(prod'],
    ['unparseable with quoting tricks', 'fab"er-cloud init --force'],
  ];

  it('denies a gated operation hidden in a variable, substitution, glob, stdin, script file or unparseable line', async () => {
    const results = await runAll(HIDDEN.map(([, c]) => c), work);
    for (const [label, command] of HIDDEN) {
      const r = results.get(command)!;
      expect(r.exitCode, label).toBe(0);
      expect(r.decision, `${label}\n${command}\n${r.stdout}`).toBe('deny');
    }
  });

  /** No decision: the normal permission flow applies. */
  const BENIGN: Array<[string, string]> = [
    ['another tool', 'ls -la'],
    ['another tool with --force', 'git push --force-with-lease && rm -rf build --force'],
    ['another tool with apply', 'tofu apply -auto-approve && kubectl apply --force -f x.yaml'],
    ['commit message with the words', "git commit -m 'add --apply flag docs'"],
    ['commit message naming faber-cloud', "git commit -m 'faber-cloud: document --confirm prod and infra destroy'"],
    ['grep for a flag', "grep -rn -- '--apply' skills/ | head"],
    ['rg naming the CLI', "rg 'faber-cloud .* --force' docs"],
    ['echo of instructions', 'echo "run faber-cloud infra destroy --env test --confirm test to clean up"'],
    ['PR body', "gh pr create --title 'grant docs' --body 'faber-cloud permissions grant now audits'"],
    ['notes written by here-document', 'cat <<EOF > notes.md\nfaber-cloud infra deploy --env prod --confirm prod\nEOF'],
    ['a directory named faber-cloud', 'cd ~/src/faber-cloud && npm test -- --force'],
    ['a script that does not run it', 'bash build.sh --force'],
    ['a package script that does not run it', 'npm run build -- --force'],
    ['read-only call', 'faber-cloud infra preview --env prod --json'],
    ['deploy to test, no gated flag', 'faber-cloud infra deploy --env test --json'],
    ['read-only in a pipeline', 'faber-cloud infra preview --env prod --json | jq .data'],
    ['documented pipe into debug', 'tofu apply 2>&1 | faber-cloud infra debug'],
    ['here-string into debug', 'faber-cloud infra debug --env test <<< "$(cat apply.log)"'],
    ['here-string of notes to cat', "cat <<< 'faber-cloud init --force'"],
    ['cd then a read-only call', 'cd app && faber-cloud ops check-health --env prod --json'],
    ['quoted request that mentions a flag', "faber-cloud director 'destroy everything with --apply' --json"],
    ['reason text that mentions a flag', "faber-cloud infra debug --env test --add-solution 'rerun with --force' --step 'x'"],
    ['help of a gated command', 'faber-cloud infra destroy --help'],
    ['short help of a gated command', 'faber-cloud permissions grant -h'],
    ['version', 'faber-cloud --version'],
    ['indirect but ungated', 'npx faber-cloud --version'],
    ['bundle, ungated', 'node dist/cli.js infra preview --env test'],
    ['comment after the command', 'faber-cloud infra preview --env prod # --confirm prod'],
    ['unparseable, not naming the CLI', 'echo "unclosed'],
  ];

  it('stays silent (no output, exit 0) for other tools, for text that merely mentions the words, and for ungated calls', async () => {
    const results = await runAll(BENIGN.map(([, c]) => c), work);
    for (const [label, command] of BENIGN) {
      const r = results.get(command)!;
      expect(r.exitCode, label).toBe(0);
      expect(r.stdout, `${label}\n${command}`).toBe('');
    }
  });

  it('denies instead of asking in permission modes where an ask may not prompt; acceptEdits and plan still ask', async () => {
    for (const mode of ['auto', 'bypassPermissions', 'dontAsk']) {
      const r = await runHook(hookInput('faber-cloud infra deploy --env prod --plan p1 --confirm prod', work, 'Bash', mode));
      expect(r.decision, mode).toBe('deny');
      expect(r.reason).toContain(`permission mode '${mode}'`);
      expect(r.reason).toContain('--confirm prod');
      expect((await runHook(hookInput('faber-cloud infra preview --env prod', work, 'Bash', mode))).stdout, mode).toBe('');
    }
    for (const mode of ['acceptEdits', 'plan']) {
      expect((await runHook(hookInput('faber-cloud init --force', work, 'Bash', mode))).decision, mode).toBe('ask');
    }
  });

  it('only looks at Bash; bad input is no decision unless it names faber-cloud', async () => {
    const write = await runHook(hookInput('faber-cloud init --force', work, 'Write'));
    expect(write).toMatchObject({ exitCode: 0, stdout: '' });
    expect(await runHook('not json')).toMatchObject({ exitCode: 0, stdout: '' });
    expect(await runHook('{"tool_name":"Bash"}')).toMatchObject({ exitCode: 0, stdout: '' });
    const broken = await runHook('{"tool_name":"Bash","tool_input":{"command":"faber-cloud init --force"');
    expect(broken.decision).toBe('deny');
  });

  it('writes one JSON line per decision to FABER_CLOUD_HOOK_LOG', async () => {
    const log = path.join(work, 'decisions.jsonl');
    await runHook(hookInput('faber-cloud init --force', work), { FABER_CLOUD_HOOK_LOG: log });
    await runHook(hookInput('ls', work), { FABER_CLOUD_HOOK_LOG: log });
    const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { decision: string; command: string });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ decision: 'ask', command: 'faber-cloud init --force' });
  });

  it('keeps no option value but ids in FABER_CLOUD_HOOK_LOG: a secret typed on the line stays out of the file', async () => {
    const log = path.join(work, 'secrets.jsonl');
    const secret = 'AKIAZZZZSECRET1234567';
    const cases: Array<[string, string]> = [
      [`faber-cloud permissions grant --env test --action s3:GetObject --reason 'key ${secret}'`, 'faber-cloud permissions grant --env test --action … --reason …'],
      [`faber-cloud infra deploy --env prod --plan p1 --confirm prod --var=db_password=${secret}`, 'faber-cloud infra deploy --env prod --plan p1 --confirm prod --var=…'],
      [`faber-cloud ops remediate --env prod --action restart --target ${secret} --apply`, 'faber-cloud ops remediate --env prod --action … --target … --apply'],
      [`faber-cloud infra destroy --env test ; echo ${secret}`, 'faber-cloud infra destroy --env test ; echo …'],
    ];
    for (const [line] of cases) await runHook(hookInput(line, work), { FABER_CLOUD_HOOK_LOG: log });
    const text = readFileSync(log, 'utf8');
    const logged = text.trim().split('\n').map((l) => (JSON.parse(l) as { command: string }).command);
    expect(logged).toEqual(cases.map(([, shown]) => shown));
    expect(text).not.toContain(secret);
  });

  it('decides within the timeout hooks.json gives it, and in a few milliseconds of its own', async () => {
    const config = JSON.parse(readFileSync(path.join(PLUGIN_ROOT, 'hooks', 'hooks.json'), 'utf8')) as { hooks: { PreToolUse: Array<{ hooks: Array<{ timeout: number }> }> } };
    const timeoutS = config.hooks.PreToolUse[0]!.hooks[0]!.timeout;
    const started = performance.now();
    expect((await runHook(hookInput('faber-cloud infra deploy --env prod --plan x --confirm prod', work))).decision).toBe('ask');
    expect(performance.now() - started).toBeLessThan(timeoutS * 1000);
    // The decision itself (what runs after Node starts), over every bypass form.
    const lines = BYPASS.map(([, form]) => form.replaceAll('{work}', work).replaceAll('{args}', 'init --force'));
    const t0 = performance.now();
    for (const line of lines) gate.decide(line, work);
    expect((performance.now() - t0) / lines.length).toBeLessThan(20);
  });
});

// ---------------------------------------------------------------------------------------

describe('the gated list follows the CLI', () => {
  const flagsOf = (def: (typeof commands)[number]) => (def.options ?? []).flatMap((o) => o.flags.split(/[ ,]+/).filter((f) => f.startsWith('--')));

  it('every gated flag and command exists in the CLI', () => {
    const allFlags = new Set(commands.flatMap(flagsOf));
    for (const flag of gate.GATED_FLAGS) expect(allFlags, flag).toContain(flag);
    const paths = commands.map((c) => c.path.join(' '));
    for (const cmd of gate.GATED_COMMANDS) expect(paths).toContain(cmd);
  });

  it('every command that takes a gated flag is gated by it, and every example of the CLI is asked exactly when gated', () => {
    for (const def of commands) {
      for (const flag of flagsOf(def).filter((f) => gate.GATED_FLAGS.includes(f))) {
        expect(gate.gatesOf([...def.path, flag, 'x']).length, `${def.path.join(' ')} ${flag}`).toBeGreaterThan(0);
      }
      for (const example of def.examples ?? []) {
        const gated = gate.GATED_FLAGS.some((f) => example.includes(f)) || gate.GATED_COMMANDS.some((c) => example.includes(`faber-cloud ${c}`));
        expect(gate.decide(example, ROOT)?.decision, example).toBe(gated ? 'ask' : undefined);
      }
    }
  });

  it("the plugin's own gated command lines are asked, never denied", () => {
    // `faber-cloud ...` in inline code or fenced blocks of the markdown, placeholders filled in.
    const walk = (dir: string): string[] =>
      readdirSync(path.join(PLUGIN_ROOT, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.md') ? [path.join(dir, e.name)] : []));
    const files = ['commands', 'agents', 'skills'].flatMap(walk);
    let checked = 0;
    for (const file of files) {
      const text = readFileSync(path.join(PLUGIN_ROOT, file), 'utf8');
      for (const m of text.matchAll(/(?:`|^\s*)(faber-cloud [^`\n]*)/gm)) {
        const line = (m[1] as string).replace(/<[^>]*>/g, 'x').replace(/\[([^\]]*)\]/g, '$1').replace(/\s+#.*$/, '').trim();
        if (!gate.GATED_FLAGS.some((f) => line.includes(f)) && !gate.GATED_COMMANDS.some((c) => line.startsWith(`faber-cloud ${c}`))) continue;
        expect(gate.decide(line, ROOT)?.decision, `${file}: ${line}`).toBe('ask');
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(5);
  });
});
