/** The injection token of the database URL the app serves requests with (its own module: no import cycle between the services that need it). */
export const DATABASE_URL = Symbol('DATABASE_URL');
