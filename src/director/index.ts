/** The devops-director's natural-language router (pure: no I/O, no printing). */
export { route, capabilities } from './route.js';
export { routeContextOf } from './context.js';
export { OPERATIONS } from './vocabulary.js';
export type { OperationSpec } from './vocabulary.js';
export type {
  Alternative,
  ArgName,
  Capability,
  Manager,
  OperationName,
  RouteArgs,
  RouteContext,
  RouteDecision,
  RouteQuestion,
  RouteResult,
  RouteUnknown,
} from './types.js';
