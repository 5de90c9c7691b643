import { envNameProblem, type EnvironmentConfig, type FaberConfig, type ProfileRole } from './config/schema.js';
import { ownValue } from './own.js';
import { quoted } from './text.js';
import { GuardError, UsageError } from './errors.js';

/**
 * The safety rules of DESIGN §5, in one place. Every command that mutates calls
 * `authorize` before any AWS or IaC call, and `checkAccount` once it knows who it is.
 */

/**
 * `preview` mutates nothing in the cloud, but reads it with the deploy profile: same role and account rules.
 * `ops-read` (check-health, query-logs, investigate) likewise: read-only, the environment's deploy profile, no confirmation.
 */
export type GuardedOperation = 'preview' | 'deploy' | 'destroy' | 'iam-grant' | 'remediate' | 'ops-read';

export interface GuardRequest {
  operation: GuardedOperation;
  env: string;
  /** --profile: a profile name the user asked for instead of the configured one. */
  profile?: string;
  /** --confirm value. */
  confirm?: string;
  /** --plan value. */
  planId?: string;
}

export interface Authorization {
  operation: GuardedOperation;
  env: string;
  environment: EnvironmentConfig;
  role: ProfileRole;
  profile: string;
  region: string;
  /** Account every call must be made in. */
  accountId: string;
  /** True when the environment is deployed with the prod role. */
  production: boolean;
}

const ROLE_LIMITS: Record<ProfileRole, string> = {
  discover: 'the discover profile manages IAM permissions only and never deploys',
  test: 'the test profile deploys non-production environments only and never touches IAM',
  prod: 'the prod profile deploys production only and never touches IAM',
};

/**
 * The configured environment `env` names. Only a slug that is an own key of `environments`
 * is one: `constructor`, `__proto__` or `../x` are unknown environments (exit 2) before any
 * path, profile or cloud call is derived from them.
 */
export function environmentOf(config: FaberConfig, env: string): EnvironmentConfig {
  const environment = envNameProblem(env) === undefined ? ownValue(config.environments, env) : undefined;
  if (!environment) {
    throw new UsageError(`unknown environment ${quoted(env)}`, {
      code: 'E_USAGE_UNKNOWN_ENV',
      hint: `configured environments: ${Object.keys(config.environments).join(', ')}`,
    });
  }
  return environment;
}

function roleOfProfile(config: FaberConfig, profile: string): ProfileRole | undefined {
  const profiles = config.handlers.hosting.aws?.profiles;
  if (!profiles) return undefined;
  return (Object.keys(profiles) as (keyof typeof profiles)[]).find((role) => role !== '$comment' && profiles[role] === profile) as ProfileRole | undefined;
}

/** Static checks: right role for the operation and environment, confirmations present. */
export function authorize(config: FaberConfig, request: GuardRequest): Authorization {
  const environment = environmentOf(config, request.env);
  const aws = config.handlers.hosting.aws;
  if (!aws) throw new GuardError('E_GUARD_NO_HOSTING', 'no hosting provider is configured for this project');
  const needed: ProfileRole = request.operation === 'iam-grant' ? 'discover' : environment.profile;
  const production = environment.profile === 'prod';

  // `needed` is a schema role (discover/test/prod), never user text; the schema requires all three.
  const profile = aws.profiles[needed];
  if (request.profile !== undefined && request.profile !== profile) {
    const role = roleOfProfile(config, request.profile);
    if (!role) {
      throw new GuardError('E_GUARD_UNKNOWN_PROFILE', `profile '${request.profile}' is not one of this project's profiles`, {
        hint: `for ${request.operation} on ${request.env} use '${profile}' (handlers.hosting.aws.profiles.${needed})`,
      });
    }
    throw new GuardError('E_GUARD_WRONG_PROFILE', `${request.operation} on '${request.env}' needs the ${needed} profile, not ${role} ('${request.profile}'): ${ROLE_LIMITS[role]}`, {
      hint: `drop --profile, or use --profile ${profile}`,
    });
  }

  if (request.operation === 'deploy' || request.operation === 'destroy' || request.operation === 'remediate') {
    // `production` too: the schema ties the prod role to require_confirmation, but the guard must hold on its own.
    const needsConfirm = production || environment.require_confirmation || request.operation === 'destroy';
    if (request.confirm !== undefined && request.confirm !== request.env) {
      throw new GuardError('E_GUARD_CONFIRMATION_MISMATCH', `--confirm ${request.confirm} does not match the environment '${request.env}'`, {
        hint: `--confirm must name the environment: --confirm ${request.env}`,
      });
    }
    if (needsConfirm && request.confirm !== request.env) {
      throw new GuardError('E_GUARD_CONFIRMATION_REQUIRED', `${request.operation} on '${request.env}' needs --confirm ${request.env}`, {
        hint: `review the plan (faber-cloud infra preview --env ${request.env}), then re-run with --confirm ${request.env}`,
      });
    }
    if (production && request.operation !== 'remediate' && !request.planId) {
      throw new GuardError('E_GUARD_PLAN_REQUIRED', `${request.operation} on '${request.env}' applies only a previewed plan: pass --plan <id>`, {
        hint: `run faber-cloud infra preview --env ${request.env}${request.operation === 'destroy' ? ' --destroy' : ''} and pass the plan id it prints`,
      });
    }
  }

  const accountId = environment.account_id ?? aws.account_id;
  if (!accountId) {
    throw new GuardError('E_GUARD_ACCOUNT_UNSET', `no account id configured for '${request.env}': mutations are refused without one`, {
      hint: 'set handlers.hosting.aws.account_id (or environments.<env>.account_id) in devops.json',
    });
  }
  return { operation: request.operation, env: request.env, environment, role: needed, profile, region: environment.region ?? aws.region, accountId, production };
}

/** The caller must be in the configured account. */
export function checkAccount(authorization: Authorization, identity: { account: string; arn: string }): void {
  if (identity.account !== authorization.accountId) {
    throw new GuardError(
      'E_GUARD_ACCOUNT_MISMATCH',
      `profile '${authorization.profile}' is in account ${identity.account} (${identity.arn}), but '${authorization.env}' is configured for ${authorization.accountId}`,
      { hint: 'check the profile\'s credentials, or the account_id in devops.json' },
    );
  }
}
