import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

/** What scripts/setup-test-tools installed, read from its manifest. */
export interface TestTools {
  moto_server: string;
  /** The python moto_server runs under, for scripts/moto-scoped-server.py; absent in manifests written before it. */
  moto_python?: string;
  moto_version: string;
  /** Which path produced each tool (scripts/test-tools-lib.mjs ORIGINS); absent in manifests written before issue 14. */
  moto_origin?: 'machine' | 'pip';
  iac_kind: 'tofu' | 'terraform';
  iac_binary: string;
  iac_version: string;
  iac_origin?: 'path' | 'source';
  cli_config_file: string;
  mirror_dir: string;
  platform?: string;
  providers: { name: string; version: string; source: string; origin?: 'registry' | 'source' }[];
}

export function testToolsManifestPath(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.FABER_CLOUD_CACHE || path.join(homedir(), '.cache', 'faber-cloud');
  return path.join(cache, 'test-tools.json');
}

let cached: TestTools | undefined;

/** The installed test tools; fails loudly (never skips) when setup has not run. */
export function testTools(): TestTools {
  if (cached) return cached;
  const file = testToolsManifestPath();
  if (!existsSync(file)) {
    throw new Error(`${file} not found: run \`npm run setup-test-tools\` (npm test runs it first)`);
  }
  cached = JSON.parse(readFileSync(file, 'utf8')) as TestTools;
  return cached;
}

export function hasProvider(name: string): boolean {
  return testTools().providers.some((p) => p.name === `hashicorp/${name}`);
}

/** Environment for a CLI or IaC run that uses the built binary and the provider mirror only. */
export function iacEnv(): NodeJS.ProcessEnv {
  const tools = testTools();
  return {
    FABER_CLOUD_IAC_BINARY: tools.iac_binary,
    TF_CLI_CONFIG_FILE: tools.cli_config_file,
    CHECKPOINT_DISABLE: '1',
  };
}
