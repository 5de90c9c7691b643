// The contract between the plugin's markdown and the CLI: every `faber-cloud ...` command
// line written in plugin/commands/, plugin/agents/ and plugin/skills/ must parse against the real commander
// program, and every skill, agent, command and plugin path the markdown names must exist.
// Renaming a CLI option or command without updating the markdown fails here, with the file
// and line of each stale invocation.
import { readdirSync, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import {
  extractInvocations,
  markdownFilesUnder,
  readMarkdown,
  type MarkdownFile,
} from '../support/markdown-commands.js';

const ROOT = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** The plugin as installed: ${CLAUDE_PLUGIN_ROOT} names this directory. */
const PLUGIN_ROOT = path.join(ROOT, 'plugin');
const PLUGIN = 'fractary-faber-cloud';

/** DESIGN §1: the plugin's components, exactly. */
const EXPECTED = {
  commands: ['director', 'infra-manage', 'init', 'ops-manage'],
  agents: ['devops-director', 'infra-manager', 'ops-manager'],
  skills: [
    'handler-hosting-aws', 'handler-iac-terraform', 'infra-architect', 'infra-debugger', 'infra-deployer', 'infra-engineer',
    'infra-permission-manager', 'infra-previewer', 'infra-tester', 'infra-validator', 'ops-auditor', 'ops-investigator',
    'ops-monitor', 'ops-responder',
  ],
};

// ---------------------------------------------------------------------------------------
// Parsing against the real program

function silence(cmd: Command): void {
  cmd.configureOutput({ writeOut: () => {}, writeErr: () => {}, outputError: () => {} });
  for (const sub of cmd.commands) silence(sub);
}

/**
 * The command words of argv must name real commands. Needed for `--help`: commander shows
 * the root's help for `faber-cloud no-such-command --help` instead of an error.
 */
function unknownCommandIn(program: Command, argv: string[]): string | null {
  let cmd = program;
  for (const word of argv) {
    if (word.startsWith('-') || cmd.commands.length === 0) break;
    const sub = cmd.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!sub) return `unknown command '${word}'`;
    cmd = sub;
  }
  return null;
}

/** The command argv names (its leading command words), or undefined. */
function commandOf(program: Command, argv: string[]): Command | undefined {
  let cmd = program;
  for (const word of argv) {
    if (word.startsWith('-') || cmd.commands.length === 0) break;
    const sub = cmd.commands.find((c) => c.name() === word);
    if (!sub) return undefined;
    cmd = sub;
  }
  return cmd;
}

/** A bare placeholder given to an option with choices (`--type <type>`) takes the first choice. */
function withChoices(program: Command, argv: string[], placeholders: readonly number[]): string[] {
  const cmd = commandOf(program, argv);
  if (!cmd) return argv;
  const out = [...argv];
  for (const i of placeholders) {
    const option = cmd.options.find((o) => o.long === argv[i - 1] || o.short === argv[i - 1]);
    if (option?.argChoices?.length) out[i] = option.argChoices[0] as string;
  }
  return out;
}

/** null when argv parses (help counts, when the command exists); else commander's message. */
async function parseError(given: string[], placeholders: readonly number[] = []): Promise<string | null> {
  const program = buildProgram(async () => {});
  silence(program);
  const argv = withChoices(program, given, placeholders);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return null;
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return unknownCommandIn(program, argv);
    if (error.code === 'commander.help') return 'incomplete command: it only shows the help of a command group';
    return error.message.replace(/^error: /, '');
  }
}

// ---------------------------------------------------------------------------------------
// References to components and plugin paths

interface Reference {
  where: string;
  kind: 'component' | 'plugin-path' | 'link' | 'preloaded-skill';
  name: string;
}

/** Names of the form the plugin's components take; each mention must be a real component. */
const COMPONENT_NAME = /(?<![\w./-])((?:infra|ops|handler|devops)-[a-z]+(?:-[a-z]+)*)(?![\w/.-]*\.(?:ts|js|json))(?![\w-])/g;

