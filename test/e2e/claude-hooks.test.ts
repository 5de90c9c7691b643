// The plugin's hooks as the real `claude` CLI reads them: `plugin validate --strict` on a copy of
// the plugin (hooks/ included) accepts hooks/hooks.json and lists the PreToolUse hook; broken
// copies are refused, so the check means something; and the hook's command line, run through a
// shell the way Claude Code runs it, reaches the script from a plugin path with a space in it.
import { execa } from 'execa';
import { cp, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/cli.js';
import { CLAUDE_TIMEOUT_MS, runClaude, withTempDir } from '../support/claude.js';

/** The plugin's root inside a checkout. */
const pluginRootOf = (root: string) => path.join(root, 'plugin');
const HOOK_LINE = 'hooks: PreToolUse Bash command "node \\"${CLAUDE_PLUGIN_ROOT}/hooks/confirm-gate.mjs\\""';

/** What a user's clone holds (tracked or addable files, no node_modules), copied under `dir`. */
async function copyCheckout(dir: string): Promise<string> {
  const files = await execa('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT });
  for (const file of files.stdout.split('\0').filter(Boolean)) {
    if (file.startsWith('plugin/dist/') || file.startsWith('test/')) continue; // not read by validate
    const from = path.join(REPO_ROOT, file);
    if (!(await stat(from).then((s) => s.isFile(), () => false))) continue;
    await cp(from, path.join(dir, file), { recursive: true });
  }
  return dir;
}

describe('plugin hooks under the real claude CLI', () => {
  it(
    'claude plugin validate --strict accepts the plugin with its PreToolUse hook, with no warning',
    () =>
      withTempDir('faber-claude-home-', (home) =>
        withTempDir('faber-claude-hooks-', async (parent) => {
          const checkout = await copyCheckout(path.join(parent, 'with space'));
          // The checkout's root is the marketplace (which points at plugin/); the hook is listed
          // when claude validates the plugin itself.
          const marketplace = await runClaude(home, ['plugin', 'validate', '--strict', checkout]);
          expect(marketplace.code, marketplace.output).toBe(0);
          expect(marketplace.output, marketplace.output).not.toMatch(/warning|⚠/i);
          const plugin = await runClaude(home, ['plugin', 'validate', '--strict', pluginRootOf(checkout)]);
          expect(plugin.code, plugin.output).toBe(0);
          expect(plugin.output).toContain(HOOK_LINE);
          expect(plugin.output, plugin.output).not.toMatch(/warning|⚠/i);
          expect(plugin.output).toMatch(/Validation passed/);
          const directory = await runClaude(home, ['plugin', 'validate', '--strict', '--profile', 'directory', pluginRootOf(checkout)]);
          expect(directory.code, directory.output).toBe(0);
          expect(directory.output).toContain(HOOK_LINE);
          expect(directory.output, directory.output).not.toMatch(/warning|⚠/i);
        }),
      ),
    CLAUDE_TIMEOUT_MS * 2,
  );

  it(
    'claude plugin validate --strict refuses a broken hooks.json (so the check above means something)',
    () =>
      withTempDir('faber-claude-home-', (home) =>
        withTempDir('faber-claude-hooks-', async (dir) => {
          const plugin = pluginRootOf(REPO_ROOT);
          await cp(path.join(plugin, '.claude-plugin', 'plugin.json'), path.join(dir, '.claude-plugin', 'plugin.json'));
          await mkdir(path.join(dir, 'hooks'));
          await cp(path.join(plugin, 'hooks', 'confirm-gate.mjs'), path.join(dir, 'hooks', 'confirm-gate.mjs'));
          const original = await readFile(path.join(plugin, 'hooks', 'hooks.json'), 'utf8');
          const hooksFile = path.join(dir, 'hooks', 'hooks.json');

          // Control: the unmodified hooks pass in this minimal copy.
          await writeFile(hooksFile, original);
          const control = await runClaude(home, ['plugin', 'validate', '--strict', dir]);
          expect(control.code, control.output).toBe(0);
          expect(control.output).toContain(HOOK_LINE);

          const broken: Array<[string, string, RegExp]> = [
            ['misspelt event', original.replace('"PreToolUse"', '"PreToolUze"'), /unknown hook event/i],
            ['unknown hook type', original.replace('"type": "command"', '"type": "comand"'), /Unknown hook type/i],
            ['invalid JSON', original.slice(0, -3), /Validation failed/],
          ];
          for (const [label, text, message] of broken) {
            await writeFile(hooksFile, text);
            const run = await runClaude(home, ['plugin', 'validate', '--strict', dir]);
            expect(run.code, `${label}: expected validation to fail\n${run.output}`).not.toBe(0);
            expect(run.output, label).toMatch(message);
            expect(run.output, label).toMatch(/Validation failed/);
          }
        }),
      ),
    CLAUDE_TIMEOUT_MS * 2,
  );

  it('the hook command in hooks.json runs the script from a plugin path with a space, through a shell', () =>
    withTempDir('faber-claude-hooks-', async (parent) => {
      const plugin = path.join(parent, 'plugin root with space');
      await mkdir(path.join(plugin, 'hooks'), { recursive: true });
      for (const file of ['hooks.json', 'confirm-gate.mjs']) await cp(path.join(pluginRootOf(REPO_ROOT), 'hooks', file), path.join(plugin, 'hooks', file));
      const config = JSON.parse(await readFile(path.join(plugin, 'hooks', 'hooks.json'), 'utf8')) as {
        hooks: { PreToolUse: Array<{ matcher: string; hooks: Array<{ type: string; command: string; timeout: number }> }> };
      };
      const [entry] = config.hooks.PreToolUse;
      expect(entry?.matcher).toBe('Bash');
      const hook = entry!.hooks[0]!;
      expect(hook.type).toBe('command');
      expect(hook.command).toContain('${CLAUDE_PLUGIN_ROOT}');

      const input = JSON.stringify({
        session_id: 's', transcript_path: path.join(parent, 't.jsonl'), cwd: parent, permission_mode: 'default', hook_event_name: 'PreToolUse',
        tool_name: 'Bash', tool_input: { command: 'faber-cloud infra destroy --env test --confirm test' }, tool_use_id: 'toolu_1',
      });
      // Claude Code substitutes ${CLAUDE_PLUGIN_ROOT} in the command and also exports it: both forms must work.
      const forms = [hook.command.replaceAll('${CLAUDE_PLUGIN_ROOT}', plugin), hook.command];
      for (const command of forms) {
        const run = await execa('bash', ['-c', command], { input, env: { CLAUDE_PLUGIN_ROOT: plugin }, reject: false, timeout: hook.timeout * 1000 });
        expect(run.exitCode, `${command}\n${run.stderr}`).toBe(0);
        const out = JSON.parse(run.stdout) as { hookSpecificOutput: { permissionDecision: string; permissionDecisionReason: string } };
        expect(out.hookSpecificOutput.permissionDecision).toBe('ask');
        expect(out.hookSpecificOutput.permissionDecisionReason).toContain('infra destroy');
      }
    }),
  );
});
