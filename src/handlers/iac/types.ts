/**
 * What every IaC handler (terraform/tofu today; pulumi, cdk, cloudformation later) hands to
 * the domain modules. Domain code depends on these shapes, never on a tool's own JSON.
 */

import type { EventSink } from '../../core/events.js';

/** One managed resource instance in the current state. */
export interface StateResource {
  /** Full address, e.g. module.storage.aws_s3_bucket.logs["a"]. */
  address: string;
  /** Provider resource type, e.g. aws_s3_bucket. */
  type: string;
  /** Resource name in its module, e.g. logs. */
  name: string;
  /** count/for_each key, when the resource has several instances. */
  index?: string | number;
  /** Module address (empty for the root module). */
  module: string;
  /** Provider address as the IaC binary prints it: registry host/hashicorp/aws. */
  provider: string;
  /** Attribute values, with sensitive values already removed. */
  values: Record<string, unknown>;
}

/** What a plan will do to one resource. `replace` is delete+create in either order. */
export type ChangeAction = 'create' | 'update' | 'replace' | 'delete' | 'read' | 'no-op';

const ORDER: Record<ChangeAction, number> = { delete: 0, replace: 1, create: 2, update: 3, read: 4, 'no-op': 5 };

/** Destroys and replacements first (what a reviewer must not miss), then by address. */
export function byReviewOrder(a: PlannedChange, b: PlannedChange): number {
  return ORDER[a.action] - ORDER[b.action] || (a.address < b.address ? -1 : a.address > b.address ? 1 : 0);
}

export interface PlannedChange {
  address: string;
  type: string;
  action: ChangeAction;
  /** The resource's id in the cloud, when the tool names it before applying (CloudFormation's physical id). */
  physicalId?: string;
  /** Attribute names that change (never their values: they may be secret). */
  changedAttributes?: string[];
  /** Why a replacement happens (attribute paths forcing it), when the tool says. */
  replaceReason?: string[];
  /** True when the plan imports this resource into state (an adoption): a `no-op` import changes nothing in the cloud. */
  importing?: true;
}

/** A compact, secret-free summary of a plan, safe to print and to store. */
export interface PlanDigest {
  planId: string;
  /** `import`: resources brought into state (only present when there are some). */
  counts: { create: number; update: number; replace: number; delete: number; import?: number };
  /** Destroys and replacements first: they are what a reviewer must not miss. */
  changes: PlannedChange[];
  outputs: { name: string; action: ChangeAction; sensitive: boolean }[];
  hasChanges: boolean;
}

/** One error or warning from the IaC tool, located when the tool says where. */
export interface Diagnostic {
  severity: 'error' | 'warning';
  summary: string;
  detail?: string;
  /** Resource address the diagnostic is about, when known. */
  address?: string;
  file?: string;
  line?: number;
  column?: number;
}

export interface ApplyResult {
  ok: boolean;
  counts: { add: number; change: number; destroy: number };
  diagnostics: Diagnostic[];
  /** Resource addresses whose step completed, in order. */
  completed: string[];
  failed: string[];
}

export interface OutputValue {
  name: string;
  sensitive: boolean;
  /** Absent when sensitive: secrets never leave the handler. */
  value?: unknown;
}

export interface SavedPlan {
  file: string;
  digest: PlanDigest;
  /** The tool's plan JSON, sensitive values removed: safe to store. */
  redactedJson: unknown;
  /**
   * Every managed resource as it will be after the plan is applied, with its planned values:
   * what the pre-deploy tests read. In memory only: values are never written to an artifact.
   */
  resources: PlannedResource[];
}

/** One managed resource instance as a plan leaves it (deleted ones have empty values). */
export interface PlannedResource {
  address: string;
  type: string;
  name: string;
  /** Module instance address ('' for the root module), e.g. module.storage["a"]. */
  module: string;
  index?: string | number;
  action: ChangeAction;
  /** Values after the change. Sensitive values are removed; values known only after apply are absent. */
  values: Record<string, unknown>;
  /** Dotted paths of values known only after apply (e.g. `policy`, `ingress.0.cidr_blocks`). */
  unknown: string[];
  /**
   * What each top-level attribute refers to in the configuration, as resource addresses in the
   * same module instance without instance keys (e.g. bucket -> module.a["x"].aws_s3_bucket.logs):
   * how a companion resource (a bucket's ACL, policy, logging) is tied to its bucket when the
   * bucket's name is known only after apply.
   */
  references: Record<string, string[]>;
}

/** One attribute changed outside the IaC tool: its value in the recorded state, and now. */
export interface AttributeDrift {
  /** Dotted path, e.g. tags.Owner or billing_mode. */
  path: string;
  /** Absent when sensitive (then `sensitive` is true): secrets never leave the handler. */
  before?: unknown;
  after?: unknown;
  sensitive?: boolean;
}

