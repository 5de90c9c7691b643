import { NeedsHumanError, OperationError } from '../../../core/errors.js';
import type { CallerIdentity } from '../types.js';
import { parseArn } from './arn.js';
import { createAwsClient, type AwsClientOptions } from './clients.js';

export function partitionOfArn(arn: string): string {
  return parseArn(arn)?.partition ?? 'aws';
}

/** STS GetCallerIdentity through the given profile. */
export async function callerIdentity(options: AwsClientOptions): Promise<CallerIdentity> {
  const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
  const client = createAwsClient(STSClient, options);
  try {
    const out = await client.send(new GetCallerIdentityCommand({}));
    const arn = out.Arn ?? '';
    return { account: out.Account ?? '', arn, userId: out.UserId ?? '', partition: partitionOfArn(arn), profile: options.profile ?? null, region: options.region };
  } catch (error) {
    const message = (error as Error).message;
    // Credential problems are not permission problems: a person must refresh or fix them.
    // The classifier (and the denial parser behind it) loads only when the call failed.
    const { classifyAwsError } = await import('./errors.js');
    if (classifyAwsError(error, 'sts:GetCallerIdentity').reason === 'credentials' || /profile .* (could not be found|not found)/i.test(message)) {
      throw new NeedsHumanError('E_AWS_CREDENTIALS', `no valid credentials for profile ${options.profile ?? '(default)'}: ${message}`, {
        hint: `configure the profile (aws configure --profile ${options.profile ?? 'NAME'}) or refresh its session, then re-run`,
      });
    }
    throw new OperationError('E_AWS_STS', `STS GetCallerIdentity failed for profile ${options.profile ?? '(default)'}: ${message}`);
  } finally {
    client.destroy();
  }
}

/**
 * sts:DecodeAuthorizationMessage: the JSON behind EC2's "Encoded authorization failure
 * message" (who, which action, which resource, whether a Deny matched). Called with the
 * discover profile, which may read it; the deploy profiles usually may not.
 */
export async function decodeAuthorizationMessage(options: AwsClientOptions, encoded: string): Promise<string> {
  const { STSClient, DecodeAuthorizationMessageCommand } = await import('@aws-sdk/client-sts');
  const client = createAwsClient(STSClient, options);
  try {
    const out = await client.send(new DecodeAuthorizationMessageCommand({ EncodedMessage: encoded }));
    if (!out.DecodedMessage) throw new OperationError('E_AWS_DECODE', 'STS returned no decoded message');
    return out.DecodedMessage;
  } finally {
    client.destroy();
  }
}
