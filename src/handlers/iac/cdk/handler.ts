import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { GuardError, OperationError } from '../../../core/errors.js';
import type { EventSink } from '../../../core/events.js';
import { runProcess } from '../../../core/process.js';
import { CloudFormationHandler, unsupportedDrift, type CloudFormationHandlerOptions } from '../cloudformation/handler.js';
import type { ApplyResult, Diagnostic, DriftPlan, IacHandler, OutputValue, SavedPlan, StateResource } from '../types.js';
import { sha256 } from '../cloudformation/change-set.js';
import { assetScope, publishAssets, refuseImages, surveyAssets } from './publish.js';
import { assetManifestFiles, pickStack, stackAssets, type CloudAssemblyManifest, type StackAssets } from './assembly.js';

export interface CdkHandlerOptions extends Omit<CloudFormationHandlerOptions, 'directory' | 'template'> {
  /** The app directory (cdk.json), absolute. */
  directory: string;
  /** This environment's cloud assembly directory, absolute. */
  outdir: string;
  environment: string;
  /** The synth command; default: cdk.json's `app`. */
  app?: string;
  /** The app's stack to deploy, when it has several. */
  stack?: string;
}

const SYNTH_TIMEOUT_MS = 15 * 60 * 1000;

/**
 * A CDK app. `init` synthesises it the way the CDK CLI does (its `app` command with CDK_OUTDIR
 * and CDK_CONTEXT_JSON set; no toolkit library, which would weigh on the plugin's size), then the
 * chosen stack's template goes to the CloudFormation handler, which does everything else: the
 * environment's stack is named by faber-cloud's naming pattern, not by the app. The stack's file
 * assets are listed by a preview and published by a deploy just before its change set runs
 * (./publish.ts).
 */
export class CdkHandler implements IacHandler {
  readonly name = 'cdk';
  readonly planFileSuffix = '.changeset.json';
  readonly scanFramework = 'cloudformation';
  private cloudformation: CloudFormationHandler;
  /** The synthesised stack: its template and the assets it needs published (none until synthesised). */
  private synthesised: { templateFile: string; assets: StackAssets } | undefined;

  constructor(private readonly options: CdkHandlerOptions) {
    // Until the app is synthesised, the template is unknown: state, outputs and destroys do not need it.
    this.cloudformation = this.withTemplate('(not synthesised)');
  }

  private withTemplate(template: string): CloudFormationHandler {
    const { directory: _d, outdir, environment: _e, app: _a, stack: _s, ...rest } = this.options;
    return new CloudFormationHandler({ ...rest, directory: outdir, template, beforeExecute: (templateSha256, events) => this.publish(templateSha256, events) });
  }

  private async appCommand(): Promise<{ app: string; context: Record<string, unknown> }> {
    const file = path.join(this.options.directory, 'cdk.json');
    const text = await readFile(file, 'utf8').catch(() => undefined);
    let json: { app?: unknown; context?: unknown } = {};
    if (text !== undefined) {
      try {
        json = JSON.parse(text) as typeof json;
      } catch (error) {
        throw new OperationError('E_IAC_FAILED', `cdk.json is not JSON: ${(error as Error).message}`, { hint: 'fix cdk.json' });
      }
    }
    const app = this.options.app ?? (typeof json.app === 'string' ? json.app : undefined);
    if (!app) {
      throw new OperationError('E_IAC_FAILED', `no CDK app command: ${text === undefined ? 'no cdk.json in the app directory' : 'cdk.json has no "app"'}`, {
        hint: 'set "app" in cdk.json (e.g. "node app.js") or handlers.iac.cdk.app',
      });
    }
    const context = json.context && typeof json.context === 'object' ? (json.context as Record<string, unknown>) : {};
    return { app, context };
  }

