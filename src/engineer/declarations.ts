/**
 * Top-level names a Terraform file declares (variable.x, output.x, local.x, provider.aws,
 * resource/data addresses), read from canonically formatted HCL: blocks open at column 0.
 * Enough to see that a generated file would clash with a hand-written one before writing it.
 */
export function declarations(text: string): Set<string> {
  const found = new Set<string>();
  let depth = 0;
  let inLocals = false;
  let inHeredoc: string | undefined;
  for (const raw of text.split('\n')) {
    if (inHeredoc) {
      if (raw.trim() === inHeredoc) inHeredoc = undefined;
      continue;
    }
    const line = raw.replace(/(^|\s)(#|\/\/).*$/, '');
    if (depth === 0) {
      const block = /^(resource|data)\s+"([^"]+)"\s+"([^"]+)"/.exec(line) ?? /^(variable|output|provider|module)\s+"([^"]+)"/.exec(line);
      if (block) {
        const [, type, a, b] = block;
        if (type === 'provider') {
          found.add(`provider.${a}`);
        } else {
          found.add(b ? `${type === 'resource' ? '' : 'data.'}${a}.${b}` : `${type === 'variable' ? 'var' : type}.${a}`);
        }
      }
      inLocals = /^locals\s*\{/.test(line);
    } else if (depth === 1 && inLocals) {
      const local = /^\s+([A-Za-z_][A-Za-z0-9_-]*)\s*=/.exec(line);
      if (local) found.add(`local.${local[1]}`);
    }
    const heredoc = /<<-?([A-Z_]+)\s*$/.exec(line);
    if (heredoc) inHeredoc = heredoc[1];
    const stripped = line.replace(/"(?:[^"\\]|\\.)*"/g, '""');
    depth += (stripped.match(/[{[(]/g) ?? []).length - (stripped.match(/[}\])]/g) ?? []).length;
    if (depth <= 0) {
      depth = 0;
      if (!/^locals\s*\{/.test(line)) inLocals = false;
    }
  }
  return found;
}
