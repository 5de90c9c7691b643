import path from 'node:path';
import { validateBeforeMutation } from '../../artifacts/catalogue.js';
import { loadProjectConfig } from '../../core/config/load.js';
import { CATEGORIES } from '../../debugger/categories.js';
import { UsageError } from '../../core/errors.js';
import { environmentOf } from '../../core/guard.js';
import {
  addSolution,
  diagnose,
  diagnoseFailure,
  lastFailure,
  listIssues,
  loadIssueLog,
  markApplied,
  recordOutcome,
  type DebugContext,
  type Diagnosis,
} from '../../debugger/debugger.js';
import { readHistory } from '../../infra/history.js';
import type { ActionInput, CommandContext, CommandResult } from '../context.js';
import { readInputFile, readStdin, readStdinIfAny } from '../input.js';
import { renderDiagnoses, renderIssueList } from '../render/debug.js';

type Options = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** Which of the command's modes the options ask for; more than one is a usage error. */
function modeOf(options: Options): 'record-outcome' | 'applied' | 'add-solution' | 'list' | 'diagnose' {
  const modes = (['recordOutcome', 'applied', 'addSolution', 'list'] as const).filter((k) => options[k] !== undefined && options[k] !== false);
  if (modes.length > 1) {
    const flag = (k: string) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    throw new UsageError(`${modes.map(flag).join(' and ')} cannot be combined`, { hint: 'run one of them at a time' });
  }
  const mode = modes[0];
  return mode === 'recordOutcome' ? 'record-outcome' : mode === 'addSolution' ? 'add-solution' : (mode ?? 'diagnose');
}

async function readErrorFile(ctx: CommandContext, file: string): Promise<string> {
  return file === '-' ? readStdin() : readInputFile(ctx.cwd, '--error-file', file);
}

interface Source {
  kind: 'file' | 'stdin' | 'last-failure' | 'history';
  file?: string;
  env?: string;
  deployment_id?: string | null;
  at?: string;
  error_code?: string;
}

