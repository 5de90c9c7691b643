// Types for bench/autopilot-output.mjs, which test/unit/autopilot-output.test.ts imports.
export interface AutopilotCli {
  outcome: 'plan' | 'explained' | 'unsupported' | 'none' | 'error';
  class?: string;
  principal?: string;
  action?: string;
  resource?: string;
  triedToApply?: boolean;
  note?: string;
}
export interface AutopilotMcp {
  outcome: 'policy' | 'error' | 'no-answer';
  effect?: string;
  actions?: string[];
  resources?: string[];
  note?: string;
}
export interface AutopilotAnswer {
  found: boolean;
  class?: string;
  action?: string;
  resource?: string;
  from?: 'cli' | 'mcp';
}
export type Verdict = 'agree' | 'differ' | 'ours-only' | 'autopilot-only' | 'neither';
export interface OursData {
  denials: Array<{ action?: string; resource_arn?: string; principal_arn?: string; reason: string }>;
  credential_problems: Array<{ code: string }>;
}
export declare function parseAutopilotCli(run: { code: number; stdout: string; stderr: string }): AutopilotCli;
export declare function parseAutopilotMcp(answer: unknown): AutopilotMcp;
export declare function autopilotClassFor(reason: string): string | undefined;
export declare function autopilotAnswer(cli: AutopilotCli, mcp?: AutopilotMcp): AutopilotAnswer;
export declare function compareMessage(
  ours: OursData,
  autopilot: AutopilotAnswer,
): { found: Verdict; action: Verdict; actionExact: boolean; resource: Verdict; resourceIsPrincipal: boolean; class: Verdict };
export declare function tally(rows: Array<{ verdict: Record<string, Verdict> }>): Record<string, Record<string, number>>;
