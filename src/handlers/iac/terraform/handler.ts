import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InterruptedError, OperationError } from '../../../core/errors.js';
import { registerSensitiveFromShowJson } from './sensitive.js';
import type { EventSink } from '../../../core/events.js';
import type { ApplyResult, Diagnostic, DriftPlan, IacAdoption, IacHandler, OutputValue, SavedPlan, StateResource } from '../types.js';
import { fromJsonDiagnostic, parseStreamLine, parseTextDiagnostics, toEvent } from './diagnostics.js';
import { digestPlan, driftIdOf, driftOf, plannedResources, redactPlanJson, type ShowPlanJson } from './plan.js';
import { IacRunner, parseJsonOutput, resolveIacBinary, type BinaryPreference } from './runner.js';
import { shownStateResources, type ShowStateJson } from './state.js';
import { showStateFromRaw } from './raw-state.js';
import { digestProviderSchemas, readSchemaDigest, schemaDigestKey, writeSchemaDigest } from './schema-digest.js';
import { backendArgs, backendDigest, initRecordFile, migrationRefusal, readInitRecord, stateLockError, type BackendSettings } from './backend.js';
import { writeJsonAtomic } from '../../../core/files/atomic.js';
import { configurationDigestKey, digestConfiguration, readConfigurationDigest, writeConfigurationDigest } from './configuration-digest.js';
import { readPlanFile, showPlanFromFile } from './plan-file/show-plan.js';
import { workingDirectoryFingerprint } from './working-directory.js';

export interface TerraformHandlerOptions {
  /** Terraform root module, absolute. */
  directory: string;
  binary: BinaryPreference;
  /** Workspace to select (created when missing), if the environment uses workspaces. */
  workspace?: string;
  /** -var-file for plan, relative to the directory, if the environment uses one. */
  varFile?: string;
  env?: NodeJS.ProcessEnv;
  /** The environment this handler is bound to (recorded with each init of the working directory). */
  environment?: string;
  /** The project root: backend config files must resolve inside it. */
  projectRoot?: string;
  /** -backend-config for this environment's (partial) backend block. */
  backend?: BackendSettings;
  /** How long plan/apply wait for a state lock held by another run. */
  lockTimeoutSeconds?: number;
}

/** Turn a failed run into an error carrying the tool's own diagnostics. */
function failure(what: string, diagnostics: Diagnostic[], fallback: string): OperationError {
  const first = diagnostics.find((d) => d.severity === 'error');
  const where = first?.file ? ` (${first.file}${first.line ? `:${first.line}` : ''})` : '';
  const reason = first ? `${first.summary}${where}` : fallback.trim() || 'no message from the tool';
  return new OperationError('E_IAC_FAILED', `${what} failed: ${reason}`, {
    hint: first?.detail?.split('\n')[0] ?? 'run again with --verbose to see the tool\'s full output',
    details: { diagnostics },
  });
}

/**
 * How long plan/apply wait for the state lock by default. A run whose CLI was killed leaves its
 * terraform child finishing in the background; the next run waits for it, not fails.
 */
const STATE_LOCK_TIMEOUT_SECONDS = 120;

/**
 * The input variable that names the environment being planned, set on every run of the tool
 * (as TF_VAR_<name>, which the tool ignores while no configuration declares it): what adopted
 * resources and their import blocks are scoped by. Environments may share a workspace (one
 * directory, a backend key per environment), so the workspace cannot tell them apart.
 */
export const ENVIRONMENT_VARIABLE = 'faber_cloud_environment';

/**
 * Declared once per directory (every environment's adopted resources use it). No default: a run
 * without it (a hand-run plan) stops asking for it rather than planning with no environment,
 * which would import nothing but also count every adopted resource out (a destroy).
 */
const ENVIRONMENT_DECLARATION = `variable "${ENVIRONMENT_VARIABLE}" {
  description = "The environment being planned (faber-cloud sets it on every run as TF_VAR_${ENVIRONMENT_VARIABLE}): adopted resources and their imports exist only in theirs. By hand: -var ${ENVIRONMENT_VARIABLE}=<env>, with that environment's backend and workspace selected."
  type        = string
  nullable    = false
}
`;

