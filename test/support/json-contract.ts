/**
 * The `--json` contract, checked on every envelope a test reads: the envelope itself, and the
 * success data against its command's output schema (src/cli/output-schemas/, docs/JSON-OUTPUT.md).
 * runCli calls it on every --json run, so each integration test that reads JSON checks the contract.
 */
import { z } from 'zod';
import { commands } from '../../src/cli/commands.js';
import { EnvelopeSchema } from '../../src/cli/output-schemas/common.js';

export class ContractViolation extends Error {}

function problems(error: z.ZodError): string {
  return z.prettifyError(error);
}

/** Throws ContractViolation when `json` is not a valid envelope or its data does not match its command's schema. */
export async function checkEnvelope(json: unknown, argv: readonly string[] = []): Promise<void> {
  const where = argv.length ? ` (faber-cloud ${argv.join(' ')})` : '';
  const envelope = EnvelopeSchema.safeParse(json);
  if (!envelope.success) throw new ContractViolation(`--json output is not a valid envelope${where}:\n${problems(envelope.error)}`);
  if (!envelope.data.ok) return;
  const { command } = envelope.data;
  const def = commands.find((c) => c.path.join(' ') === command);
  if (!def) throw new ContractViolation(`envelope names an unknown command '${command}'${where}`);
  if (!def.output) throw new ContractViolation(`command '${command}' has no output schema: add \`output\` to its definition (see test/unit/output-schemas.test.ts)`);
  const schema = await def.output();
  const data = schema.safeParse(envelope.data.data);
  if (!data.success) throw new ContractViolation(`'${command}' --json data does not match its output schema${where}:\n${problems(data.error)}`);
}

/** Parse stdout as the one JSON envelope and check it against the contract. */
export async function parseEnvelope(stdout: string, argv: readonly string[] = []): Promise<any> {
  const json: unknown = JSON.parse(stdout);
  await checkEnvelope(json, argv);
  return json;
}
