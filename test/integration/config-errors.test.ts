import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PLUGIN_ROOT, REPO_ROOT, runCli, snapshotTree, tempDir } from '../support/cli.js';

const CONFIG = '.fractary/plugins/faber-cloud/config/devops.json';
let valid: any;

beforeAll(async () => {
  valid = JSON.parse(await readFile(path.join(REPO_ROOT, 'test/fixtures/valid-config.json'), 'utf8'));
});

function edit(mutate: (c: any) => void): () => string {
  return () => {
    const copy = structuredClone(valid);
    mutate(copy);
    return JSON.stringify(copy, null, 2);
  };
}

interface Case {
  name: string;
  text: () => string;
  code: string;
  /** Must appear in the one-line message: the JSON path (or file:line) and the gist. */
  message: RegExp;
  env?: Record<string, string>;
}

const cases: Case[] = [
  { name: 'trailing comma', text: () => '{\n  "project": { "name": "myapp", },\n}', code: 'E_CONFIG_SYNTAX', message: /devops\.json:2:\d+: invalid JSON/ },
  { name: 'empty file', text: () => '', code: 'E_CONFIG_SYNTAX', message: /devops\.json(:\d+:\d+)?: invalid JSON/ },
  { name: 'array at the root', text: () => '[]', code: 'E_CONFIG_INVALID', message: /\(root\): expected object, got an array/ },
  {
    name: 'unknown top-level key',
    text: edit((c) => {
      c.projekt = c.project;
    }),
    code: 'E_CONFIG_INVALID',
    message: /projekt: unknown key, did you mean 'project'\?/,
  },
  {
    name: 'misspelt nested key',
    text: edit((c) => {
      c.handlers.iac.activ = c.handlers.iac.active;
      delete c.handlers.iac.active;
    }),
    code: 'E_CONFIG_INVALID',
    message: /handlers\.iac\.activ: unknown key, did you mean 'active'\?/,
  },
  {
    name: 'number given as string',
    text: edit((c) => {
      c.permissions = { max_auto_fix_rounds: '3' };
    }),
    code: 'E_CONFIG_INVALID',
    message: /permissions\.max_auto_fix_rounds: expected number, got a string/,
  },
  {
    name: 'account id as a number',
    text: edit((c) => {
      c.handlers.hosting.aws.account_id = 123456789012;
    }),
    code: 'E_CONFIG_INVALID',
    message: /handlers\.hosting\.aws\.account_id: expected string, got a number/,
  },
  {
    name: 'missing environments section',
    text: edit((c) => {
      delete c.environments;
    }),
    code: 'E_CONFIG_INVALID',
    message: /environments: is required/,
  },
  {
    name: 'missing section of the active hosting handler',
    text: edit((c) => {
      delete c.handlers.hosting.aws;
    }),
    code: 'E_CONFIG_INVALID',
    message: /handlers\.hosting\.aws: required because handlers\.hosting\.active is 'aws'/,
  },
  {
    name: 'planned hosting handler',
    text: edit((c) => {
      c.handlers.hosting.active = 'gcp';
    }),
    code: 'E_CONFIG_INVALID',
    message: /handlers\.hosting\.active: "gcp" is a planned handler, not available yet/,
  },
  {
    name: 'bad profile name',
    text: edit((c) => {
      c.handlers.hosting.aws.profiles.test = 'my test profile!';
    }),
    code: 'E_CONFIG_INVALID',
    message: /handlers\.hosting\.aws\.profiles\.test: profile name may only contain/,
  },
  {
    name: 'one profile for two roles',
    text: edit((c) => {
      c.handlers.hosting.aws.profiles.prod = c.handlers.hosting.aws.profiles.test;
    }),
    code: 'E_CONFIG_INVALID',
    message: /handlers\.hosting\.aws\.profiles\.prod: must differ from profiles\.test/,
  },
  {
    name: 'missing profile',
    text: edit((c) => {
      delete c.handlers.hosting.aws.profiles.discover;
    }),
    code: 'E_CONFIG_INVALID',
    message: /handlers\.hosting\.aws\.profiles\.discover: is required/,
  },
  {
    name: 'unset ${VAR}',
    text: edit((c) => {
      c.handlers.hosting.aws.account_id = '${FABER_TEST_UNSET_ACCOUNT}';
    }),
    code: 'E_CONFIG_ENV_UNSET',
    message: /handlers\.hosting\.aws\.account_id: environment variable FABER_TEST_UNSET_ACCOUNT is not set/,
  },
  {
    name: 'bad region',
    text: edit((c) => {
      c.handlers.hosting.aws.region = 'us-east';
    }),
    code: 'E_CONFIG_INVALID',
    message: /handlers\.hosting\.aws\.region: region must look like us-east-1/,
  },
  {
    name: 'bad environment name',
    text: edit((c) => {
      c.environments.Test_Env = { profile: 'test' };
    }),
    code: 'E_CONFIG_INVALID',
    message: /environments\.Test_Env: invalid key/,
  },
  {
    name: 'prod deployed with the test profile',
    text: edit((c) => {
      c.environments.prod.profile = 'test';
    }),
    code: 'E_CONFIG_INVALID',
    message: /environments\.prod\.profile: environment 'prod' must use the prod profile/,
  },
  {
    name: 'prod without confirmation',
    text: edit((c) => {
      c.environments.prod.require_confirmation = false;
    }),
    code: 'E_CONFIG_INVALID',
    message: /environments\.prod\.require_confirmation: must be true/,
  },
  {
    name: 'discover as a deploy role',
    text: edit((c) => {
      c.environments.test.profile = 'discover';
    }),
    code: 'E_CONFIG_INVALID',
    message: /environments\.test\.profile: must be one of "test", "prod"/,
  },
  {
    name: 'unknown naming placeholder',
    text: edit((c) => {
      c.resource_naming = { pattern: '{project}-{stage}-{resource}' };
    }),
    code: 'E_CONFIG_INVALID',
    message: /resource_naming\.pattern: pattern may only use the placeholders/,
  },
  {
    name: 'no environments',
    text: edit((c) => {
      c.environments = {};
    }),
    code: 'E_CONFIG_INVALID',
    message: /environments: at least one environment is required/,
  },
  {
    name: 'workspace for an unknown environment',
    text: edit((c) => {
      c.handlers.iac.terraform.workspaces = { staging: 'staging' };
    }),
    code: 'E_CONFIG_INVALID',
    message: /handlers\.iac\.terraform\.workspaces\.staging: names environment 'staging'/,
  },
];