export class TerraformHandler implements IacHandler {
  readonly name = 'terraform';
  readonly planFileSuffix = '.tfplan';
  readonly scanFramework = 'terraform_plan';
  private runnerPromise: Promise<IacRunner> | undefined;
  private workspaceSelected = false;
  /**
   * The state `showState()` just read, for an `outputs()` right after it (a deploy's registry,
   * then DEPLOYED.md): one `show -json` instead of two, each of which loads every provider's
   * schema (seconds with hashicorp/aws). Any other use of the tool drops it.
   */
  private shownState: ShowStateJson | undefined;

  constructor(private readonly options: TerraformHandlerOptions) {}

  private runner(): Promise<IacRunner> {
    this.shownState = undefined;
    this.runnerPromise ??= resolveIacBinary(this.options.binary, this.options.env ?? process.env).then((binary) => {
      const { environment } = this.options;
      const env = environment === undefined ? this.options.env : { ...(this.options.env ?? process.env), [`TF_VAR_${ENVIRONMENT_VARIABLE}`]: environment };
      return new IacRunner(binary, { cwd: this.options.directory, ...(env ? { env } : {}) });
    });
    return this.runnerPromise;
  }

  async describe() {
    const { binary } = await this.runner();
    return { tool: binary.kind, binary: binary.path, version: binary.version };
  }

  private get lockTimeout(): string {
    return `-lock-timeout=${this.options.lockTimeoutSeconds ?? STATE_LOCK_TIMEOUT_SECONDS}s`;
  }

  /**
   * Init for this environment. A working directory last initialised for another environment is
   * re-initialised with -reconfigure (its backend settings are replaced, never migrated), so one
   * directory never mixes two environments' state; an init that would migrate state is refused.
   */
  async init(options: { backend?: boolean } = {}): Promise<void> {
    const runner = await this.runner();
    if (options.backend === false) {
      await this.runInit(runner, ['init', '-backend=false']);
      return;
    }
    const { directory, environment } = this.options;
    const args = await backendArgs(this.options.backend, this.options.projectRoot ?? directory, directory);
    const digest = await backendDigest(args);
    const record = await readInitRecord(directory);
    // This environment's last init still holds (same backend arguments, nothing in the working
    // directory or the configuration changed since): not run again. Anything else is an init.
    const held = environment !== undefined && record?.env === environment && record.backend === digest && record.fingerprint !== undefined;
    if (held && record.fingerprint === (await workingDirectoryFingerprint(directory))) {
      await this.selectWorkspace();
      return;
    }
    const reconfigure = environment !== undefined && record !== undefined && record.env !== environment;
    await this.runInit(runner, ['init', ...(reconfigure ? ['-reconfigure'] : []), ...args]);
    if (environment !== undefined) {
      await writeJsonAtomic(initRecordFile(directory), { env: environment, backend: digest, fingerprint: await workingDirectoryFingerprint(directory) }, { root: directory });
    }
    await this.selectWorkspace();
  }

  private async runInit(runner: IacRunner, args: string[]): Promise<void> {
    const result = await runner.run(args, { okExitCodes: [1] });
    if (result.exitCode === 0) return;
    const output = `${result.stderr}\n${result.stdout}`;
    const refusal = args.includes('-backend=false') ? undefined : migrationRefusal(output, this.options.environment ?? 'this environment', this.options.directory, runner.binary.kind);
    if (refusal) throw refusal;
    throw failure(`${runner.binary.kind} init`, parseTextDiagnostics(output), output.split('\n').find((line) => line.trim()) ?? '');
  }

  /** A held state lock is a refusal naming its holder (exit 3), not a raw tool failure. */
  private lockRefusal(diagnostics: readonly Diagnostic[]) {
    return stateLockError(diagnostics, this.options.environment ?? 'this environment', this.options.lockTimeoutSeconds ?? STATE_LOCK_TIMEOUT_SECONDS);
  }