/** A resource whose real state differs from the recorded state (changed or deleted outside the tool). */
export interface DriftedResource {
  address: string;
  type: string;
  /** update: changed outside the tool; delete: deleted outside the tool. */
  action: 'update' | 'delete';
  attributes: AttributeDrift[];
}

/** A refresh-only plan: what changed outside the tool, and the code changes pending beside it. */
export interface DriftPlan {
  /** The saved refresh-only plan; applying it records reality in state and changes nothing in the cloud. */
  file: string;
  /** A hash of the drift found: the same drift gets the same id (what `--accept --plan` checks). */
  driftId: string;
  drifted: DriftedResource[];
  /** Changes the code asks for against the recorded state (no refresh): not drift. */
  pending: PlannedChange[];
}

/**
 * Where an IaC tool's sources live and what the tool itself writes there, read from the config
 * alone (no handler loaded): what the lifecycle checks before any command runs.
 */
export interface IacSource {
  tool: string;
  /** The configured directory, relative to the project root (as written in devops.json). */
  directory: string;
  /** The config key that sets it, for messages (`handlers.iac.terraform.directory`). */
  configKey: string;
  /** How messages name it (`terraform directory`, `templates directory`). */
  what: string;
  /** What it should hold, for hints (`Terraform root module`). */
  describes: string;
  allowOutsideProject: boolean;
  /** Error code when the directory does not exist. */
  missingCode: `E_CONFIG_${string}`;
  /** Files and directories the tool writes inside `dir` (absolute): a link there would redirect it. */
  toolWrites(dir: string): { path: string; kind: 'file' | 'directory' }[];
}

/**
 * An infrastructure-as-code tool, bound to one project directory and environment:
 * terraform/tofu and cloudformation implement it. Nothing above the handlers branches on the
 * tool: every difference is a member here.
 */
export interface IacHandler {
  readonly name: string;
  /** Suffix of the saved plan file beside its record (`.tfplan`, `.changeset.json`). */
  readonly planFileSuffix: string;
  /** checkov's `--framework` for the file `writePlanJson` writes (`terraform_plan`, `cloudformation`). */
  readonly scanFramework: string;
  describe(): Promise<{ tool: string; binary: string; version: string }>;
  /** Prepare the working directory; `backend: false` skips state (enough for validate). */
  init(options?: { backend?: boolean }): Promise<void>;
  validate(): Promise<Diagnostic[]>;
  /** Files whose formatting differs from the canonical style (none for tools without one). */
  fmtCheck(): Promise<string[]>;
  /**
   * Plan the changes that make the environment match the code, saved to `out`; `events` hears
   * what else the deploy would do (the CDK handler: the assets it would publish).
   */
  plan(out: string, events?: EventSink): Promise<SavedPlan>;
  /** Plan the removal of everything the environment's state holds, saved to `out`. */
  destroyPlan(out: string): Promise<SavedPlan>;
  /** The digest of an already saved plan file (to check it still is what was previewed). */
  showPlan(file: string): Promise<SavedPlan>;
  /**
   * Write what third-party scanners (checkov, trivy) read for this plan to `out`, mode 0600: the
   * full plan JSON (values included, sensitive ones too), or the template; the caller deletes it
   * right after.
   */
  writePlanJson(planFile: string, out: string): Promise<void>;
  /** Reports each resource step and diagnostic as APPLY_RESOURCE / APPLY_DIAGNOSTIC events. */
  apply(planFile: string, events?: EventSink): Promise<ApplyResult>;
  /**
   * Drift: a refresh-only plan saved to `out` (state untouched until it is applied) and, apart,
   * the code changes pending against the recorded state.
   */
  driftPlan(out: string): Promise<DriftPlan>;
  showState(): Promise<StateResource[]>;
  outputs(): Promise<OutputValue[]>;
  /** Adopting existing resources into state (import blocks, generated configuration); absent for tools that cannot. */
  readonly adoption?: IacAdoption;
}

/** What `infra adopt` needs from the tool (Terraform/OpenTofu). */
export interface IacAdoption {
  /**
   * An expression true only when this environment is planned, and the declarations it needs
   * (the same for every environment: written once per directory).
   */
  scope(): { condition: string; declarations: string };
  /** Why this binary cannot adopt (import blocks with for_each need 1.7 or later), or undefined when it can. */
  unsupported(): Promise<string | undefined>;
  /**
   * `plan -generate-config-out=out`: configuration for each import target that has none, written
   * to `out` (which must not exist: the tool refuses to overwrite). The plan itself is discarded;
   * the raw configuration often fails validation (that is why it is cleaned afterwards), so a plan
   * error is not a failure as long as the file was written.
   */
  generateConfig(out: string): Promise<void>;
}