function extractReferences(file: MarkdownFile): Reference[] {
  const refs: Reference[] = [];
  const lines = file.text.split('\n');
  lines.forEach((line, i) => {
    const where = `${file.rel}:${i + 1}`;
    if (i + 1 < file.bodyStart) {
      const skills = /^skills:\s*(.*)$/.exec(line);
      if (skills) for (const name of (skills[1] as string).split(',').map((s) => s.trim()).filter(Boolean)) refs.push({ where, kind: 'preloaded-skill', name });
      return;
    }
    for (const m of line.matchAll(/\$\{CLAUDE_PLUGIN_ROOT\}\/([\w./-]*[\w/])/g)) refs.push({ where, kind: 'plugin-path', name: m[1] as string });
    for (const m of line.matchAll(/\/?fractary-faber-cloud:([a-z][\w-]*)/g)) refs.push({ where, kind: 'component', name: m[1] as string });
    for (const m of line.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1] as string;
      if (!/^[a-z]+:/.test(target) && !target.startsWith('#')) refs.push({ where, kind: 'link', name: target });
    }
    for (const m of line.matchAll(COMPONENT_NAME)) refs.push({ where, kind: 'component', name: m[1] as string });
  });
  return refs;
}

// ---------------------------------------------------------------------------------------

const FILES = ['plugin/commands', 'plugin/agents', 'plugin/skills'].flatMap(markdownFilesUnder).map(readMarkdown);
/** User documentation of the plugin and the CLI: its command lines must parse too. */
const DOCS = ['README.md', 'docs/PLUGIN.md'].filter((rel) => existsSync(path.join(ROOT, rel))).map(readMarkdown);
const INVOCATIONS = [...FILES, ...DOCS].flatMap(extractInvocations);

const components = {
  commands: markdownFilesUnder('plugin/commands').filter((f) => path.posix.dirname(f) === 'plugin/commands').map((f) => path.posix.basename(f, '.md')),
  agents: markdownFilesUnder('plugin/agents').filter((f) => path.posix.dirname(f) === 'plugin/agents').map((f) => path.posix.basename(f, '.md')),
  skills: existsSync(path.join(PLUGIN_ROOT, 'skills'))
    ? readdirSync(path.join(PLUGIN_ROOT, 'skills'), { withFileTypes: true })
        .filter((e) => e.isDirectory() && existsSync(path.join(PLUGIN_ROOT, 'skills', e.name, 'SKILL.md')))
        .map((e) => e.name)
        .sort()
    : [],
};
const ALL_COMPONENTS = new Set([...components.commands, ...components.agents, ...components.skills]);

