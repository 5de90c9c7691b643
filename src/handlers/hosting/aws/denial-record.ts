import type { Denial, DenialCode, DenialReason } from './denials.js';

/**
 * A denial as reports and `--json` output carry it (docs/JSON-OUTPUT.md): snake_case, without the
 * raw error text. The one mapping from the parser's Denial (iam-audit.json keeps the parser's names).
 */
export interface DenialRecord {
  kind: 'denial';
  principal_arn?: string;
  action?: string;
  action_inferred: boolean;
  resource_arn?: string;
  resource_inferred: boolean;
  reason: DenialReason;
  explicit?: boolean;
  policy_arn?: string;
  code: DenialCode;
  encoded_message?: string;
  address?: string;
}

export function denialRecord(d: Omit<Denial, 'raw'>): DenialRecord {
  return {
    kind: 'denial',
    ...(d.principalArn !== undefined ? { principal_arn: d.principalArn } : {}),
    ...(d.action !== undefined ? { action: d.action } : {}),
    action_inferred: d.actionInferred,
    ...(d.resourceArn !== undefined ? { resource_arn: d.resourceArn } : {}),
    resource_inferred: d.resourceInferred,
    reason: d.reason,
    ...(d.explicit !== undefined ? { explicit: d.explicit } : {}),
    ...(d.policyArn !== undefined ? { policy_arn: d.policyArn } : {}),
    code: d.code,
    ...(d.encodedMessage !== undefined ? { encoded_message: d.encodedMessage } : {}),
    ...(d.address !== undefined ? { address: d.address } : {}),
  };
}
