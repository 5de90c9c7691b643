import { CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DeleteAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { alarm, cloudwatch } from '../support/ops-monitor-seed.js';
import { beforeAll, describe } from 'vitest';
import { type CliRun } from '../support/cli.js';
import { APPLY_LOG, fillArgv, runKey, testOrderedLines, type DocLine } from '../support/executable-docs.js';
import { resetMoto } from '../support/moto.js';
import { clients, seedEnvironment, writeRegistry } from '../support/ops-seed.js';
import { createProject, type TestProject } from '../support/project.js';

/**
 * Executable docs, operations (docs: test/support/executable-docs.ts): every ops line of the
 * markdown runs against resources seeded in moto with the registry a deploy writes for them,
 * reads before the one command that changes something (remediate), and must exit as the
 * markdown says. The environment is a healthy, clean one: the seeded resources an audit flags
 * (public bucket, wildcard role, open SSH, logs kept forever) are left out of its registry.
 */

const ORDER = ['ops check-health', 'ops query-logs', 'ops investigate', 'ops audit', 'ops remediate'];
const FLAGGED = new Set(['aws_s3_bucket.public', 'aws_iam_role.app', 'aws_security_group.ssh', 'aws_cloudwatch_log_group.forever']);

describe('executable docs: operations', () => {
  let p: TestProject;
  const services: Record<string, { cluster: string; serviceArn: string }> = {};

  beforeAll(async () => {
    await resetMoto();
    p = await createProject('multi-module');
    for (const env of ['test', 'prod']) {
      const prefix = `life-core-${env}`;
      const seeded = await seedEnvironment(prefix, 0);
      services[env] = seeded;
      // moto starts no task: a service that wants none is the healthy one.
      await clients().ecs.send(new UpdateServiceCommand({ cluster: seeded.cluster, service: seeded.serviceArn, desiredCount: 0 }));
      // The api service's own log group, so `query-logs --service api` has logs to read.
      await clients().logs.send(new CreateLogGroupCommand({ logGroupName: `${prefix}-api` }));
      const resources = [
        ...seeded.resources.filter((r) => !FLAGGED.has(r.address)),
        { address: 'aws_cloudwatch_log_group.api', type: 'aws_cloudwatch_log_group', id: `${prefix}-api`, arn: `arn:aws:logs:us-east-1:123456789012:log-group:${prefix}-api` },
      ];
      await writeRegistry(p.artifact(env, 'registry.json'), env, resources);
    }
  });

  /** A check-health line that states exit 1 runs with an alarm of the worker function in ALARM; the others without it. */
  async function prepare(line: DocLine): Promise<void> {
    if (line.command !== 'ops check-health') return;
    for (const env of Object.keys(services)) {
      const name = `life-core-${env}-worker-errors`;
      if (line.expectedExit === 1) await alarm(name, { namespace: 'AWS/Lambda', metric: 'Errors', dimensions: { FunctionName: `life-core-${env}-worker` }, state: 'ALARM' });
      else await cloudwatch().send(new DeleteAlarmsCommand({ AlarmNames: [name] }));
    }
  }

  const argvOf = (line: DocLine) => fillArgv(line, { planId: () => '0123456789ab' });

  async function run(line: DocLine): Promise<CliRun> {
    await prepare(line);
    return p.cli(argvOf(line), line.piped ? { input: APPLY_LOG } : {});
  }

  testOrderedLines({ set: 'ops', order: ORDER, what: 'ops', key: (line) => runKey(line, argvOf(line)), run, timeoutMs: 120_000 });
});
