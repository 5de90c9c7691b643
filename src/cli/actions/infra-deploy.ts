import { applyAction } from './infra-apply.js';

export const run = applyAction('deploy');
