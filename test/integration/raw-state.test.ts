import { describe, expect, it } from 'vitest';
import { showStateFromRaw } from '../../src/handlers/iac/terraform/raw-state.js';
import { digestProviderSchemas } from '../../src/handlers/iac/terraform/schema-digest.js';
import { stateResources, type ShowStateJson } from '../../src/handlers/iac/terraform/state.js';
import { tempDir } from '../support/cli.js';
import { MODULE_CALL, PROVIDERS_HEADER, tofuIn as tofu, writeRootWithModules } from '../support/real-tofu.js';
import { redactedUnder } from '../support/show-json.js';

/**
 * The deploy reads state with `state pull` and the providers' schema digest instead of
 * `show -json` (docs/PERFORMANCE.md "Deploy overhead"). This applies a real configuration with
 * the real tool (hashicorp/aws against moto, random, the built-in terraform_data) and checks that
 * the raw state reads exactly as `show -json` does: every resource (modules, for_each and count
 * keys), its values with sensitive ones removed, `dynamic` attributes unwrapped, the outputs, and
 * the same secrets registered for redaction.
 */
const SECRET = 'raw-state-canary-7f3a';

const MAIN = `
${PROVIDERS_HEADER}
variable "secret" {
  type      = string
  sensitive = true
  default   = "${SECRET}"
}

resource "random_password" "p" {
  length = 20
}

# input/output are typed dynamic: raw state wraps them as {value, type}.
resource "terraform_data" "d" {
  input = { plain = "x", s = var.secret, list = [1, 2] }
}

resource "terraform_data" "keyed" {
  for_each = toset(["a b", "ünï", "plain"])
  input    = each.key
}

resource "aws_ssm_parameter" "secure" {
  name  = "/raw-state/secure"
  type  = "SecureString"
  value = var.secret
}

resource "aws_s3_bucket" "b" {
  count  = 2
  bucket = "raw-state-eq-\${count.index}"
  tags   = { Project = "raw", Index = tostring(count.index) }
}

data "aws_caller_identity" "me" {}

${MODULE_CALL}
output "pw" {
  value     = random_password.p.result
  sensitive = true
}

output "plain" {
  value = terraform_data.d.id
}

output "account" {
  value = data.aws_caller_identity.me.account_id
}
`;

describe('raw state read as show -json', () => {
  it('gives the same resources, values, outputs and secrets as show -json for a real state', async () => {
    const dir = await tempDir('faber-raw-state-');
    await writeRootWithModules(dir, MAIN);
    await tofu(dir, ['init', '-input=false', '-no-color']);
    await tofu(dir, ['apply', '-auto-approve', '-input=false', '-no-color']);

    const shown = JSON.parse(await tofu(dir, ['show', '-json'])) as ShowStateJson;
    const raw = JSON.parse(await tofu(dir, ['state', 'pull'])) as unknown;
    const digest = digestProviderSchemas('test', JSON.parse(await tofu(dir, ['providers', 'schema', '-json'])));
    const converted = showStateFromRaw(raw, digest.providers);
    expect(converted).toBeDefined();

    const fromShow = stateResources(shown);
    // The configuration's every kind is there: module instances, for_each keys with a space and non-ASCII, count, nested modules.
    expect(fromShow.map((r) => r.address)).toEqual(
      expect.arrayContaining(['terraform_data.keyed["a b"]', 'terraform_data.keyed["ünï"]', 'aws_s3_bucket.b[1]', 'module.m["two words"].terraform_data.inner[1]', 'module.m["one"].module.deep.random_id.deep']),
    );
    expect(stateResources(converted as ShowStateJson)).toEqual(fromShow);
    // The dynamic attribute is the value itself, its secret removed; the password's result is gone.
    const data = fromShow.find((r) => r.address === 'terraform_data.d');
    expect(data?.values.input).toEqual({ plain: 'x', list: [1, 2] });
    expect(fromShow.find((r) => r.address === 'random_password.p')?.values).not.toHaveProperty('result');
    expect(fromShow.find((r) => r.address === 'aws_ssm_parameter.secure')?.values).not.toHaveProperty('value');

    expect(converted?.values?.outputs).toEqual(shown.values?.outputs);

    const password = (raw as { outputs: { pw: { value: string } } }).outputs.pw.value;
    const text = JSON.stringify(shown);
    expect(text).toContain(SECRET);
    const underShow = redactedUnder(shown, text);
    expect(underShow).not.toContain(SECRET);
    expect(underShow).not.toContain(password);
    expect(redactedUnder(converted as ShowStateJson, text)).toBe(underShow);
  }, 600_000);
});