async function projectWith(text: string): Promise<string> {
  const root = await tempDir('faber-config-');
  await mkdir(path.join(root, path.dirname(CONFIG)), { recursive: true });
  await writeFile(path.join(root, CONFIG), text);
  return root;
}

describe('malformed configs', () => {
  it('has a valid baseline', async () => {
    const root = await projectWith(JSON.stringify(valid));
    const run = await runCli(['config', 'validate', '--json'], { cwd: root });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.json).toMatchObject({ ok: true, command: 'config validate', data: { valid: true } });
  });

  it.each(cases)('$name: exit 2, one line naming the path, JSON envelope, nothing modified', async (c) => {
    const root = await projectWith(c.text());
    const before = await snapshotTree(root);
    const env = { FABER_TEST_UNSET_ACCOUNT: '', ...c.env };

    for (const command of [['config', 'validate'], ['config', 'show']]) {
      const human = await runCli(command, { cwd: root, env });
      expect(human.code, human.stderr).toBe(2);
      const firstLine = human.stderr.split('\n')[0] ?? '';
      expect(firstLine).toContain(`[${c.code}]`);
      expect(firstLine).toMatch(c.message);
      expect(human.stdout).toBe('');

      const json = await runCli([...command, '--json'], { cwd: root, env });
      expect(json.code).toBe(2);
      expect(json.json).toMatchObject({ ok: false, error: { code: c.code } });
      expect(json.json.error.message).toMatch(c.message);
      expect(json.json.error.message).not.toContain('\n');
      expect(json.json.error.hint).toEqual(expect.any(String));
    }
    expect(await snapshotTree(root)).toEqual(before);
  });

  it('lists every problem, unknown keys first, in details', async () => {
    const root = await projectWith(
      edit((c) => {
        c.handlers.iac.activ = 'terraform';
        delete c.handlers.iac.active;
        c.handlers.hosting.aws.region = 'nowhere';
      })(),
    );
    const run = await runCli(['config', 'validate', '--json'], { cwd: root });
    expect(run.code).toBe(2);
    const problems = run.json.error.details.problems.map((p: { path: string }) => p.path);
    expect(problems[0]).toBe('handlers.iac.activ');
    expect(problems).toEqual(expect.arrayContaining(['handlers.iac.active', 'handlers.hosting.aws.region']));
  });

  it('substitutes ${VAR} and ${VAR:-default} in config show', async () => {
    const root = await projectWith(
      edit((c) => {
        c.handlers.hosting.aws.account_id = '${FABER_TEST_ACCOUNT}';
        c.handlers.hosting.aws.region = '${FABER_TEST_REGION:-eu-west-1}';
      })(),
    );
    const run = await runCli(['config', 'show', '--json'], { cwd: root, env: { FABER_TEST_ACCOUNT: '210987654321' } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.json.data.config.handlers.hosting.aws).toMatchObject({ account_id: '210987654321', region: 'eu-west-1' });
    // defaults applied
    expect(run.json.data.config.permissions.max_auto_fix_rounds).toBe(3);
    expect(run.json.data.config.resource_naming.pattern).toBe('{project}-{subsystem}-{environment}-{resource}');
  });

  it('finds the project from a subdirectory and reports a missing project clearly', async () => {
    const root = await projectWith(JSON.stringify(valid));
    await mkdir(path.join(root, 'a', 'b'), { recursive: true });
    const run = await runCli(['config', 'show', '--json'], { cwd: path.join(root, 'a', 'b') });
    expect(run.code, run.stderr).toBe(0);
    expect(run.json.data.root).toBe(root);

    const empty = await tempDir('faber-noproject-');
    const missing = await runCli(['config', 'validate', '--json', '--cwd', empty]);
    expect(missing.code).toBe(2);
    expect(missing.json.error).toMatchObject({ code: 'E_PROJECT_NOT_FOUND' });
    expect(missing.json.error.hint).toMatch(/faber-cloud init/);
  });

  it('never treats the plugin directory (plugin/, what Claude Code installs) as a project', async () => {
    const run = await runCli(['init', '--json', '--project', 'x'], { cwd: PLUGIN_ROOT });
    expect(run.code).toBe(2);
    expect(run.json.error.code).toBe('E_PROJECT_NOT_FOUND');
  });
});