  private async selectWorkspace(): Promise<void> {
    if (!this.options.workspace || this.workspaceSelected) return;
    const runner = await this.runner();
    const result = await runner.run(['workspace', 'select', '-or-create', this.options.workspace], { okExitCodes: [1] });
    if (result.exitCode !== 0) throw failure('workspace select', parseTextDiagnostics(result.stderr), result.stderr.trim());
    this.workspaceSelected = true;
  }

  async validate(): Promise<Diagnostic[]> {
    const runner = await this.runner();
    const result = await runner.run(['validate', '-json'], { okExitCodes: [1] });
    const parsed = parseJsonOutput(result.stdout) as { diagnostics?: Parameters<typeof fromJsonDiagnostic>[0][] };
    return (parsed.diagnostics ?? []).map(fromJsonDiagnostic);
  }

  async fmtCheck(): Promise<string[]> {
    const runner = await this.runner();
    // Exit 3 means "some files are not formatted"; stdout lists them.
    const result = await runner.run(['fmt', '-check', '-list=true', '-recursive'], { okExitCodes: [3] });
    return result.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  }

  private planArgs(): string[] {
    return this.options.varFile ? [`-var-file=${this.options.varFile}`] : [];
  }

  plan(out: string): Promise<SavedPlan> {
    return this.savePlan(out, []);
  }

  destroyPlan(out: string): Promise<SavedPlan> {
    return this.savePlan(out, ['-destroy']);
  }

  private async savePlan(out: string, extra: string[]): Promise<SavedPlan> {
    await this.selectWorkspace();
    const runner = await this.runner();
    const diagnostics: Diagnostic[] = [];
    const result = await runner.run(['plan', '-json', this.lockTimeout, `-out=${out}`, ...extra, ...this.planArgs()], {
      okExitCodes: [1],
      onLine: (line) => {
        const event = parseStreamLine(line);
        if (event?.kind === 'diagnostic') diagnostics.push(event.diagnostic);
      },
    });
    if (result.exitCode !== 0) throw this.lockRefusal(diagnostics) ?? failure(`${runner.binary.kind} plan`, diagnostics, result.stderr.trim());
    return this.showPlan(out);
  }

  /**
   * `plan -refresh-only` (reality against recorded state: the drift) saved to `out`, and
   * `plan -refresh=false` (code against recorded state: the pending changes) into a file
   * deleted right after. Neither touches state; applying `out` records reality in state.
   */
  async driftPlan(out: string): Promise<DriftPlan> {
    await this.savePlan(out, ['-refresh-only']);
    const runner = await this.runner();
    const json = (await runner.showJson(path.resolve(this.options.directory, out))) as ShowPlanJson;
    registerSensitiveFromShowJson(json);
    const pendingFile = `${out}.pending`;
    try {
      const pending = await this.savePlan(pendingFile, ['-refresh=false']);
      return { file: out, driftId: driftIdOf(json), drifted: driftOf(json), pending: pending.digest.changes };
    } finally {
      await rm(path.resolve(this.options.directory, pendingFile), { force: true });
    }
  }

  async showPlan(file: string): Promise<SavedPlan> {
    const runner = await this.runner();
    const planPath = path.resolve(this.options.directory, file);
    const fromFile = await this.planFromFile(runner, planPath);
    const json = fromFile?.json ?? ((await runner.showJson(planPath)) as ShowPlanJson);
    // From here on, what the plan marks sensitive is redacted from every write and print.
    registerSensitiveFromShowJson(json);
    if (!fromFile?.json && fromFile?.configurationKey) {
      const digest = digestConfiguration(fromFile.configurationKey, json);
      // Not worth failing over: without it the next plan is shown by the tool again.
      if (digest) await writeConfigurationDigest(this.options.directory, digest).catch(() => undefined);
    }
    return { file, digest: digestPlan(json), redactedJson: redactPlanJson(json), resources: plannedResources(json) };
  }

