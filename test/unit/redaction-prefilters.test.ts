// The redaction's cheap pre-checks (performance, docs/PERFORMANCE.md "Registry build"): a shape is
// skipped only where it cannot match, so what is redacted never changes. `hasRun40` against the
// regular expression it replaced, each shape's `needs` against the shape itself, and a big text
// (a registry.json is redacted whole when written) with a secret of each kind deep inside.
import { afterEach, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../bench/registry-build.mjs';
import { clearSensitive, hasRun40, PREFILTERED_SHAPES, REDACTED, redactText, redactValue, registerSensitive } from '../../src/core/redaction/index.js';

afterEach(() => clearSensitive());

const RUN_40 = /[A-Za-z0-9/+]{40}/;

describe('hasRun40: same answer as /[A-Za-z0-9/+]{40}/', () => {
  // Characters just outside the class (their neighbours in ASCII, `=`, `-`, `_`), inside it, and
  // code units beyond ASCII (a letter with an accent, a surrogate pair, a lone surrogate).
  const OUTSIDE = ['=', '-', '_', '.', ' ', '\n', '@', '[', '`', '{', ':', '*', ',', 'é', '\ud83d\ude00', '\ud800', '\u0000', '\uffff'];
  const INSIDE = 'azAZ09+/mQ7';

  it('runs of every length from 0 to 90 at every offset around the 40-character stride', () => {
    for (let len = 0; len <= 90; len++) {
      for (let offset = 0; offset <= 81; offset++) {
        for (const sep of [OUTSIDE[offset % OUTSIDE.length]!, OUTSIDE[(offset * 7) % OUTSIDE.length]!]) {
          const run = Array.from({ length: len }, (_, i) => INSIDE[(i + offset) % INSIDE.length]).join('');
          for (const text of [sep.repeat(offset) + run, sep.repeat(offset) + run + sep, run + sep.repeat(offset), `${sep.repeat(offset)}${run}${sep}${run}`]) {
            expect(hasRun40(text), JSON.stringify(text)).toBe(RUN_40.test(text));
          }
        }
      }
    }
  });

  it('20,000 random texts, mostly class characters with separators at random', () => {
    const rnd = mulberry32(40);
    let found = 0;
    for (let n = 0; n < 20_000; n++) {
      const length = Math.floor(rnd() * 300);
      const breakRate = [0.005, 0.02, 0.05, 0.2][n % 4]!;
      let text = '';
      for (let i = 0; i < length; i++) text += rnd() < breakRate ? OUTSIDE[Math.floor(rnd() * OUTSIDE.length)] : INSIDE[Math.floor(rnd() * INSIDE.length)];
      const expected = RUN_40.test(text);
      if (expected) found++;
      expect(hasRun40(text), JSON.stringify(text)).toBe(expected);
    }
    // Both answers occur often enough to mean something.
    expect(found).toBeGreaterThan(2_000);
    expect(found).toBeLessThan(18_000);
  });
});

describe("each shape's pre-check holds for every text the shape matches", () => {
  // Pieces of every prefiltered shape's syntax, put together at random.
  const PIECES = [
    'password', 'PassWord', 'passwd', 'passphrase', 'pwd', 'secret', 'SECRET', 'secret_key', 'secret-access-key', 'token', 'Token', 'api_key', 'apiKey', 'api-key', 'private_key', 'privatekey', 'db_', 'x', 'my.',
    '"', "'", ' ', '\t', '=', ':', ': ', ' = ', '://', 'https://', 'postgres://', 'redis://u', 'user', ':', 'user:', ':p4ss', 'p4ss', 'pw@', '@', '@host', '/', 'host.example.com', '\n', ',', ';', '{', '}', '[', ']',
    'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0', 'abcDEF0123', '+/+/', '-', '_', '.', 'é', 'var.x', 'hunter2hunter2',
    '-----BEGIN ', '-----BEGIN RSA PRIVATE KEY-----', 'PRIVATE KEY-----', '-----END RSA PRIVATE KEY-----', 'Authorization', 'AUTHORIZATION', 'proxy-authorization',
    'Bearer ', 'Basic ', 'Token ', 'eyJhbGciOiJIUzI1NiJ9', 'eyJzdWIiOiIx.', ' eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIx.sig', 'FwoGZXIvYXdzE', 'IQoJb3JpZ2luX2Vj', 'AgoJb3JpZ2luX2Vj', 'AKIA', 'ASIA', 'IOSFODNN7EXAMPLE', ' ASIAIOSFODNN7EXAMPLE ',
    'ghp_', 'gho_', 'github_pat_', 'aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dF3hJ5', 'xoxb-', 'xoxp-', '1234567890', 'hooks.slack.com/services/', 'T00/B00/XXX',
    'sk_live_', 'pk_test_', 'whsec_', 'ftp://a:', 'redis://u:', 'pw@db', 'x:y@', 'aws_secret_access_key', 'SecretAccessKey', 'aws_secret', 'SeCrEt', 'aws_secret_access_key=', 'SECRET_KEY: ', 'aws_secret:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY ',
  ];

  it('for 40,000 random texts, and each pre-check is true where its shape matches some text', () => {
    const rnd = mulberry32(7);
    const matched = new Map<string, number>();
    for (let n = 0; n < 40_000; n++) {
      const count = 1 + Math.floor(rnd() * 12);
      let text = '';
      for (let i = 0; i < count; i++) text += PIECES[Math.floor(rnd() * PIECES.length)];
      for (const shape of PREFILTERED_SHAPES) {
        const re = new RegExp(shape.re.source, shape.re.flags.replace('g', ''));
        if (re.test(text)) {
          matched.set(shape.name, (matched.get(shape.name) ?? 0) + 1);
          expect(shape.needs(text), `${shape.name}: ${JSON.stringify(text)}`).toBe(true);
        }
      }
    }
    expect(PREFILTERED_SHAPES.map((s) => s.name).sort()).toEqual(['aws-secret-standalone', 'key-value', 'url-credentials']);
    for (const shape of PREFILTERED_SHAPES) expect(matched.get(shape.name) ?? 0, shape.name).toBeGreaterThan(5);
  });

  it('each pre-check is false on text its shape cannot match (so it saves work)', () => {
    const plain = '{"address": "aws_ssm_parameter.config[\\"billing/api_token_3\\"]", "console_url": "https://console.aws.amazon.com/x"}';
    for (const shape of PREFILTERED_SHAPES) expect(shape.needs(plain), shape.name).toBe(false);
  });
});

describe('a big text (a registry.json written whole) is redacted as a small one is', () => {
  // ~2 MB of registry-like JSON: words the trigger matches (token, secret) but no shape.
  const filler = JSON.stringify(
    Array.from({ length: 8_000 }, (_, i) => ({
      address: `aws_ssm_parameter.config["billing/api_token_${i}"]`,
      arn: `arn:aws:ssm:us-east-1:123456789012:parameter/shop/prod/webhook_secret_${i}`,
      console_url: `https://us-east-1.console.aws.amazon.com/systems-manager/parameters/%252Fshop%252Fwebhook_secret_${i}/description?region=us-east-1`,
    })),
    null,
    2,
  );
  const CASES: { name: string; secret: string; text: string }[] = [
    { name: 'key-value', secret: 'hunter2hunter2', text: '"db_password": "hunter2hunter2"' },
    { name: 'url-credentials', secret: 's3cr3tpw', text: 'postgres://admin:s3cr3tpw@db.internal:5432/app' },
    { name: 'aws-secret-standalone', secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', text: 'rotated wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY today' },
  ];

  it('a secret of each pre-checked shape, at the end of the text, is redacted as on its own', () => {
    for (const c of CASES) {
      const alone = redactText(c.text);
      expect(alone, c.name).not.toContain(c.secret);
      expect(redactText(`${filler}\n${c.text}`), c.name).toBe(`${filler}\n${alone}`);
    }
    expect(redactText(filler)).toBe(filler);
  });

  it('a registered value inside a big value is redacted wherever it is', () => {
    registerSensitive('SENSITIVE-abc123');
    const big = { items: JSON.parse(filler) as unknown[], last: 'key=SENSITIVE-abc123' };
    const out = redactValue(big);
    expect(out.last).toBe(`key=${REDACTED}`);
    expect(JSON.stringify(out)).not.toContain('SENSITIVE-abc123');
  });
});
