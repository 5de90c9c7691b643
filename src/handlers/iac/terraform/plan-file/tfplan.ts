import { asBytes, asString, asVarint, readFields, type WireField } from './protobuf.js';

/**
 * The `tfplan` entry of an OpenTofu saved plan (planfile.proto, format version 3), read as
 * far as `show -json`'s resource and output changes need. A field this reader does not know
 * is an error, not skipped: a format that grew means the caller asks the tool instead.
 */
export const TFPLAN_FORMAT_VERSION = 3n;

export type PathStep = { attribute: string } | { key: Buffer };
export type RawPath = PathStep[];

export interface RawChange {
  action: number;
  /** msgpack per value; an empty buffer is "no value" (protobuf cannot say nil). */
  values: Buffer[];
  beforeSensitive: RawPath[];
  afterSensitive: RawPath[];
  importing?: { id: string; identity: boolean };
}

export interface RawResourceChange {
  addr: string;
  prevRunAddr: string;
  deposedKey: string;
  provider: string;
  change: RawChange;
  requiredReplace: RawPath[];
  actionReason: number;
}

export interface RawOutputChange {
  name: string;
  change: RawChange;
  sensitive: boolean;
}

export interface RawPlan {
  version: bigint;
  uiMode: number;
  errored: boolean;
  variables: Map<string, Buffer>;
  resourceChanges: RawResourceChange[];
  outputChanges: RawOutputChange[];
  terraformVersion: string;
  timestamp: string;
}

function unknownField(message: string, f: WireField): never {
  throw new Error(`tfplan: ${message} has an unknown field ${f.field}`);
}

function dynamicValue(buf: Buffer): Buffer {
  let msgpack: Buffer = Buffer.alloc(0);
  for (const f of readFields(buf)) {
    if (f.field === 1) msgpack = asBytes(f);
    else unknownField('DynamicValue', f);
  }
  return msgpack;
}

function path(buf: Buffer): RawPath {
  const steps: RawPath = [];
  for (const f of readFields(buf)) {
    if (f.field !== 1) unknownField('Path', f);
    const step = readFields(asBytes(f));
    if (step.length !== 1) throw new Error('tfplan: a path step without exactly one selector');
    const s = step[0] as WireField;
    if (s.field === 1) steps.push({ attribute: asString(s) });
    else if (s.field === 2) steps.push({ key: dynamicValue(asBytes(s)) });
    else unknownField('Path.Step', s);
  }
  return steps;
}

function change(buf: Buffer): RawChange {
  const out: RawChange = { action: 0, values: [], beforeSensitive: [], afterSensitive: [] };
  for (const f of readFields(buf)) {
    switch (f.field) {
      case 1:
        out.action = Number(asVarint(f));
        break;
      case 2:
        out.values.push(dynamicValue(asBytes(f)));
        break;
      case 3:
        out.beforeSensitive.push(path(asBytes(f)));
        break;
      case 4:
        out.afterSensitive.push(path(asBytes(f)));
        break;
      case 5: {
        const importing = { id: '', identity: false };
        for (const i of readFields(asBytes(f))) {
          if (i.field === 1) importing.id = asString(i);
          else if (i.field === 2) importing.identity = true;
          else unknownField('Importing', i);
        }
        out.importing = importing;
        break;
      }
      case 6: // generated_config: not read
      case 7: // before_identity / after_identity: not read
      case 8:
        asBytes(f);
        break;
      default:
        unknownField('Change', f);
    }
  }
  return out;
}

function resourceChange(buf: Buffer): RawResourceChange {
  const out: RawResourceChange = { addr: '', prevRunAddr: '', deposedKey: '', provider: '', change: { action: 0, values: [], beforeSensitive: [], afterSensitive: [] }, requiredReplace: [], actionReason: 0 };
  let sawChange = false;
  for (const f of readFields(buf)) {
    switch (f.field) {
      case 13:
        out.addr = asString(f);
        break;
      case 14:
        out.prevRunAddr = asString(f);
        break;
      case 7:
        out.deposedKey = asString(f);
        break;
      case 8:
        out.provider = asString(f);
        break;
      case 9:
        out.change = change(asBytes(f));
        sawChange = true;
        break;
      case 10: // private: the provider's own data, not read
        asBytes(f);
        break;
      case 11:
        out.requiredReplace.push(path(asBytes(f)));
        break;
      case 12:
        out.actionReason = Number(asVarint(f));
        break;
      default:
        unknownField('ResourceInstanceChange', f);
    }
  }
  if (!sawChange || out.addr === '') throw new Error('tfplan: a resource change without address or change');
  return out;
}

function outputChange(buf: Buffer): RawOutputChange {
  const out: RawOutputChange = { name: '', change: { action: 0, values: [], beforeSensitive: [], afterSensitive: [] }, sensitive: false };
  for (const f of readFields(buf)) {
    if (f.field === 1) out.name = asString(f);
    else if (f.field === 2) out.change = change(asBytes(f));
    else if (f.field === 3) out.sensitive = asVarint(f) !== 0n;
    else unknownField('OutputChange', f);
  }
  return out;
}

export function readTfplan(buf: Buffer): RawPlan {
  const plan: RawPlan = { version: 0n, uiMode: 0, errored: false, variables: new Map(), resourceChanges: [], outputChanges: [], terraformVersion: '', timestamp: '' };
  for (const f of readFields(buf)) {
    switch (f.field) {
      case 1:
        plan.version = asVarint(f);
        break;
      case 17:
        plan.uiMode = Number(asVarint(f));
        break;
      case 20:
        plan.errored = asVarint(f) !== 0n;
        break;
      case 2: {
        let key = '';
        let value: Buffer = Buffer.alloc(0);
        for (const e of readFields(asBytes(f))) {
          if (e.field === 1) key = asString(e);
          else if (e.field === 2) value = dynamicValue(asBytes(e));
          else unknownField('variables entry', e);
        }
        plan.variables.set(key, value);
        break;
      }
      case 3:
        plan.resourceChanges.push(resourceChange(asBytes(f)));
        break;
      case 4:
        plan.outputChanges.push(outputChange(asBytes(f)));
        break;
      case 14:
        plan.terraformVersion = asString(f);
        break;
      case 21:
        plan.timestamp = asString(f);
        break;
      // Read by `show -json` for parts we do not read (drift, checks, targets, backend,
      // relevant attributes, ephemeral variables, the apply graph).
      case 18:
      case 19:
      case 5:
      case 6:
      case 16:
      case 13:
      case 15:
      case 22:
      case 500000000:
        asBytes(f);
        break;
      default:
        unknownField('Plan', f);
    }
  }
  if (plan.version !== TFPLAN_FORMAT_VERSION) throw new Error(`tfplan: format version ${plan.version}`);
  return plan;
}
