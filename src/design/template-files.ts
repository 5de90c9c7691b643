import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OperationError } from '../core/errors.js';

const MARKER = path.join('terraform', 'catalogue.json');
/** Where templates/ sits relative to an ancestor: the plugin's own root, or a checkout's plugin/. */
const LOCATIONS = [path.join('templates'), path.join('plugin', 'templates')];

let root: string | undefined;

/**
 * The plugin's templates/ directory. Templates are read at run time (they are data users
 * may read and the plugin ships as plain files), from the plugin root: plugin/templates/ two
 * levels above the bundle's plugin/dist/chunks/ (the same in an installed copy, which is
 * plugin/ alone), or plugin/templates/ of the checkout two levels above src/design/.
 */
export function templatesDir(): string {
  if (root) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    for (const location of LOCATIONS) {
      if (existsSync(path.join(dir, location, MARKER))) {
        root = path.join(dir, location);
        return root;
      }
    }
    dir = path.dirname(dir);
  }
  throw new OperationError('E_TEMPLATES_MISSING', `faber-cloud's templates/ directory was not found above ${fileURLToPath(import.meta.url)}`, {
    hint: 'reinstall faber-cloud: the plugin must ship its templates/ directory next to dist/',
  });
}

/** A template file's text, by its path under templates/. */
export async function readTemplate(relativePath: string): Promise<string> {
  return readFile(path.join(templatesDir(), relativePath), 'utf8');
}

/** A template file parsed as JSON (the catalogue, the keyword table). */
export async function readTemplateJson(relativePath: string): Promise<unknown> {
  return JSON.parse(await readTemplate(relativePath));
}
