import { defineCommand } from '../definition.js';
import { ARTIFACT_ERRORS, OK, refused, usage } from '../exits.js';
import { FORCE, described } from '../options.js';

/** The options that create a design. */
const CREATING = ['feature', 'fromFile', 'resource'];

/** Definitions of one area: data only (read by --help); src/cli/commands.ts binds each to its lazily loaded action. */

export const infraArchitect = defineCommand({
  path: ['infra', 'architect'],
  summary: 'Write a design (designs/<slug>.md) for a feature: resources, names per environment, security, cost, open questions',
  exits: [
    OK,
    usage(['E_DESIGN_NO_RESOURCES', 'E_DESIGN_INVALID', 'E_USAGE_FILE', 'E_INPUT_BINARY', 'E_INPUT_ENCODING', 'E_INPUT_TOO_LARGE', ...ARTIFACT_ERRORS]),
    refused('a design of that slug exists and --force was not given', ['E_GUARD_DESIGN_EXISTS']),
  ],
  description:
    'Creates .fractary/plugins/faber-cloud/designs/<slug>.md from templates/design/design.md. The JSON front matter between ' +
    "the '---' lines lists the resources (kind, logical name, settings) that `infra engineer` builds; the body has the " +
    'requirements, services and why, resource names from resource_naming.pattern for every environment, data flow, ' +
    'security (encryption, IAM, network), a baseline cost and open questions, with "agent:" comments where judgement is needed. ' +
    'Resources come from words in the feature text (templates/design/keywords.json: "uploads" -> s3_bucket, "api" -> ' +
    'lambda_function + http_api, "jobs" -> sqs_queue + lambda_function, "table" -> dynamodb_table, ...), or exactly from ' +
    '--resource kind:name when given. Never overwrites a design without --force (exit 3). Writes nothing else; calls no cloud.',
  options: [
    { flags: '--feature <text>', description: 'what is being built, in a few words (also names the design)' },
    { flags: '--from-file <path>', description: 'requirements file (markdown or text), copied into the design and read for keywords' },
    { flags: '--resource <kind:name...>', description: 'a resource to include, e.g. s3_bucket:uploads (repeatable; replaces the keyword defaults)' },
    { flags: '--set <name.setting=value...>', description: 'a setting of one resource, e.g. worker.sqs_trigger=jobs (repeatable)' },
    { flags: '--slug <slug>', description: 'file name of the design (default: from the feature text)' },
    { flags: '--title <text>', description: 'title of the design (default: the feature text)' },
    described(FORCE, 'replace an existing design of the same slug'),
    // Listing is a use of its own: not with another listing, nor with creating a design.
    { flags: '--list', description: 'list the designs: slug, title, resource count, last modified', conflicts: ['kinds', ...CREATING] },
    { flags: '--kinds', description: 'list the resource kinds a design may use, with their settings and defaults', conflicts: CREATING },
  ],
  examples: [
    'faber-cloud infra architect --feature "user uploads"',
    'faber-cloud infra architect --feature "image thumbnails" --from-file docs/thumbnails.md',
    'faber-cloud infra architect --feature "order events" --resource sns_topic:orders --resource dynamodb_table:orders-store --set orders-store.range_key=created_at',
    'faber-cloud infra architect --list',
    'faber-cloud infra architect --kinds --json',
  ],
  output: () => import('../output-schemas/infra-design.js').then((m) => m.infraArchitect),
});

export const infraEngineer = defineCommand({
  path: ['infra', 'engineer'],
  summary: "Generate the Terraform for a design's resources into the project's terraform directory",
  exits: [
    OK,
    usage(['E_DESIGN_NOT_FOUND', 'E_DESIGN_INVALID', 'E_ENGINEER_CONFLICT', 'E_CONFIG_TERRAFORM_DIR', ...ARTIFACT_ERRORS]),
    refused('a generated file was edited by hand and --force was not given (nothing written)', ['E_GUARD_HAND_EDITED']),
  ],
  description:
    "Renders templates/terraform/ into handlers.iac.terraform.directory: shared files once (faber-cloud.tf: variables, locals, " +
    'tags, naming; faber-cloud.provider.tf: the aws provider, unless your own files configure it) and one file per resource, ' +
    '<kind>.<name>.tf. Names follow resource_naming.pattern with the environment of the selected workspace; every resource is ' +
    'tagged Project, Environment, ManagedBy=faber-cloud, and has outputs. Each file starts with two header lines: where it ' +
    'comes from and a hash of its content. Re-running is safe: unchanged files stay as they are, a file generated and then ' +
    'edited by hand stops the run with nothing written (exit 3; --force overwrites it), and a file without the header is ' +
    "yours and is left alone. Resources removed from the design have their files removed. Lambda functions get a placeholder " +
    'package (lambda/<name>.zip) when none exists. Needs no cloud access.',
  options: [
    { flags: '--design <slug>', description: 'the design to build (see `faber-cloud infra architect --list`)', required: true },
    described(FORCE, 'overwrite (or remove) generated files that were edited by hand'),
  ],
  examples: ['faber-cloud infra engineer --design user-uploads', 'faber-cloud infra engineer --design user-uploads --json', 'faber-cloud infra engineer --design user-uploads --force'],
  output: () => import('../output-schemas/infra-design.js').then((m) => m.infraEngineer),
});
