// Placeholder: replaced by the database bootstrap (embedded PostgreSQL or TEST_DATABASE_URL).
export default async function setup(): Promise<void> {}
