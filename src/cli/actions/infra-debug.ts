import { CATEGORIES } from '../../debugger/categories.js';
import { UsageError } from '../../core/errors.js';
import { addSolution, diagnose, listIssues, loadIssueLog, markApplied, recordOutcome } from '../../debugger/debugger.js';
import { openDebugContext } from '../../infra/debug-context.js';
import { findError, solutionTarget, type ErrorReaders } from '../../debugger/error-source.js';
import { readHistory } from '../../infra/history.js';
import type { infraDebug } from '../command-sets/infra-lifecycle.js';
import type { CommandContext, CommandResult } from '../context.js';
import type { InputOf } from '../definition.js';
import { readInputFile, readStdin, readStdinIfAny } from '../input.js';
import { renderDiagnoses, renderIssueList } from '../render/debug.js';
import type { Output } from '../output-schemas/common.js';
import type * as schema from '../output-schemas/infra-lifecycle.js';

type Options = InputOf<typeof infraDebug>['options'];
type Data = Output<typeof schema.infraDebug>;

/** The command's mode; its options are declared in conflict, so at most one is given. */
function modeOf(options: Options): 'record-outcome' | 'applied' | 'add-solution' | 'list' | 'diagnose' {
  if (options.recordOutcome !== undefined) return 'record-outcome';
  if (options.applied !== undefined) return 'applied';
  if (options.addSolution !== undefined) return 'add-solution';
  return options.list ? 'list' : 'diagnose';
}

export async function run(ctx: CommandContext, { args, options }: InputOf<typeof infraDebug>): Promise<CommandResult> {
  const { env } = options;
  const debug = await openDebugContext(ctx.cwd, ctx.env, env);
  const { paths } = debug;
  const mode = modeOf(options);
  if (mode !== 'record-outcome' && args[0] !== undefined) {
    throw new UsageError(`unexpected argument '${args[0]}'`, { hint: 'an outcome (success|failure) goes with --record-outcome <solution-id>' });
  }
  const s = ctx.style;

  if (options.recordOutcome !== undefined) {
    const outcome = args[0];
    if (outcome !== 'success' && outcome !== 'failure') {
      throw new UsageError(outcome === undefined ? '--record-outcome needs an outcome: success or failure' : `outcome '${outcome}': expected success or failure`, {
        hint: `faber-cloud infra debug --record-outcome ${options.recordOutcome} success`,
      });
    }
    const { solution, issue_id } = await recordOutcome(debug, options.recordOutcome, outcome === 'success');
    return {
      data: { mode: 'record-outcome', solution_id: solution.id, issue_id, outcome, attempts: solution.attempts, successes: solution.successes } satisfies Data,
      human: `${s.green('✓')} Recorded ${outcome} for ${solution.id} (${issue_id}): ${solution.successes}/${solution.attempts} worked so far.`,
    };
  }

  if (options.applied !== undefined) {
    if (env === undefined) throw new UsageError('--applied needs --env: the next deploy of that environment tells whether the solution worked', { hint: `faber-cloud infra debug --applied ${options.applied} --env test` });
    const { issue_id, solution } = await markApplied(debug, options.applied, env);
    return {
      data: { mode: 'applied', solution_id: solution.id, issue_id, env } satisfies Data,
      human: [`${s.green('✓')} Noted: ${solution.id} (${solution.title}) was applied for ${issue_id} in '${env}'.`, `The next deploy of '${env}' records whether it worked.`, '', `Next: faber-cloud infra deploy --env ${env}`].join('\n'),
    };
  }

  const log = await loadIssueLog(debug);

  if (mode === 'list') {
    const { category } = options;
    if (category !== undefined && !(CATEGORIES as readonly string[]).includes(category)) {
      throw new UsageError(`--category ${category}: expected one of ${CATEGORIES.join(', ')}`);
    }
    const issues = listIssues(log, { env, category, all: options.all === true });
    return { data: { mode: 'list', file: debug.display(paths.issueLogFile), issues } satisfies Data, human: renderIssueList(issues, s, options.all === true) };
  }

  // diagnose and add-solution both start from an error: which one is the debugger's decision.
  const issueId = options.issue;
  const read: ErrorReaders = {
    file: (file) => (file === '-' ? readStdin() : readInputFile(ctx.cwd, '--error-file', file)),
    pipedStdin: readStdinIfAny,
    history: (name) => readHistory(paths.env(name).historyFile, debug.display(paths.env(name).historyFile)),
  };
  const query = { errorFile: options.errorFile, env, issueId };

  if (options.addSolution !== undefined) {
    const found = await findError(debug, log, { ...query, addingSolution: true }, read);
    const steps = options.step ?? [];
    const commands = options.command ?? [];
    if (steps.length === 0 && commands.length === 0) {
      throw new UsageError('--add-solution needs at least one --step or --command', { hint: `faber-cloud infra debug --env test --add-solution 'Empty the bucket first' --step 'aws s3 rm s3://BUCKET --recursive'` });
    }
    const target = solutionTarget(found, issueId, env);
    const added = await addSolution(debug, target, { title: options.addSolution, steps, commands });
    return {
      data: { mode: 'add-solution', issue_id: added.issue_id, created_issue: added.created_issue, solution: added.solution } satisfies Data,
      human: [
        `${s.green('✓')} Added solution ${s.bold(added.solution.id)} to ${added.issue_id}${added.created_issue ? ' (a new issue in the log)' : ''}: ${added.solution.title}`,
        '',
        `When it has been tried: faber-cloud infra debug --record-outcome ${added.solution.id} success|failure`,
      ].join('\n'),
    };
  }

  const { source, text, diagnoses = diagnose(debug, log, text ?? '', { env }) } = await findError(debug, log, { ...query, addingSolution: false }, read);
  if (diagnoses.length === 0) {
    throw new UsageError(`no error found in ${source.kind === 'file' ? `--error-file ${source.file}` : 'the input'}`, {
      code: 'E_USAGE_NO_ERROR',
      hint: 'pass the output of the failed command (text or -json), or an AWS error message',
    });
  }
  const data = { mode: 'diagnose', source, file: debug.display(paths.issueLogFile), errors: diagnoses } satisfies Data;
  return { data, human: renderDiagnoses(diagnoses, source, env, s) };
}
