/**
 * Nest token of the application's one validation pipe (app.module.ts validationPipe), which is
 * also the global APP_PIPE: parameters that validate themselves in part (the reachability body's
 * fast path, modules/analysis/reachability-body.ts) hand everything else to it.
 */
export const VALIDATION_PIPE = Symbol('VALIDATION_PIPE');
