/**
 * What one error says about itself: code, service, operation, resource type, category,
 * and its normalised form. Pure: no I/O.
 */
import { allMatches, clean, type ErrorBlock } from '../handlers/error-text.js';
import { OPERATION_PATTERNS, findErrorCodes, splitAwsErrorBlocks } from '../handlers/hosting/aws/error-text.js';
import { iamPrefixForService, typeOfAddress } from '../handlers/hosting/aws/operations.js';
import { categorise, type Category } from './categories.js';
import { signatureOf, tokenize, type Normaliser } from './normalise.js';

export interface ErrorFacts {
  /** First line of the error, for people. */
  summary: string;
  /** The error as given (trimmed, capped), kept as the example. */
  text: string;
  address: string | null;
  errorCode: string | null;
  /** IAM-style service prefix (`s3`, `iam`, `logs`), when the error names the call. */
  service: string | null;
  operation: string | null;
  resourceType: string | null;
  category: Category;
  normalisedMessage: string;
  tokens: string[];
  signature: string;
}

const MAX_TEXT = 4000;

/** Codes the AWS SDK for Go v2 and v1 print without an `api error` prefix. */
const EXTRA_CODE_PATTERNS: readonly RegExp[] = [
  // S3 (provider v5/v6): "... RequestID: X, HostID: Y, BucketAlreadyExists: " (moto sends no HostID)
  /(?:RequestID|HostID): [^,\n]*, (?!HostID:)([A-Z][A-Za-z0-9.]{2,100}):/g,
  // The provider's short form for some errors: "creating S3 Bucket (name): BucketAlreadyExists"
  /\): ([A-Z][a-z0-9]+(?:[A-Z][A-Za-z0-9]*)+)[ \t]*$/gm,
  // SDK v1: "BucketAlreadyExists: The requested ...\n\tstatus code: 409"
  /(?<![\w.])([A-Z][A-Za-z0-9]{2,100}(?:\.[A-Za-z0-9]+)?): (?=[^\n]*\n\s*status code: \d{3})/g,
];

/** The error's first line without the `Error:` label. */
function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim()) ?? '';
  return line.replace(/^\s*Error:\s*/, '').trim().slice(0, 300);
}

export function factsOf(block: ErrorBlock, normalise: Normaliser): ErrorFacts {
  const text = clean(block.text).trim().slice(0, MAX_TEXT);
  const codes = findErrorCodes(text, EXTRA_CODE_PATTERNS).concat(findErrorCodes(text)).sort((a, b) => a.index - b.index);
  const errorCode = codes[0]?.value ?? null;
  let service: string | null = null;
  let operation: string | null = null;
  for (const { re, service: withService } of OPERATION_PATTERNS) {
    const hit = allMatches(text, re, withService ? 2 : 1)[0];
    if (!hit) continue;
    operation = hit.value;
    if (withService) {
      re.lastIndex = 0;
      const m = re.exec(text);
      service = m?.[1] ? iamPrefixForService(m[1]) : null;
    }
    break;
  }
  const address = block.address ?? null;
  const resourceType = address ? (typeOfAddress(address) ?? null) : null;
  const normalisedMessage = normalise(text);
  const facts = { errorCode, service, resourceType, normalisedMessage };
  return {
    summary: firstLine(text),
    text,
    address,
    errorCode,
    service,
    operation,
    resourceType,
    category: categorise(errorCode, text),
    normalisedMessage,
    tokens: tokenize(normalisedMessage),
    signature: signatureOf(facts),
  };
}

/** Every error in some tool output or error text, deduplicated by signature. */
export function errorsIn(text: string, normalise: Normaliser): ErrorFacts[] {
  const seen = new Set<string>();
  const out: ErrorFacts[] = [];
  const blocks = splitAwsErrorBlocks(text);
  // Output around the errors (`Initializing provider plugins...`) is not an error of its own.
  const errors = blocks.some((b) => b.marked) ? blocks.filter((b) => b.marked) : blocks;
  // A log repeats the same error (retries, many resources): normalise each distinct text once.
  const seenText = new Set<string>();
  for (const block of errors) {
    if (!block.text.trim()) continue;
    const key = `${block.address ?? ''}\u0000${block.text}`;
    if (seenText.has(key)) continue;
    seenText.add(key);
    const facts = factsOf(block, normalise);
    if (seen.has(facts.signature)) continue;
    seen.add(facts.signature);
    out.push(facts);
  }
  return out;
}
