import { interruptCount, onInterrupt } from '../core/interrupt.js';
import { installSignalHandlers, main } from './main.js';
import { afterStdoutDrains, printErr } from './output.js';

installSignalHandlers();

// The AWS SDK warns on Node < 22 about its *future* releases; the versions bundled here
// support Node 20, so the warning would only be noise on every AWS command's stderr.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// `faber-cloud ... | head`: the reader left, so there is nobody to tell; stop quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

// Set, not call process.exit(): pending stdout writes to a pipe must drain first.
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Stopped by a signal: work the command left behind (a request, a timer) must not keep
    // the process alive. Exit once stdout has taken the envelope.
    if (interruptCount() > 0) afterStdoutDrains(() => process.exit(code));
    // The handlers stay installed; a signal from now on ends what is left, but only once stdout
    // has taken the result: a large one may still be draining into a pipe, and exiting now
    // would leave the reader a truncated body with exit 0. A further signal exits at once.
    else {
      let signals = 0;
      onInterrupt(() => {
        signals += 1;
        if (signals > 1) process.exit(code);
        afterStdoutDrains(() => process.exit(code));
      });
    }
  },
  (error: unknown) => {
    printErr(`faber-cloud: unexpected failure: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
