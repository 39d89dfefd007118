// Input errors: the request does not describe something the engine can answer.
export type EngineErrorCode =
  | 'INVALID_IP'
  | 'UNKNOWN_POD'
  | 'UNKNOWN_NODE'
  | 'UNKNOWN_SERVICE'
  | 'UNKNOWN_TARGET_POD'
  | 'TARGET_NOT_ADDRESSABLE'
  | 'POD_NOT_SCHEDULED'
  | 'NO_SOURCE_ADDRESS'
  | 'PROCESSING_NODE_REQUIRED';

export class EngineInputError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EngineInputError';
  }
}
