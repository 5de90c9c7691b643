import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { ConfigProblem } from './issues.js';
import type { FaberConfig } from './schema.js';

/** Valid but worth knowing before a deploy: these do not fail validation. */
export async function configWarnings(config: FaberConfig, root: string | undefined): Promise<ConfigProblem[]> {
  const warnings: ConfigProblem[] = [];
  const aws = config.handlers.hosting.aws;
  if (aws && !aws.account_id) {
    const unchecked = Object.entries(config.environments).filter(([, env]) => !env.account_id).map(([name]) => name);
    if (unchecked.length) {
      warnings.push({ path: 'handlers.hosting.aws.account_id', message: `not set: deploys to ${unchecked.join(', ')} will be refused until it is` });
    }
  }
  const iac = config.handlers.iac;
  const directory = iac[iac.active]?.directory;
  if (directory !== undefined && root) {
    const dir = path.resolve(root, directory);
    const isDir = await stat(dir).then((s) => s.isDirectory(), () => false);
    if (!isDir) warnings.push({ path: `handlers.iac.${iac.active}.directory`, message: `${directory} does not exist yet` });
  }
  return warnings;
}