describe('plugin markdown: the checker itself', () => {
  const sample = (body: string) => extractInvocations({ rel: 'sample.md', text: body, bodyStart: 1 });

  it('finds command lines in inline code, fenced shell blocks (after pipes and prompts) and JSON strings', () => {
    const found = sample(
      [
        'Run `faber-cloud infra validate --env <env> --json` first; `faber-cloud` alone is prose.',
        '```bash',
        '$ faber-cloud infra preview --env prod  # comment',
        'tofu apply 2>&1 | faber-cloud infra debug --json > out.json',
        '```',
        '```json',
        '{"command": "faber-cloud infra deploy --env test", "other": "text"}',
        '```',
      ].join('\n'),
    );
    expect(found.map((f) => [f.where, f.argv])).toEqual([
      ['sample.md:1', ['infra', 'validate', '--env', 'test', '--json']],
      ['sample.md:3', ['infra', 'preview', '--env', 'prod']],
      ['sample.md:4', ['infra', 'debug', '--json']],
      ['sample.md:7', ['infra', 'deploy', '--env', 'test']],
    ]);
  });

  it('substitutes placeholders, keeps quoted text whole and expands optional [parts]', () => {
    const [a, b, c] = sample(
      "`faber-cloud infra test --env <env> --phase <pre|post> [--plan <plan-id>]` `faber-cloud director 'is prod up?' --json` " +
        '`faber-cloud infra architect --feature "<feature>" --resource <kind:name>`',
    );
    expect(a?.argv).toEqual(['infra', 'test', '--env', 'test', '--phase', 'pre', '--plan', '0123456789ab']);
    expect(b?.argv).toEqual(['director', 'is prod up?', '--json']);
    expect(c?.argv).toEqual(['infra', 'architect', '--feature', 'sample', '--resource', 'sample']);
  });

  it('accepts the real commands and rejects a renamed option, an unknown command and a missing value', async () => {
    expect(await parseError(['infra', 'deploy', '--env', 'test', '--plan', '0123456789ab', '--confirm', 'test', '--json'])).toBeNull();
    expect(await parseError(['init', '--provider=aws', '--iac=terraform', '--json'])).toBeNull();
    expect(await parseError(['infra', 'deploy', '--env', 'test', '--plan-id', 'x'])).toMatch(/unknown option '--plan-id'/);
    expect(await parseError(['infra', 'deploi', '--env', 'test'])).toMatch(/unknown command 'deploi'/);
    expect(await parseError(['infra', 'deploy'])).toMatch(/required option '--env <env>' not specified/);
    expect(await parseError(['infra'])).toMatch(/incomplete command/);
    expect(await parseError(['infra', 'deploy', '--help'])).toBeNull();
    expect(await parseError(['infra', 'deploi', '--help'])).toMatch(/unknown command 'deploi'/);
  });

  it("gives a bare placeholder the first of an option's choices, and only a bare placeholder", () => {
    const program = new Command('faber-cloud');
    program.command('ops').command('audit').addOption(new Option('--type <type>').choices(['security', 'cost', 'all'])).option('--env <env>');
    const [generic, literal] = sample('`faber-cloud ops audit --env <env> --type <type>` `faber-cloud ops audit --env <env> --type costs`');
    expect(withChoices(program, generic!.argv, generic!.placeholders)).toEqual(['ops', 'audit', '--env', 'test', '--type', 'security']);
    expect(withChoices(program, literal!.argv, literal!.placeholders)).toEqual(['ops', 'audit', '--env', 'test', '--type', 'costs']);
  });

  it('flags component names that do not exist', () => {
    const refs = extractReferences({ rel: 'x.md', text: 'use infra-debuger, then `infra-deployer`; see src/cli/command-sets/infra-design.ts', frontmatter: {}, bodyStart: 1 });
    expect(refs.map((r) => r.name)).toEqual(['infra-debuger', 'infra-deployer']);
  });
});

describe('plugin markdown: layout and frontmatter', () => {
  it('has exactly the commands, agents and skills of DESIGN §1', () => {
    expect(components).toEqual(EXPECTED);
  });

  it.each(components.skills)('skills/%s/SKILL.md: name matches its directory, description says when to use it', (name) => {
    const file = readMarkdown(`plugin/skills/${name}/SKILL.md`);
    expect(file.frontmatter.name).toBe(name);
    expect(file.frontmatter.description ?? '').toMatch(/^Use (to|when|for) /);
  });

  it.each(components.agents)('agents/%s.md: name, description and tools', (name) => {
    const file = readMarkdown(`plugin/agents/${name}.md`);
    expect(file.frontmatter.name).toBe(name);
    expect(file.frontmatter.description).toBeTruthy();
    expect(file.frontmatter.tools).toBeTruthy();
  });

  it.each(components.commands)('commands/%s.md: description, argument-hint, allowed-tools limited to the CLI, and $ARGUMENTS', (name) => {
    const file = readMarkdown(`plugin/commands/${name}.md`);
    expect(file.frontmatter.description).toBeTruthy();
    expect(file.frontmatter['argument-hint']).toBeTruthy();
    const tools = (file.frontmatter['allowed-tools'] ?? '').split(/,\s*/);
    expect(tools).toContain('Bash(faber-cloud:*)');
    // No unrestricted shell: every Bash permission is scoped to the CLI.
    expect(tools.filter((t) => t.startsWith('Bash')), file.rel).toEqual(['Bash(faber-cloud:*)']);
    expect(file.text).toContain('$ARGUMENTS');
  });

  it('asks the user with AskUserQuestion wherever a confirmation can be needed', () => {
    for (const rel of ['plugin/commands/infra-manage.md', 'plugin/commands/ops-manage.md', 'plugin/commands/director.md', 'plugin/commands/init.md']) {
      expect(readMarkdown(rel).frontmatter['allowed-tools'], rel).toContain('AskUserQuestion');
    }
    for (const rel of ['plugin/agents/infra-manager.md', 'plugin/agents/ops-manager.md', 'plugin/agents/devops-director.md']) {
      expect(readMarkdown(rel).frontmatter.tools, rel).toContain('AskUserQuestion');
    }
  });
});

