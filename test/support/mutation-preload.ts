/**
 * Setup file of the mutation run only (vitest.unit.config.ts). Loads the mutated modules of the
 * security core before any test, so their module-level code (regex tables, the zod schema) runs
 * outside every test. Otherwise the first test that happens to import one lazily "covers" its
 * static mutants, and StrykerJS runs them against that test alone, where activating a mutant after
 * the module has loaded can change nothing: they would count as survived instead of static.
 * The safe-write modules are left out: their race tests mock node:fs/promises and safe-path.
 */
import '../../src/core/guard.js';
import '../../src/core/config/schema.js';
import '../../src/core/redaction/index.js';
import '../../src/handlers/iac/terraform/sensitive.js';
import '../../src/debugger/normalise.js';
import '../../src/handlers/hosting/aws/denials.js';
import '../../src/handlers/hosting/aws/policy-document.js';
import '../../src/permissions/grant-plan.js';
