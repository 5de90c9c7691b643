import { readdir } from 'node:fs/promises';
import path from 'node:path';

/** Where Terraform roots usually live, most specific first. */
const CONVENTIONAL_DIRS = ['infrastructure/terraform', 'infra/terraform', 'terraform', 'infrastructure', 'infra', 'iac', 'deploy/terraform', 'tf'];
const SKIP = new Set(['node_modules', '.git', '.terraform', '.fractary', 'dist', 'vendor', '.venv']);
const MAX_DEPTH = 3;

async function hasTerraformFiles(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).some((name) => name.endsWith('.tf') || name.endsWith('.tf.json'));
  } catch {
    return false;
  }
}

/**
 * Find an existing Terraform root module: conventional locations first, then the shallowest
 * directory (up to three levels down) holding .tf files. Returns a './'-relative path.
 */
export async function detectTerraformDirectory(root: string): Promise<string | undefined> {
  for (const dir of CONVENTIONAL_DIRS) {
    if (await hasTerraformFiles(path.join(root, dir))) return `./${dir}`;
  }
  let level = [root];
  for (let depth = 0; depth <= MAX_DEPTH && level.length > 0; depth++) {
    const next: string[] = [];
    for (const dir of level.sort()) {
      if (await hasTerraformFiles(dir)) {
        const relative = path.relative(root, dir);
        return relative === '' ? '.' : `./${relative.split(path.sep).join('/')}`;
      }
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        if (entry.isDirectory() && !SKIP.has(entry.name) && !entry.name.startsWith('.')) next.push(path.join(dir, entry.name));
      }
    }
    level = next;
  }
  return undefined;
}

/** Where CloudFormation templates usually live, and the template names looked for there. */
const TEMPLATE_DIRS = ['cloudformation', 'infrastructure/cloudformation', 'infra/cloudformation', 'cfn', 'templates', 'infrastructure', 'infra', '.'];
const TEMPLATE_NAMES = ['template.yaml', 'template.yml', 'template.json'];

/**
 * An existing CloudFormation templates directory and its template, conventional places only,
 * with the parameter files of `environments` found as params/ENV.json or parameters/ENV.json.
 */
export async function detectCloudFormationTemplate(root: string, environments: readonly string[]): Promise<{ directory: string; template: string; parameters: Record<string, string> } | undefined> {
  for (const dir of TEMPLATE_DIRS) {
    const names = await readdir(path.join(root, dir)).catch(() => [] as string[]);
    const template = TEMPLATE_NAMES.find((name) => names.includes(name));
    if (!template) continue;
    const parameters: Record<string, string> = {};
    for (const sub of ['params', 'parameters']) {
      const files = await readdir(path.join(root, dir, sub)).catch(() => [] as string[]);
      for (const env of environments) if (!parameters[env] && files.includes(`${env}.json`)) parameters[env] = `${sub}/${env}.json`;
    }
    return { directory: dir === '.' ? '.' : `./${dir}`, template, parameters };
  }
  return undefined;
}

/** A CDK app's directory: where cdk.json is, conventional places only. */
export async function detectCdkApp(root: string): Promise<string | undefined> {
  for (const dir of ['.', 'cdk', 'infra', 'infrastructure']) {
    const names = await readdir(path.join(root, dir)).catch(() => [] as string[]);
    if (names.includes('cdk.json')) return dir === '.' ? '.' : `./${dir}`;
  }
  return undefined;
}
