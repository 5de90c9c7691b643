/**
 * The one place AWS SDK clients are made: region, named profile, endpoint override
 * (AWS_ENDPOINT_URL, which points everything at moto in tests) and retries are decided
 * here, so every service behaves the same. Client classes are passed in, so each command
 * loads only the SDK packages it uses.
 */

export interface AwsClientOptions {
  region: string;
  /** Named profile from the shared config/credentials files. */
  profile?: string;
  env?: NodeJS.ProcessEnv;
  maxAttempts?: number;
}

/** What every client is made with. */
export interface AwsClientConfig {
  region: string;
  profile?: string;
  endpoint?: string;
  maxAttempts: number;
}

export function awsClientConfig(options: AwsClientOptions): AwsClientConfig {
  const env = options.env ?? process.env;
  const config: AwsClientConfig = { region: options.region, maxAttempts: options.maxAttempts ?? 3 };
  if (options.profile) config.profile = options.profile;
  if (env.AWS_ENDPOINT_URL) config.endpoint = env.AWS_ENDPOINT_URL;
  return config;
}

export function createAwsClient<C>(Client: new (config: AwsClientConfig) => C, options: AwsClientOptions): C {
  return new Client(awsClientConfig(options));
}

/**
 * An S3 client, path-style under an endpoint override (moto, LocalStack), where bucket host
 * names do not resolve; the SDK package is passed in like any client class.
 */
export function createS3Client(sdk: typeof import('@aws-sdk/client-s3'), options: AwsClientOptions): import('@aws-sdk/client-s3').S3Client {
  const config = awsClientConfig(options);
  return new sdk.S3Client({ ...config, forcePathStyle: config.endpoint !== undefined });
}
