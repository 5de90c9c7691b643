/**
 * Types of the devops-director router: a natural-language request in, one faber-cloud
 * command line (or a question, or the list of what it can do) out. Pure data, no I/O.
 */

export type Manager = 'infra-manager' | 'ops-manager';

export type OperationName =
  | 'architect'
  | 'engineer'
  | 'validate'
  | 'test'
  | 'preview'
  | 'deploy'
  | 'destroy'
  | 'show-resources'
  | 'history'
  | 'debug'
  | 'validate-config'
  | 'show-config'
  | 'init'
  | 'permissions-audit'
  | 'check-health'
  | 'query-logs'
  | 'investigate'
  | 'remediate'
  | 'audit';

/** Values the router can extract; each maps to one CLI flag (see ARG_FLAGS). */
export type ArgName = 'env' | 'service' | 'target' | 'count' | 'concurrency' | 'feature' | 'design' | 'issue' | 'level' | 'since' | 'phase' | 'type' | 'action' | 'plan' | 'destroy';

export type RouteArgs = Partial<Record<ArgName, string | boolean>>;

export interface RouteContext {
  /** Environment names from devops.json, e.g. ['test', 'prod']. */
  environments: string[];
  /** Environments deployed with the prod profile: mutations there need a person's confirmation. */
  prodEnvironments: string[];
}

/** A complete or partial route offered as an option or runner-up. */
export interface Alternative {
  manager: Manager;
  operation: OperationName;
  args: Record<string, string | boolean>;
  /** faber-cloud argv without the program name; lacks the flags named in `missing`. */
  argv: string[];
  confidence: number;
  needs_confirmation: boolean;
  /** Short human label, e.g. "deploy to prod". */
  label: string;
  /** Required values the request did not give (e.g. ['env']); argv is not runnable until they are. */
  missing?: ArgName[];
}

export interface RouteDecision {
  kind: 'route';
  manager: Manager;
  operation: OperationName;
  args: Record<string, string | boolean>;
  argv: string[];
  /** 0..1: 1 only for an exact verb with an explicit environment. */
  confidence: number;
  /** Runner-up routes, best first, at most 3. */
  alternatives: Alternative[];
  /** A person must confirm before this (or its follow-up) runs: prod mutations and every destroy. */
  needs_confirmation: boolean;
  reason?: string;
}

export interface RouteQuestion {
  kind: 'question';
  question: string;
  options: Alternative[];
}

export interface Capability {
  operation: OperationName;
  manager: Manager;
  description: string;
  /** A phrasing the router understands. */
  example: string;
  /** The command it routes to, with placeholders, e.g. "infra deploy --env <env>". */
  usage: string;
}

export interface RouteUnknown {
  kind: 'unknown';
  message: string;
  capabilities: Capability[];
}

export type RouteResult = RouteDecision | RouteQuestion | RouteUnknown;
