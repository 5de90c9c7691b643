import { readFileSync } from 'node:fs';
import path from 'node:path';
import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import { createEventRenderer, eventLines } from '../../src/cli/render/events.js';
import { EVENT_CODES, identityEvent, step, warning, type EventCode, type FaberEvent } from '../../src/core/events.js';
import { parseStreamLine, toEvent } from '../../src/handlers/iac/terraform/diagnostics.js';
import { REPO_ROOT } from '../support/cli.js';

const plain = pc.createColors(false);
const caller = { account: '123456789012', arn: 'arn:aws:sts::123456789012:assumed-role/deploy/s' };
const auth = { region: 'us-east-1', profile: 'life-test-deploy', role: 'test' } as const;

/** One event per code, with the lines a person sees today (colour off). A new code fails to compile here until it has one. */
const SAMPLES: Record<EventCode, { event: FaberEvent; lines: string[] }> = {
  IDENTITY: {
    event: identityEvent(caller, { ...auth, operation: 'deploy' }),
    lines: ['› account 123456789012 · region us-east-1 · profile life-test-deploy (test)', `  caller ${caller.arn}`],
  },
  LIFECYCLE_STEP: { event: step('LIFECYCLE_STEP', 'planning'), lines: ['› planning'] },
  LIFECYCLE_WARNING: {
    event: warning('LIFECYCLE_WARNING', 'pre-deploy tests skipped (--skip-pre-tests); the history records it'),
    lines: ['warning pre-deploy tests skipped (--skip-pre-tests); the history records it'],
  },
  APPLY_RESOURCE: {
    event: { level: 'info', code: 'APPLY_RESOURCE', data: { phase: 'complete', address: 'terraform_data.one', action: 'create', elapsed_seconds: 3 } },
    lines: ['  ✓ terraform_data.one create 3s'],
  },
  APPLY_DIAGNOSTIC: {
    event: { level: 'error', code: 'APPLY_DIAGNOSTIC', data: { severity: 'error', summary: 'creating S3 Bucket (x): BucketAlreadyExists', address: 'aws_s3_bucket.x' } },
    lines: ['  ✗ creating S3 Bucket (x): BucketAlreadyExists (aws_s3_bucket.x)'],
  },
  GRANT_STEP: { event: step('GRANT_STEP', 'granting s3:CreateBucket on arn:aws:s3:::life-*'), lines: ['› granting s3:CreateBucket on arn:aws:s3:::life-*'] },
  OPS_STEP: { event: step('OPS_STEP', 'querying 2 log groups'), lines: ['› querying 2 log groups'] },
  OPS_WARNING: { event: warning('OPS_WARNING', 'alarms could not be read'), lines: ['warning alarms could not be read'] },
  LOGS_PROGRESS: {
    event: { level: 'info', code: 'LOGS_PROGRESS', data: { events_read: 12000, log_group: '/aws/lambda/api', log_group_events: 10000 } },
    lines: ['› read 12,000 events so far (/aws/lambda/api: 10,000)'],
  },
  AUDIT_STEP: { event: step('AUDIT_STEP', 'reading the live configuration of 3 resource(s)'), lines: ['› reading the live configuration of 3 resource(s)'] },
  REMEDIATE_STEP: { event: step('REMEDIATE_STEP', 'reading desired_count of aws_ecs_service.api'), lines: ['› reading desired_count of aws_ecs_service.api'] },
  VALIDATE_STEP: { event: step('VALIDATE_STEP', 'checking formatting and validating'), lines: ['› checking formatting and validating'] },
  INIT_WARNING: { event: warning('INIT_WARNING', 'no account_id given'), lines: ['warning no account_id given'] },
};

function captured(colors: boolean, verbose = false) {
  const out: string[] = [];
  const sink = createEventRenderer(pc.createColors(colors), { verbose, write: (text) => out.push(text) });
  return { sink, out };
}

