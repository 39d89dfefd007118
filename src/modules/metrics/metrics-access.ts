import { bearerToken, safeEqual } from '../../common/auth';
import { DomainError } from '../../common/domain-error';

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
