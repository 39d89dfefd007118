import { timingSafeEqual } from 'node:crypto';
import { bearerToken } from '../../common/auth';
import { DomainError } from '../../common/domain-error';

/** Compares in constant time (for equal lengths; a length mismatch is refused at once). */
function safeEqual(given: string, expected: string): boolean {
  const left = Buffer.from(given);
  const right = Buffer.from(expected);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Refuses a scrape that does not present the metrics token (SVCPATH_METRICS_TOKEN) as
 * `Authorization: Bearer <token>`: a 401 (UNAUTHENTICATED). With no token configured, every scrape passes.
 */
export function checkMetricsToken(expected: string | null, authorization: string | string[] | undefined): void {
  if (expected === null) return;
  const token = bearerToken(authorization);
  if (token === null)
    throw new DomainError(
      'UNAUTHENTICATED',
      'send the metrics token as "Authorization: Bearer <token>" (SVCPATH_METRICS_TOKEN)',
    );
  if (!safeEqual(token, expected)) throw new DomainError('UNAUTHENTICATED', 'the metrics token is not valid');
}