  /**
   * The saved plan read from the file itself (plan-file/show-plan.ts) when both digests it
   * needs are at hand: the providers' schema digest and this configuration's digest from an
   * earlier `show -json`. OpenTofu's plan format only (the one tested); Terraform's plans are
   * shown by the tool. `json` is undefined when the tool must show the plan, with the key to
   * keep the configuration's digest under when there is one.
   */
  private async planFromFile(runner: IacRunner, planPath: string): Promise<{ json?: ShowPlanJson; configurationKey?: string } | undefined> {
    if (runner.binary.kind !== 'tofu') return undefined;
    const { directory } = this.options;
    try {
      const lockText = await readFile(path.join(directory, '.terraform.lock.hcl'), 'utf8').catch(() => undefined);
      if (lockText === undefined) return undefined;
      const entries = readPlanFile(await readFile(planPath));
      const configurationKey = configurationDigestKey(runner.binary, lockText, entries.config);
      const [configuration, schema] = await Promise.all([readConfigurationDigest(directory, configurationKey), readSchemaDigest(directory, schemaDigestKey(runner.binary, lockText))]);
      if (!configuration || !schema) return { configurationKey };
      const json = showPlanFromFile(entries, {
        providers: schema.providers,
        formatVersion: configuration.format_version,
        configuration: configuration.configuration,
        sensitiveDefaults: configuration.sensitive_defaults,
      });
      return { json, configurationKey };
    } catch (error) {
      // A shortcut only: anything it cannot read exactly, the tool shows.
      if (error instanceof InterruptedError) throw error;
      return undefined;
    }
  }

  async writePlanJson(planFile: string, out: string): Promise<void> {
    const runner = await this.runner();
    const json = await runner.showJson(path.resolve(this.options.directory, planFile));
    // `out` is in a fresh private temp directory (not the project); 'wx' still never follows a link.
    registerSensitiveFromShowJson(json);
    await writeFile(out, JSON.stringify(json), { mode: 0o600, flag: 'wx' });
  }

  async apply(planFile: string, events?: EventSink): Promise<ApplyResult> {
    await this.selectWorkspace();
    const runner = await this.runner();
    const diagnostics: Diagnostic[] = [];
    const completed: string[] = [];
    const failed: string[] = [];
    const counted = { add: 0, change: 0, destroy: 0 };
    let summary: ApplyResult['counts'] | undefined;
    const run = runner.run(['apply', '-json', '-auto-approve', this.lockTimeout, planFile], {
      okExitCodes: [1],
      onLine: (line) => {
        if (line.includes('"type":"change_summary"')) {
          const changes = (JSON.parse(line) as { changes?: { add?: number; change?: number; remove?: number } }).changes;
          summary = { add: changes?.add ?? 0, change: changes?.change ?? 0, destroy: changes?.remove ?? 0 };
        }
        const event = parseStreamLine(line);
        if (!event) return;
        if (event.kind === 'diagnostic') diagnostics.push(event.diagnostic);
        if (event.kind === 'complete') {
          completed.push(event.address);
          // A failed apply prints no change summary: count what really completed.
          if (event.action === 'create') counted.add++;
          else if (event.action === 'update') counted.change++;
          else if (event.action === 'delete') counted.destroy++;
        }
        if (event.kind === 'errored') failed.push(event.address);
        events?.(toEvent(event));
      },
    });
    // Stopped by a signal: what completed before it stopped goes into the history.
    const result = await run.catch((error: unknown) => {
      if (error instanceof InterruptedError) error.addDetails({ apply: { counts: summary ?? counted, completed, failed } });
      throw error;
    });
    if (result.exitCode !== 0 && diagnostics.length === 0) diagnostics.push(...parseTextDiagnostics(result.stderr));
    // Nothing was applied when the lock could not be taken: a refusal, not a failed apply.
    const locked = result.exitCode !== 0 && completed.length === 0 ? this.lockRefusal(diagnostics) : undefined;
    if (locked) throw locked;
    return { ok: result.exitCode === 0, counts: summary ?? counted, diagnostics, completed, failed };
  }

