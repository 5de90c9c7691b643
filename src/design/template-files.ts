import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OperationError } from '../core/errors.js';

const MARKER = path.join('templates', 'terraform', 'catalogue.json');

let root: string | undefined;

/**
 * The package's templates/ directory. Templates are read at run time (they are data users
 * may read and the plugin ships as plain files), from the package root: two levels above
 * both src/design/ and the bundle's dist/chunks/.
 */
export function templatesDir(): string {
  if (root) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(path.join(dir, MARKER))) {
      root = path.join(dir, 'templates');
      return root;
    }
    dir = path.dirname(dir);
  }
  throw new OperationError('E_TEMPLATES_MISSING', `faber-cloud's templates/ directory was not found above ${fileURLToPath(import.meta.url)}`, {
    hint: 'reinstall faber-cloud: the package must ship its templates/ directory next to dist/',
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
