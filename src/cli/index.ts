import { main } from './main.js';

// Set, not call process.exit(): pending stdout writes to a pipe must drain first.
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`faber-cloud: unexpected failure: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
