import { DEFAULT_NAMING_PATTERN, DEFAULT_NEVER_AUTO_GRANT } from '../../src/core/config/schema.js';
import type { GrantContext } from '../../src/permissions/grant-plan.js';

/** The account every grant-planner test plans in (moto's default). */
export const ACCOUNT = '123456789012';

/** Environment `test` of project `myapp`, subsystem `core`, with the default naming and refusals. */
export const CTX: GrantContext = {
  project: 'myapp',
  subsystem: 'core',
  env: 'test',
  namingPattern: DEFAULT_NAMING_PATTERN,
  accountId: ACCOUNT,
  partition: 'aws',
  region: 'us-east-1',
  neverAutoGrant: DEFAULT_NEVER_AUTO_GRANT,
};
