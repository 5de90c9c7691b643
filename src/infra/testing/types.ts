/** Shapes shared by the pre- and post-deploy tests and what the CLI shows of them. */

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** One problem found in a plan, by faber-cloud's own rules or by an adapter (checkov, trivy). */
export interface Finding {
  rule: string;
  severity: Severity;
  title: string;
  /** Resource address the finding is about. */
  address: string;
  /** What exactly is wrong with this resource (never a secret value). */
  message: string;
  why: string;
  fix: string;
  source: 'faber-cloud' | 'checkov' | 'trivy';
}

/** A rule that could not be decided for a resource, because a value is known only after apply. */
export interface Unchecked {
  rule: string;
  address: string;
  reason: string;
}

export interface GateLimits {
  max_critical?: number | undefined;
  max_high?: number | undefined;
  max_medium?: number | undefined;
  max_low?: number | undefined;
}

export interface GateResult {
  passed: boolean;
  counts: Record<Severity, number>;
  limits: GateLimits;
  monthly_budget_usd: number | null;
  /** One sentence per exceeded limit, naming the config key. */
  blocked_by: string[];
}

export interface CostLine {
  address: string;
  type: string;
  monthly_usd: number;
  /** What the price was based on, e.g. "db.t3.micro, 20 GB storage". */
  basis: string;
}

export interface CostEstimate {
  currency: 'USD';
  total_monthly_usd: number;
  lines: CostLine[];
  /** Priced by use only (requests, GB stored): $0 at rest. */
  usage_based: { address: string; type: string; note: string }[];
  not_estimated: { address: string; type: string; reason: string }[];
  pricing: { source: string; retrieved: string; region: string; note?: string };
}

export interface AdapterRun {
  tool: 'checkov' | 'trivy';
  status: 'ran' | 'not-installed' | 'disabled' | 'failed';
  /** "not installed, skipped", the version that ran, or why it failed. */
  detail: string;
  findings: number;
}
