import { defineCommand } from '../definition.js';
import { failingReport, usage } from '../exits.js';

/** Definitions of one area: data only (read by --help); src/cli/commands.ts binds each to its lazily loaded action. */

export const director = defineCommand({
  path: ['director'],
  summary: 'Route a plain-language request to the faber-cloud command that does it (never runs it)',
  exits: [
    { code: 0, when: 'a route (data.kind route) or a question with options (data.kind question)' },
    failingReport('the request was not understood (data.kind unknown, with the capabilities)'),
    usage([], { when: 'no request given, or an invalid configuration' }),
  ],
  description:
    'Matches the request to one operation and prints its command line, confidence, runner-ups and whether a person must\n' +
    'confirm it (production changes, every destroy). A question or an error report is answered by a read (preview, debug),\n' +
    'never a mutation. An ambiguous or incomplete request gets a question with options; an unknown one the\n' +
    'list of what it can do (exit 1). Nothing is executed, and the command line never carries --confirm or --apply.\n' +
    'Quote the request. With --json, agents run data.argv (an array) after any confirmation.',
  arguments: [{ name: 'request...', description: 'what you want done, in your own words (quote it)', required: true }],
  examples: [
    'faber-cloud director "deploy infrastructure to test"',
    'faber-cloud director "what would deploying to prod change?" --json',
    "faber-cloud director 'show resources in production'",
  ],
  output: () => import('../output-schemas/director.js').then((m) => m.director),
});
