/**
 * A grant a person asks for (`permissions grant`), turned into what the grant path takes: the
 * same denial shape the AccessDenied parser produces for "no identity-based policy allows", so
 * a requested grant goes through exactly the planner, guard and audit an auto-fix does.
 */
import { UsageError } from '../core/errors.js';
import type { Denial } from '../handlers/hosting/aws/denials.js';

export interface RequestedGrant {
  /** As given: each value may hold several actions separated by commas (`s3:A,s3:B`). */
  actions: readonly string[];
  /** The resource's ARN, or '*'; none: the actions' resource types in the environment's pattern. */
  resource?: string | undefined;
  reason: string;
}

/** Distinct service:Action names (no wildcards: a requested grant names each action it needs). */
export function requestedActions(values: readonly string[]): string[] {
  const actions = [...new Set(values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean))];
  if (actions.length === 0) throw new UsageError('no --action given', { hint: 'e.g. --action s3:CreateBucket' });
  for (const a of actions) {
    if (!/^[a-z0-9-]+:[A-Za-z0-9]+$/.test(a)) throw new UsageError(`--action ${a}: actions look like service:Action (no wildcards), e.g. s3:CreateBucket`);
  }
  return actions;
}

/** The denials a requested grant stands for, and its reason; bad input is a usage error naming the option. */
export function requestedDenials(request: RequestedGrant): { denials: Denial[]; reasonText: string } {
  const actions = requestedActions(request.actions);
  const resource = request.resource?.trim();
  if (resource !== undefined && resource !== '*' && !resource.startsWith('arn:')) {
    throw new UsageError(`--resource ${resource}: give the resource's ARN, e.g. arn:aws:s3:::myapp-core-test-uploads`);
  }
  const reasonText = request.reason.trim();
  if (!reasonText) throw new UsageError('--reason must say why the permission is needed (it is kept in the audit log)');
  const denials: Denial[] = actions.map((action) => ({
    kind: 'denial',
    action,
    actionInferred: false,
    ...(resource ? { resourceArn: resource } : {}),
    resourceInferred: false,
    reason: 'no-identity-policy',
    explicit: false,
    code: 'AccessDenied',
    raw: '',
  }));
  return { denials, reasonText };
}