describe('plugin markdown: every name and path refers to something that exists', () => {
  const refs = [...FILES, ...DOCS.filter((d) => d.rel !== 'README.md')].flatMap(extractReferences);

  it('found references to check', () => {
    expect(refs.filter((r) => r.kind === 'component').length).toBeGreaterThan(30);
    expect(refs.filter((r) => r.kind === 'plugin-path').length).toBeGreaterThanOrEqual(6);
  });

  it.each(refs.map((r) => [`${r.where} ${r.kind} ${r.name}`, r] as const))('%s', (_, ref) => {
    const [file] = ref.where.split(':') as [string];
    switch (ref.kind) {
      case 'component':
        expect(ALL_COMPONENTS.has(ref.name), `${ref.where}: '${ref.name}' is not a command, agent or skill of the plugin`).toBe(true);
        break;
      case 'preloaded-skill':
        expect(components.skills, `${ref.where}: agent preloads unknown skill '${ref.name}'`).toContain(ref.name);
        break;
      case 'plugin-path':
        expect(existsSync(path.join(PLUGIN_ROOT, ref.name)), `${ref.where}: \${CLAUDE_PLUGIN_ROOT}/${ref.name} does not exist`).toBe(true);
        break;
      case 'link': {
        const target = path.join(ROOT, path.dirname(file), ref.name.split('#')[0] as string);
        expect(existsSync(target) && statSync(target).isFile(), `${ref.where}: link target ${ref.name} does not exist`).toBe(true);
        break;
      }
    }
  });
});

describe('plugin markdown: every faber-cloud command line parses against the CLI', () => {
  it('found the command lines (the quick reference operations among them)', () => {
    expect(INVOCATIONS.length).toBeGreaterThan(80);
    const lines = new Set(INVOCATIONS.map((i) => i.argv.slice(0, 2).join(' ')));
    for (const cmd of ['init --provider=aws', 'infra deploy', 'infra architect', 'config validate', 'infra show-resources', 'ops check-health', 'ops investigate', 'ops query-logs', 'director sample']) {
      expect(lines.has(cmd) || [...lines].some((l) => l.startsWith(cmd)), cmd).toBe(true);
    }
    for (const file of FILES.filter((f) => !f.rel.endsWith('reference.md'))) {
      expect(INVOCATIONS.some((i) => i.where.startsWith(`${file.rel}:`)), `${file.rel} names no faber-cloud command`).toBe(true);
    }
  });

  it.each(INVOCATIONS.map((inv) => [`${inv.where}: ${inv.text}`, inv] as const))('%s', async (_, inv) => {
    const error = await parseError(inv.argv, inv.placeholders);
    expect(error, `${inv.where}: \`${inv.text}\` does not parse: ${error}`).toBeNull();
  });
});
