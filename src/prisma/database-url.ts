/** The injection token of the database URL the app serves requests with (its own module: no import cycle between the services that need it). */
export const DATABASE_URL = Symbol('DATABASE_URL');
/**
 * The injection token of the URL the change feed LISTENs on: a direct connection to PostgreSQL. It
 * differs from DATABASE_URL when requests go through a transaction-mode pooler (PgBouncer), which
 * hands a server connection to another client after each transaction, so a LISTEN there is lost.
 */
export const LISTEN_DATABASE_URL = Symbol('LISTEN_DATABASE_URL');
