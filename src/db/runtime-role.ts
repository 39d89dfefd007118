import { createHmac } from 'node:crypto';
import { Client } from 'pg';

export const RUNTIME_ROLE = 'svcpath_app';

/**
 * The password of the runtime role, derived from the admin credentials and server (not the
 * database: a role is server-wide): every app instance that shares them computes the same one, so
 * restarting one instance never locks out another.
 */
function derivePassword(adminUrl: string): string {
  const url = new URL(adminUrl);
  return createHmac('sha256', `${url.username}:${decodeURIComponent(url.password)}@${url.host}`)
    .update(RUNTIME_ROLE)
    .digest('base64url');
}

/** Lets the runtime role log in and returns its URL (same server and database as the admin URL). */
export async function provisionRuntimeRole(adminUrl: string): Promise<string> {
  const password = derivePassword(adminUrl);
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    // Identifiers cannot be bound as parameters; the role name is a constant and the password is
    // base64url (no quotes), so this literal is safe.
    await client.query(`ALTER ROLE ${RUNTIME_ROLE} LOGIN PASSWORD '${password}'`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.username = RUNTIME_ROLE;
  url.password = password;
  return url.toString();
}
