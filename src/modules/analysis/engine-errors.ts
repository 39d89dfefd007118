import { DomainError } from '../../common/domain-error';
import { EngineInputError } from '../../engine';

/**
 * The engine's "cannot answer that" errors, as API errors naming the field of the request that
 * caused them. `fields` maps an engine code to the request field it concerns.
 */
export function asDomainError(error: unknown, fields: Partial<Record<EngineInputError['code'], string>>): unknown {
  if (!(error instanceof EngineInputError)) return error;
  const field = fields[error.code] ?? 'request';
  const code =
    error.code === 'INVALID_IP' || error.code === 'PROCESSING_NODE_REQUIRED' ? 'VALIDATION_FAILED' : 'UNPROCESSABLE';
  return new DomainError(code, `${field}: ${error.message}`, [{ field, message: error.message }]);
}

export async function engineCall<T>(
  fields: Partial<Record<EngineInputError['code'], string>>,
  fn: () => T,
): Promise<T> {
  try {
    return fn();
  } catch (error) {
    throw asDomainError(error, fields);
  }
}