  /** Run the app into this environment's cloud assembly; the stack's template is then the CloudFormation handler's. */
  private async synth(): Promise<void> {
    const { app, context } = await this.appCommand();
    const env = this.options.env ?? process.env;
    const result = await runProcess('/bin/sh', ['-c', app], {
      cwd: this.options.directory,
      timeoutMs: SYNTH_TIMEOUT_MS,
      env: {
        ...env,
        CDK_OUTDIR: this.options.outdir,
        // The app reads its context here, as under `cdk synth`; faber:environment names the environment.
        CDK_CONTEXT_JSON: JSON.stringify({ ...context, 'faber:environment': this.options.environment }),
        CDK_DEFAULT_REGION: this.options.region,
      },
    });
    if (result.exitCode !== 0) {
      const last = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-3).join(' ');
      throw new OperationError('E_IAC_FAILED', `synthesising the CDK app failed (${app}, exit ${result.exitCode}${result.timedOut ? ', timed out' : ''}): ${last}`, {
        hint: `run it yourself in ${path.basename(this.options.directory)}: CDK_OUTDIR=cdk.out ${app}`,
        details: { diagnostics: [{ severity: 'error', summary: last || `exit ${result.exitCode}` } satisfies Diagnostic] },
      });
    }
    const manifestText = await readFile(path.join(this.options.outdir, 'manifest.json'), 'utf8').catch(() => {
      throw new OperationError('E_IAC_FAILED', `the CDK app wrote no cloud assembly (${app})`, { hint: 'the app must call app.synth()' });
    });
    const manifest = JSON.parse(manifestText) as CloudAssemblyManifest;
    const stack = pickStack(manifest, this.options.stack);
    if (typeof stack === 'string') throw new OperationError('E_IAC_FAILED', stack, { hint: 'set handlers.iac.cdk.stack to one of the app\'s stacks' });
    const manifests = [];
    for (const file of assetManifestFiles(manifest, stack.id)) {
      const text = await readFile(path.join(this.options.outdir, file), 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new OperationError('E_IAC_FAILED', `cannot read the asset manifest ${file}: ${error.code ?? error.message}`, { hint: 'synthesise the app again' });
      });
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (error) {
        throw new OperationError('E_IAC_FAILED', `the asset manifest ${file} is not JSON: ${(error as Error).message}`, { hint: 'synthesise the app again' });
      }
      manifests.push({ file, json });
    }
    const assets = stackAssets(stack.templateFile, manifests);
    if (typeof assets === 'string') throw new OperationError('E_IAC_FAILED', assets, { hint: 'faber-cloud publishes file assets (a file, or a directory zipped) only' });
    this.synthesised = { templateFile: stack.templateFile, assets };
    this.cloudformation = this.withTemplate(stack.templateFile);
  }

  private publishContext() {
    return { outdir: this.options.outdir, region: this.options.region, env: this.options.env ?? process.env };
  }

  /**
   * Before the change set runs: the assets the previewed template refers to are published. They
   * are read from this run's synthesis, so its template must be the previewed one (the object
   * keys are in it); otherwise the plan is stale.
   */
  private async publish(templateSha256: string, events?: EventSink): Promise<ApplyResult | undefined> {
    const assets = this.synthesised?.assets;
    if (!assets || (assets.files.length === 0 && assets.images.length === 0)) return undefined;
    refuseImages(assets.images);
    const body = await readFile(path.join(this.options.outdir, this.synthesised!.templateFile), 'utf8');
    if (sha256(body) !== templateSha256) {
      throw new GuardError('E_GUARD_PLAN_STALE', 'the CDK app now synthesises another template than the previewed one, so its assets are not the ones the change set refers to; nothing was published or executed', {
        hint: 'preview again (faber-cloud infra preview) and deploy the new plan',
      });
    }
    const context = this.publishContext();
    const outcome = await publishAssets(assets.files, await assetScope(context), context, events);
    if ('diagnostics' in outcome) {
      for (const d of outcome.diagnostics) events?.({ level: 'error', code: 'APPLY_DIAGNOSTIC', message: d.summary, data: { severity: d.severity, summary: d.summary } });
      return { ok: false, counts: { add: 0, change: 0, destroy: 0 }, diagnostics: outcome.diagnostics, completed: [], failed: [] };
    }
    return undefined;
  }

  async describe() {
    return { tool: 'cdk', binary: 'CDK app, deployed by the CloudFormation API', version: '2010-05-15' };
  }

  async init(): Promise<void> {
    await this.synth();
  }

  async validate(): Promise<Diagnostic[]> {
    const diagnostics = await this.cloudformation.validate();
    const images = this.synthesised?.assets.images ?? [];
    if (images.length > 0) diagnostics.push({ severity: 'error', summary: `the stack needs Docker image assets (${images.join(', ')}), which faber-cloud does not build or publish` });
    return diagnostics;
  }

  async fmtCheck(): Promise<string[]> {
    return [];
  }

  /** The change set, and what the deploy would publish (listed, never uploaded: a preview changes nothing). */
  async plan(out: string, events?: EventSink): Promise<SavedPlan> {
    const assets = this.synthesised?.assets;
    if (assets) refuseImages(assets.images);
    const saved = await this.cloudformation.plan(out);
    if (!assets || assets.files.length === 0) return saved;
    const context = this.publishContext();
    const listing = await surveyAssets(assets.files, await assetScope(context), context, events);
    return { ...saved, redactedJson: { ...(saved.redactedJson as Record<string, unknown>), assets: listing } };
  }

  destroyPlan(out: string): Promise<SavedPlan> {
    return this.cloudformation.destroyPlan(out);
  }

  showPlan(file: string): Promise<SavedPlan> {
    return this.cloudformation.showPlan(file);
  }

  writePlanJson(planFile: string, out: string): Promise<void> {
    return this.cloudformation.writePlanJson(planFile, out);
  }

  apply(planFile: string, events?: EventSink): Promise<ApplyResult> {
    return this.cloudformation.apply(planFile, events);
  }

  async driftPlan(): Promise<DriftPlan> {
    throw unsupportedDrift('cdk');
  }

  showState(): Promise<StateResource[]> {
    return this.cloudformation.showState();
  }

  outputs(): Promise<OutputValue[]> {
    return this.cloudformation.outputs();
  }
}