describe('the event renderer', () => {
  it('renders every event code, as the lines people see today', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(Object.keys(EVENT_CODES).sort());
    for (const [code, sample] of Object.entries(SAMPLES)) {
      expect(sample.event.code).toBe(code);
      expect(eventLines(sample.event, plain, false), code).toEqual(sample.lines);
    }
  });

  it('marks a read-only identity (ops reads), and no other', () => {
    expect(eventLines(identityEvent(caller, { ...auth, operation: 'ops-read' }), plain, false)[0]).toBe(
      '› account 123456789012 · region us-east-1 · profile life-test-deploy (test, read-only)',
    );
    expect(eventLines(identityEvent(caller, { ...auth, operation: 'preview' }), plain, false)[0]).not.toContain('read-only');
  });

  it('shows every apply phase, with the still-running detail only under --verbose', () => {
    const start: FaberEvent = { level: 'info', code: 'APPLY_RESOURCE', data: { phase: 'start', address: 'a.b', action: 'create' } };
    const errored: FaberEvent = { level: 'error', code: 'APPLY_RESOURCE', data: { phase: 'errored', address: 'a.b', action: 'create', elapsed_seconds: 2 } };
    const still: FaberEvent = { level: 'debug', code: 'APPLY_RESOURCE', data: { phase: 'progress', address: 'a.b', action: 'create', elapsed_seconds: 10 } };
    expect(eventLines(start, plain, false)).toEqual(['  … a.b create']);
    expect(eventLines(errored, plain, false)).toEqual(['  ✗ a.b create failed after 2s']);
    expect(eventLines(still, plain, false)).toEqual([]);
    expect(eventLines(still, plain, true)).toEqual(['  … a.b create, 10s so far']);
    const warned: FaberEvent = { level: 'warn', code: 'APPLY_DIAGNOSTIC', data: { severity: 'warning', summary: 'Argument is deprecated' } };
    expect(eventLines(warned, plain, false)).toEqual(['warning Argument is deprecated']);
  });

  it('turns the IaC tool’s apply stream into events that render a line per completed resource', () => {
    const lines = readFileSync(path.join(REPO_ROOT, 'test/fixtures/terraform-json/apply-create.jsonl'), 'utf8').split('\n');
    const events = lines.map(parseStreamLine).flatMap((e) => (e ? [toEvent(e)] : []));
    expect(events.every((e) => e.code === 'APPLY_RESOURCE' || e.code === 'APPLY_DIAGNOSTIC')).toBe(true);
    const shown = events.flatMap((e) => eventLines(e, plain, false)).filter((l) => l.startsWith('  ✓'));
    expect(shown).toContain('  ✓ terraform_data.one create 0s');
    expect(shown).toHaveLength(5);
  });

  it('shows an event of an unknown level or code as an info line: never dropped, never a crash', () => {
    const future = { level: 'trace', code: 'SOMETHING_NEW', message: 'a thing happened', data: {} } as unknown as FaberEvent;
    expect(eventLines(future, plain, false)).toEqual(['› a thing happened']);
    const bare = { level: 'info', code: 'NO_MESSAGE', data: {} } as unknown as FaberEvent;
    expect(eventLines(bare, plain, false)).toEqual(['› NO_MESSAGE']);
    const result = { level: 'result', code: 'SOMETHING_DONE', message: 'done', data: {} } as unknown as FaberEvent;
    expect(eventLines(result, plain, false)).toEqual(['done']);
  });

  it('writes one line per rendered line, debug hidden without --verbose', () => {
    const quiet = captured(false);
    quiet.sink(identityEvent(caller, { ...auth, operation: 'deploy' }));
    quiet.sink({ level: 'debug', code: 'APPLY_RESOURCE', data: { phase: 'progress', address: 'a.b', action: 'create', elapsed_seconds: 10 } });
    expect(quiet.out).toEqual(['› account 123456789012 · region us-east-1 · profile life-test-deploy (test)\n', `  caller ${caller.arn}\n`]);
    const verbose = captured(false, true);
    verbose.sink({ level: 'debug', code: 'APPLY_RESOURCE', data: { phase: 'progress', address: 'a.b', action: 'create', elapsed_seconds: 10 } });
    expect(verbose.out).toHaveLength(1);
  });

  it('makes control characters from names and cloud text visible, in every kind of line', () => {
    const { sink, out } = captured(false);
    sink(step('LIFECYCLE_STEP', 'initialising te\x1b[2Jst\rforged'));
    sink(warning('OPS_WARNING', 'bell\x07 and \u009b'));
    sink(identityEvent({ account: '1\x1b]0;title\x07', arn: 'arn\u2028x' }, { ...auth, operation: 'deploy' }));
    sink({ level: 'info', code: 'APPLY_RESOURCE', data: { phase: 'complete', address: 'a["\x1b[31m"]', action: 'create', elapsed_seconds: 1 } });
    const text = out.join('');
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/);
    expect(text).toContain('initialising te\\x1b[2Jst\\rforged');
    expect(text).toContain('bell\\x07 and \\x9b');
    expect(text).toContain('account 1\\x1b]0;title\\x07');
    expect(text).toContain('caller arn\\u2028x');
    expect(text).toContain('a["\\x1b[31m"]');
    // With colour on, the renderer's own colours stay; a title or cursor sequence never does.
    const coloured = captured(true);
    coloured.sink(step('LIFECYCLE_STEP', 'x\x1b]0;title\x07y\x1b[2J'));
    expect(coloured.out.join('')).toContain('\x1b[36m›');
    expect(coloured.out.join('')).toContain('x\\x1b]0;title\\x07y\\x1b[2J');
  });
});
