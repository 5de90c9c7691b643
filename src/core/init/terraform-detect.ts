import { readdir, readFile, stat } from 'node:fs/promises';
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

/** A `backend` block found in the root module, and the backend config files init found for each environment. */
export interface DetectedBackend {
  type: string;
  /** The block leaves settings out (the usual `backend "s3" {}`): each environment needs -backend-config. */
  partial: boolean;
  file: string;
  /** Backend config files found per environment, relative to the terraform directory. */
  found: Record<string, string>;
}

/** Where projects usually keep per-environment backend settings ({env} is the environment). */
const BACKEND_FILE_CANDIDATES = ['backend/{env}.hcl', 'backend/{env}.tfbackend', '{env}.tfbackend', 'backend-{env}.hcl', '{env}.backend.hcl', 'backends/{env}.hcl', 'config/{env}.tfbackend', 'environments/{env}/backend.hcl'];

/**
 * The `terraform { backend "TYPE" { ... } }` block of the root module, if any. A block whose
 * body has no attribute (comments aside) is partial: its settings come from -backend-config.
 */
export async function detectBackend(dir: string, environments: readonly string[]): Promise<DetectedBackend | undefined> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.tf')).sort();
  for (const name of names) {
    const text = await readFile(path.join(dir, name), 'utf8').catch(() => '');
    const match = /^\s*backend\s+"([A-Za-z0-9_-]+)"\s*\{/m.exec(text);
    if (!match) continue;
    const body = bodyFrom(text, match.index + match[0].length);
    const partial = !/^\s*[A-Za-z_][A-Za-z0-9_-]*\s*=/m.test(body.replace(/(#|\/\/).*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, ''));
    const found: Record<string, string> = {};
    for (const env of environments) {
      for (const candidate of BACKEND_FILE_CANDIDATES) {
        const rel = candidate.replace('{env}', env);
        if (await stat(path.join(dir, rel)).then((s) => s.isFile(), () => false)) {
          found[env] = rel;
          break;
        }
      }
    }
    return { type: match[1] as string, partial, file: name, found };
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

/** The text up to the brace that closes the block opened just before `start`. */
function bodyFrom(text: string, start: number): string {
  let depth = 1;
  for (let i = start; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(start, i);
  }
  return text.slice(start);
}

/** A CDK app's directory: where cdk.json is, conventional places only. */
export async function detectCdkApp(root: string): Promise<string | undefined> {
  for (const dir of ['.', 'cdk', 'infra', 'infrastructure']) {
    const names = await readdir(path.join(root, dir)).catch(() => [] as string[]);
    if (names.includes('cdk.json')) return dir === '.' ? '.' : `./${dir}`;
  }
  return undefined;
}
