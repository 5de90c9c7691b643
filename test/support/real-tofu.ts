import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { MOTO_REGION } from './moto.js';
import { iacEnv, testTools } from './tools.js';

/**
 * Real configurations run with the real tool outside the CLI (raw-state and plan-file compare
 * what we read with the tool's own `show -json`): the providers' header, and a module called with
 * for_each keys that calls a nested one.
 */
const run = promisify(execFile);

/** hashicorp/aws (against moto) and hashicorp/random. */
export const PROVIDERS_HEADER = `
terraform {
  required_providers {
    aws    = { source = "hashicorp/aws" }
    random = { source = "hashicorp/random" }
  }
}

provider "aws" {
  region                      = "${MOTO_REGION}"
  s3_use_path_style           = true
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
}
`;

/** The root calls it as `module "m" { source = "./m", for_each = ..., n = ... }`. */
export const MODULE_CALL = `
module "m" {
  source   = "./m"
  for_each = { one = 1, "two words" = 2 }
  n        = each.value
}
`;

const MODULE = `
variable "n" {
  type = number
}

resource "terraform_data" "inner" {
  count = var.n
  input = var.n
}

module "deep" {
  source = "./deep"
}
`;

const DEEP = `
resource "random_id" "deep" {
  byte_length = 4
}
`;

/** `main.tf` in `dir`, and the module `m` (with its nested `deep`) beside it. */
export async function writeRootWithModules(dir: string, main: string): Promise<void> {
  await mkdir(path.join(dir, 'm', 'deep'), { recursive: true });
  await writeFile(path.join(dir, 'main.tf'), main);
  await writeFile(path.join(dir, 'm', 'main.tf'), MODULE);
  await writeFile(path.join(dir, 'm', 'deep', 'main.tf'), DEEP);
}

/** The tool in `dir` against moto, its stdout. */
export async function tofuIn(dir: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const all = { ...process.env, ...iacEnv(), AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: MOTO_REGION, ...env };
  const { stdout } = await run(testTools().iac_binary, args, { cwd: dir, env: all, maxBuffer: 256 * 1024 * 1024 });
  return stdout;
}
