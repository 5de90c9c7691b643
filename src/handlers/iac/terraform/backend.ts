import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { GuardError, LockedError } from '../../../core/errors.js';
import { resolveProjectFile } from '../../../core/files/safe-path.js';
import type { Diagnostic } from '../types.js';

/**
 * Backend configuration per environment (a partial `backend` block completed by
 * -backend-config), the record of which environment a working directory was initialised for,
 * and the two backend failures that must not reach the user as raw tool errors: a state lock
 * held by another run, and an init that would migrate state.
 */

export interface BackendSettings {
  /** A backend config file as configured, relative to the terraform directory. */
  file?: string;
  values?: Record<string, string | number | boolean>;
}

/** The config's value (a file path, or { file, values }) in one shape. */
export function backendSettings(value: string | BackendSettings | undefined): BackendSettings | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? { file: value } : value;
}

/** -backend-config arguments: the file (resolved inside the project) first, then key-values, which win. */
export async function backendArgs(settings: BackendSettings | undefined, projectRoot: string, directory: string): Promise<string[]> {
  if (!settings) return [];
  const args: string[] = [];
  if (settings.file !== undefined) {
    args.push(`-backend-config=${await resolveProjectFile(projectRoot, directory, settings.file, 'backend config file (handlers.iac.terraform.backend_config)')}`);
  }
  for (const [key, value] of Object.entries(settings.values ?? {})) args.push(`-backend-config=${key}=${String(value)}`);
  return args;
}

/**
 * What a working directory was initialised with: the environment and a digest of its backend
 * arguments and file contents (never the values: a backend setting may be a secret).
 */
export interface InitRecord {
  env: string;
  backend: string;
  /** The working directory right after that init (working-directory.ts): unchanged, the init still holds. */
  fingerprint?: string;
}

export async function backendDigest(args: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const arg of args) {
    hash.update(arg).update('\0');
    const file = /^-backend-config=(\/.*)$/.exec(arg)?.[1];
    if (file && !file.includes('=')) hash.update(await readFile(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/** The record file inside the tool's own data directory: it describes that directory. */
export function initRecordFile(directory: string): string {
  return path.join(directory, '.terraform', 'faber-cloud-init.json');
}

export async function readInitRecord(directory: string): Promise<InitRecord | undefined> {
  try {
    const parsed = JSON.parse(await readFile(initRecordFile(directory), 'utf8')) as Partial<InitRecord>;
    if (typeof parsed.env !== 'string' || typeof parsed.backend !== 'string') return undefined;
    return { env: parsed.env, backend: parsed.backend, ...(typeof parsed.fingerprint === 'string' ? { fingerprint: parsed.fingerprint } : {}) };
  } catch {
    return undefined;
  }
}

/** The state lock's holder, from the "Lock Info:" block the tool prints when a lock is held. */
export interface StateLockInfo {
  id?: string;
  path?: string;
  operation?: string;
  who?: string;
  version?: string;
  created?: string;
}

export function parseLockInfo(text: string): StateLockInfo | undefined {
  const start = text.indexOf('Lock Info:');
  if (start === -1) return undefined;
  const info: StateLockInfo = {};
  const keys: Record<string, keyof StateLockInfo> = { ID: 'id', Path: 'path', Operation: 'operation', Who: 'who', Version: 'version', Created: 'created' };
  for (const line of text.slice(start).split('\n').slice(1)) {
    const match = /^\s*(ID|Path|Operation|Who|Version|Created|Info):\s*(.*)$/.exec(line);
    if (!match) {
      if (line.trim() === '') continue;
      break;
    }
    const key = keys[match[1] as string];
    const value = (match[2] ?? '').trim();
    if (key && value) info[key] = value;
  }
  return Object.keys(info).length > 0 ? info : undefined;
}

const LOCK_SUMMARY = /acquiring the state lock/i;

/** A state lock held by another run, as an exit-3 refusal naming the holder; undefined for other failures. */
export function stateLockError(diagnostics: readonly Diagnostic[], env: string, timeoutSeconds: number): LockedError | undefined {
  const lock = diagnostics.find((d) => d.severity === 'error' && LOCK_SUMMARY.test(d.summary));
  if (!lock) return undefined;
  const info = parseLockInfo(lock.detail ?? '');
  const holder = info?.who ? `${info.who}${info.operation ? ` (${info.operation.replace(/^OperationType/, '').toLowerCase()}` : ''}${info.created ? `${info.operation ? ', ' : ' ('}since ${info.created}` : ''}${info.operation || info.created ? ')' : ''}` : 'another run (the tool gave no lock info)';
  return new LockedError(`the state of '${env}' is locked by ${holder}${info?.path ? ` at ${info.path}` : ''}; waited ${timeoutSeconds}s`, {
    hint: info?.id
      ? `wait for that run to finish; if it is gone for good, release the lock from the terraform directory with: force-unlock ${info.id} (tofu or terraform)`
      : 'wait for that run to finish, then try again',
    details: { state_lock: info ?? {} },
  });
}

/** Init refused because the tool would migrate state: faber-cloud never migrates state implicitly. */
export function migrationRefusal(output: string, env: string, directory: string, kind: string): GuardError | undefined {
  if (!/-migrate-state|Backend configuration changed|migrat(e|ion) .*state/i.test(output)) return undefined;
  return new GuardError('E_GUARD_STATE_MIGRATION', `the backend configuration of '${env}' differs from the one ${directory} was initialised with, and ${kind} would migrate the state; faber-cloud never migrates state`, {
    hint: `if the state must move, migrate it yourself (cd ${directory} && ${kind} init -migrate-state with the new -backend-config); if the configured backend already holds this environment's state, re-initialise without migrating (${kind} init -reconfigure with its -backend-config), then run faber-cloud again`,
  });
}