  /**
   * Adoption: import blocks scoped to this environment by the variable every run sets
   * (`for_each` in an import block needs 1.7), and configuration generated by the tool itself.
   */
  readonly adoption: IacAdoption = {
    scope: () => {
      const { environment } = this.options;
      if (environment === undefined) throw new Error('adoption needs a handler bound to an environment');
      return { condition: `var.${ENVIRONMENT_VARIABLE} == ${JSON.stringify(environment)}`, declarations: ENVIRONMENT_DECLARATION };
    },
    unsupported: async () => {
      const { binary } = await this.runner();
      const [major = 0, minor = 0] = binary.version.split('.').map((n) => Number.parseInt(n, 10));
      return major > 1 || (major === 1 && minor >= 7) ? undefined : `${binary.kind} ${binary.version} cannot scope import blocks to one environment (for_each in import blocks needs 1.7 or later)`;
    },
    generateConfig: async (out: string) => {
      await this.selectWorkspace();
      const runner = await this.runner();
      const diagnostics: Diagnostic[] = [];
      const result = await runner.run(['plan', '-json', '-input=false', this.lockTimeout, `-generate-config-out=${out}`, ...this.planArgs()], {
        okExitCodes: [1],
        onLine: (line) => {
          const event = parseStreamLine(line);
          if (event?.kind === 'diagnostic') diagnostics.push(event.diagnostic);
        },
      });
      const written = await stat(path.resolve(this.options.directory, out)).then((s) => s.isFile(), () => false);
      if (written) return;
      if (result.exitCode !== 0) throw this.lockRefusal(diagnostics) ?? failure(`${runner.binary.kind} plan -generate-config-out`, diagnostics, result.stderr.trim());
      throw new OperationError('E_IAC_FAILED', `${runner.binary.kind} plan -generate-config-out wrote no configuration`, { hint: 'every import target already has configuration, or the tool does not generate it' });
    },
  };

  async showState(): Promise<StateResource[]> {
    await this.selectWorkspace();
    const runner = await this.runner();
    const state = (await this.pulledState(runner)) ?? ((await runner.showJson()) as ShowStateJson);
    const resources = shownStateResources(state);
    this.shownState = state;
    return resources;
  }

  /**
   * The state from `state pull` and the providers' schema digest (raw-state.ts): no provider is
   * started, where `show -json` starts every one. Undefined when the digest cannot be had (no
   * lock file) or the state is one the digest cannot read exactly: then `show -json` reads it.
   * A missing digest is made once per provider set, from `providers schema -json`.
   */
  private async pulledState(runner: IacRunner): Promise<ShowStateJson | undefined> {
    const { directory } = this.options;
    const lockText = await readFile(path.join(directory, '.terraform.lock.hcl'), 'utf8').catch(() => undefined);
    if (lockText === undefined) return undefined;
    try {
      const key = schemaDigestKey(runner.binary, lockText);
      let digest = await readSchemaDigest(directory, key);
      if (!digest) {
        digest = digestProviderSchemas(key, await runner.providerSchemas());
        // Not worth failing a deploy over: without it the next read is a `show -json` again.
        await writeSchemaDigest(directory, digest).catch(() => undefined);
      }
      const raw = await runner.pullState();
      return raw === undefined ? {} : showStateFromRaw(raw, digest.providers);
    } catch (error) {
      // A shortcut only: when it fails, `show -json` reads the state (and says why if it fails too).
      if (error instanceof InterruptedError) throw error;
      return undefined;
    }
  }

  async outputs(): Promise<OutputValue[]> {
    await this.selectWorkspace();
    let state = this.shownState;
    this.shownState = undefined;
    if (!state) {
      const runner = await this.runner();
      state = (await this.pulledState(runner)) ?? ((await runner.showJson()) as ShowStateJson);
      registerSensitiveFromShowJson(state);
    }
    return Object.entries(state.values?.outputs ?? {}).map(([name, o]) =>
      o.sensitive ? { name, sensitive: true } : { name, sensitive: false, value: o.value },
    );
  }
}
