import { describe, expect, it } from 'vitest';
import { ProviderCallError, type ProviderFailureReason } from '../../src/handlers/hosting/failures.js';
import { describeFailure, opsError, problemFor, type OpsCommands } from '../../src/ops/problems.js';

const REASONS: ProviderFailureReason[] = ['permission-denied', 'credentials', 'throttled', 'unavailable', 'not-found', 'conflict', 'rejected', 'error'];
const failure = (reason: ProviderFailureReason) => ({ reason, action: 'ecs:UpdateService', message: 'said', code: 'Code' });
const thrown = (reason: ProviderFailureReason, commands: OpsCommands) => opsError(new ProviderCallError(failure(reason)), 'test', 'scale-service on aws_ecs_service.api', commands) as { code: string; exitCode: number; message: string; details: { problem: { failure: string; message: string } } };

describe('one mapping from a classified provider failure to what ops reports and throws', () => {
  it('the documented codes: monitoring reads and respond commands differ only for a denial and an outage', () => {
    const table = REASONS.map((r) => [r, problemFor(failure(r), 'test', 'x').failure, thrown(r, 'ops-monitor').code, thrown(r, 'ops-respond').code, thrown(r, 'ops-respond').exitCode]);
    expect(table).toEqual([
      ['permission-denied', 'denied', 'E_OPS_PERMISSION_DENIED', 'E_PERMISSION_DENIED', 4],
      ['credentials', 'credentials', 'E_AWS_CREDENTIALS', 'E_AWS_CREDENTIALS', 4],
      ['throttled', 'unavailable', 'E_OPS_SERVICE_UNAVAILABLE', 'E_PROVIDER_UNAVAILABLE', 1],
      ['unavailable', 'unavailable', 'E_OPS_SERVICE_UNAVAILABLE', 'E_PROVIDER_UNAVAILABLE', 1],
      ['not-found', 'not-found', 'E_RESOURCE_NOT_FOUND', 'E_RESOURCE_NOT_FOUND', 1],
      ['conflict', 'failed', 'E_PROVIDER_CALL', 'E_PROVIDER_CALL', 1],
      ['rejected', 'failed', 'E_PROVIDER_REJECTED', 'E_PROVIDER_REJECTED', 1],
      ['error', 'failed', 'E_PROVIDER_CALL', 'E_PROVIDER_CALL', 1],
    ]);
  });

  it('the thrown error carries the same record and the same line as the JSON output', () => {
    for (const r of REASONS) {
      for (const commands of ['ops-monitor', 'ops-respond'] as const) {
        const e = thrown(r, commands);
        expect(e.details.problem.message).toBe(describeFailure(failure(r)));
        expect(e.message.startsWith(describeFailure(failure(r)))).toBe(true);
      }
    }
  });

  it('a denial names the grant: the monitoring read it feeds, or the respond action itself, as the reason', () => {
    expect(problemFor(failure('permission-denied'), 'test', 'log group /g').grant).toBe("faber-cloud permissions grant --env test --action ecs:UpdateService --reason 'faber-cloud ops reads log group /g'");
    expect(thrown('permission-denied', 'ops-respond')).toMatchObject({ hint: expect.stringContaining("--reason 'scale-service on aws_ecs_service.api'") });
    expect(problemFor(failure('unavailable'), 'test', 'x').grant).toBeNull();
  });

  it('anything but a provider failure passes through unchanged', () => {
    const bug = new TypeError('bug');
    expect(opsError(bug, 'test', 'x', 'ops-respond')).toBe(bug);
  });
});