export async function run(ctx: CommandContext, { args, options }: ActionInput): Promise<CommandResult> {
  const { config, paths } = await loadProjectConfig(ctx.cwd, ctx.env);
  const env = str(options.env);
  if (env !== undefined) environmentOf(config, env);
  const debug: DebugContext = { config, paths, display: (file) => path.relative(paths.root, file) || '.' };
  const mode = modeOf(options);
  // The issue log (written by the learning modes) and the environment's history, judged first.
  await validateBeforeMutation('infra debug', paths, env);
  if (mode !== 'record-outcome' && args[0] !== undefined) {
    throw new UsageError(`unexpected argument '${args[0]}'`, { hint: 'an outcome (success|failure) goes with --record-outcome <solution-id>' });
  }
  const s = ctx.style;

  if (mode === 'record-outcome') {
    const outcome = args[0];
    if (outcome !== 'success' && outcome !== 'failure') {
      throw new UsageError(outcome === undefined ? '--record-outcome needs an outcome: success or failure' : `outcome '${outcome}': expected success or failure`, {
        hint: `faber-cloud infra debug --record-outcome ${String(options.recordOutcome)} success`,
      });
    }
    const { solution, issue_id } = await recordOutcome(debug, String(options.recordOutcome), outcome === 'success');
    return {
      data: { mode, solution_id: solution.id, issue_id, outcome, attempts: solution.attempts, successes: solution.successes },
      human: `${s.green('✓')} Recorded ${outcome} for ${solution.id} (${issue_id}): ${solution.successes}/${solution.attempts} worked so far.`,
    };
  }

  if (mode === 'applied') {
    if (env === undefined) throw new UsageError('--applied needs --env: the next deploy of that environment tells whether the solution worked', { hint: `faber-cloud infra debug --applied ${String(options.applied)} --env test` });
    const { issue_id, solution } = await markApplied(debug, String(options.applied), env);
    return {
      data: { mode, solution_id: solution.id, issue_id, env },
      human: [`${s.green('✓')} Noted: ${solution.id} (${solution.title}) was applied for ${issue_id} in '${env}'.`, `The next deploy of '${env}' records whether it worked.`, '', `Next: faber-cloud infra deploy --env ${env}`].join('\n'),
    };
  }

  const log = await loadIssueLog(debug);

  if (mode === 'list') {
    const category = str(options.category);
    if (category !== undefined && !(CATEGORIES as readonly string[]).includes(category)) {
      throw new UsageError(`--category ${category}: expected one of ${CATEGORIES.join(', ')}`);
    }
    const issues = listIssues(log, { env, category, all: options.all === true });
    return { data: { mode, file: debug.display(paths.issueLogFile), issues }, human: renderIssueList(issues, s, options.all === true) };
  }

  // diagnose and add-solution both start from an error: a file, stdin, or the last failure.
  const issueId = str(options.issue);
  let text: string | undefined;
  let source: Source | undefined;
  let diagnoses: Diagnosis[] | undefined;
  const errorFile = str(options.errorFile);
  if (errorFile !== undefined) {
    text = await readErrorFile(ctx, errorFile);
    source = errorFile === '-' ? { kind: 'stdin' } : { kind: 'file', file: errorFile };
  } else if (env === undefined && issueId === undefined && (text = await readStdinIfAny())?.trim()) {
    source = { kind: 'stdin' };
  } else if (env !== undefined && !(mode === 'add-solution' && issueId !== undefined)) {
    const failure = lastFailure(log, env);
    const history = await readHistory(paths.env(env).historyFile, debug.display(paths.env(env).historyFile));
    const lastHistoryFailure = [...history].reverse().find((h) => h.outcome === 'failed' || h.outcome === 'interrupted');
    // A failure the log never saw (an interrupted run, or one from before the debugger) is read from the history.
    const unlogged = lastHistoryFailure && !lastHistoryFailure.issue_ids?.length && lastHistoryFailure.id !== failure?.deployment_id;
    if (lastHistoryFailure && unlogged && (!failure || Date.parse(lastHistoryFailure.finished_at) > Date.parse(failure.at))) {
      text = lastHistoryFailure.error_message ?? lastHistoryFailure.error_codes.join('\n');
      source = { kind: 'history', env, deployment_id: lastHistoryFailure.id, at: lastHistoryFailure.finished_at, error_code: lastHistoryFailure.error_codes[0] ?? 'unknown' };
    } else if (failure) {
      source = { kind: 'last-failure', env, deployment_id: failure.deployment_id, at: failure.at, error_code: failure.error_code };
      diagnoses = diagnoseFailure(debug, log, failure, { env });
      text = undefined;
    } else {
      throw new UsageError(`no failed deploy or destroy of '${env}' is recorded`, {
        code: 'E_USAGE_NO_FAILURE',
        hint: 'pass the error itself: faber-cloud infra debug --error-file apply.log (or --error-file - to read stdin)',
      });
    }
  } else if (!(mode === 'add-solution' && issueId !== undefined)) {
    throw new UsageError('no error to debug', {
      hint: 'pass --env <env> for its last failed deploy, --error-file FILE, or pipe the output in: tofu apply 2>&1 | faber-cloud infra debug',
    });
  }

  if (mode === 'add-solution') {
    const steps = (options.step as string[] | undefined) ?? [];
    const commands = (options.command as string[] | undefined) ?? [];
    if (steps.length === 0 && commands.length === 0) {
      throw new UsageError('--add-solution needs at least one --step or --command', { hint: `faber-cloud infra debug --env test --add-solution 'Empty the bucket first' --step 'aws s3 rm s3://BUCKET --recursive'` });
    }
    let target: { issueId: string } | { text: string; env?: string | undefined };
    if (issueId !== undefined) target = { issueId };
    else if (diagnoses !== undefined) {
      const ids = [...new Set(diagnoses.map((d) => d.known_issue?.id).filter((id): id is string => id !== undefined))];
      if (ids.length !== 1) throw new UsageError(`the last failure of '${env}' has ${ids.length} issues; say which one the solution is for`, { code: 'E_USAGE_ISSUE_AMBIGUOUS', hint: `pass --issue <id>: ${ids.join(', ')}` });
      target = { issueId: ids[0] as string };
    } else target = { text: text ?? '', env };
    const added = await addSolution(debug, target, { title: String(options.addSolution), steps, commands });
    return {
      data: { mode, issue_id: added.issue_id, created_issue: added.created_issue, solution: added.solution },
      human: [
        `${s.green('✓')} Added solution ${s.bold(added.solution.id)} to ${added.issue_id}${added.created_issue ? ' (a new issue in the log)' : ''}: ${added.solution.title}`,
        '',
        `When it has been tried: faber-cloud infra debug --record-outcome ${added.solution.id} success|failure`,
      ].join('\n'),
    };
  }

  diagnoses ??= diagnose(debug, log, text ?? '', { env });
  if (diagnoses.length === 0) {
    throw new UsageError(`no error found in ${source?.kind === 'file' ? `--error-file ${source.file}` : 'the input'}`, {
      code: 'E_USAGE_NO_ERROR',
      hint: 'pass the output of the failed command (text or -json), or an AWS error message',
    });
  }
  const data = { mode, source, file: debug.display(paths.issueLogFile), errors: diagnoses };
  return { data, human: renderDiagnoses(diagnoses, source as Source, env, s) };
}
