/**
 * The `--json` contract, checked on every envelope a test reads: the envelope itself, and the
 * success data against its command's output schema (src/cli/output-schemas/, docs/JSON-OUTPUT.md),
 * both as zod (precise messages) and as the published JSON Schema in docs/schemas/ (what users get).
 * runCli calls it on every --json run, so each integration test that reads JSON checks the contract.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// A JSON Schema 2020-12 validator; in the tree through the mutation-testing tool (a dev dependency).
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { z } from 'zod';
import { commands } from '../../src/cli/commands.js';
import { EnvelopeSchema } from '../../src/cli/output-schemas/common.js';
import { ENVELOPE_SCHEMA_FILE, schemaFileName } from '../../src/cli/output-schemas/json-schema.js';

const SCHEMAS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'schemas');
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
const published = new Map<string, ValidateFunction>();

/** The published schema docs/schemas/<file>, compiled once. */
function publishedSchema(file: string): ValidateFunction {
  let validate = published.get(file);
  if (!validate) {
    validate = ajv.compile(JSON.parse(readFileSync(path.join(SCHEMAS_DIR, file), 'utf8')) as object);
    published.set(file, validate);
  }
  return validate;
}

function checkPublished(file: string, value: unknown, what: string): void {
  const validate = publishedSchema(file);
  if (!validate(value)) throw new ContractViolation(`${what} does not match docs/schemas/${file} (run \`npm run build\` if the zod schema changed):\n${ajv.errorsText(validate.errors, { separator: '\n' })}`);
}

export class ContractViolation extends Error {}

function problems(error: z.ZodError): string {
  return z.prettifyError(error);
}

/** Throws ContractViolation when `json` is not a valid envelope or its data does not match its command's schema. */
export async function checkEnvelope(json: unknown, argv: readonly string[] = []): Promise<void> {
  const where = argv.length ? ` (faber-cloud ${argv.join(' ')})` : '';
  const envelope = EnvelopeSchema.safeParse(json);
  if (!envelope.success) throw new ContractViolation(`--json output is not a valid envelope${where}:\n${problems(envelope.error)}`);
  checkPublished(ENVELOPE_SCHEMA_FILE, json, `the envelope${where}`);
  if (!envelope.data.ok) return;
  const { command } = envelope.data;
  const def = commands.find((c) => c.path.join(' ') === command);
  if (!def) throw new ContractViolation(`envelope names an unknown command '${command}'${where}`);
  if (!def.output) throw new ContractViolation(`command '${command}' has no output schema: add \`output\` to its definition (see test/unit/output-schemas.test.ts)`);
  const schema = await def.output();
  const data = schema.safeParse(envelope.data.data);
  if (!data.success) throw new ContractViolation(`'${command}' --json data does not match its output schema${where}:\n${problems(data.error)}`);
  checkPublished(schemaFileName(def), envelope.data.data, `'${command}' --json data${where}`);
}

/** Parse stdout as the one JSON envelope and check it against the contract. */
export async function parseEnvelope(stdout: string, argv: readonly string[] = []): Promise<any> {
  const json: unknown = JSON.parse(stdout);
  await checkEnvelope(json, argv);
  return json;
}
