// The engine's pool: postgres.js (porsager) with bigint columns read as numbers (seqs, counts and epoch ms all stay
// far below 2^53), undefined sent as null, and the engine's schema first on every connection's search_path.
import postgres from 'postgres';
import { InvalidInput, StorageUnavailable } from '@tweetstore/core';

export type Sql = postgres.Sql<{ bigint: number }>;
/** The pool, or a connection reserved from it: what a query can be made on. */
export type Queries = postgres.ISql<{ bigint: number }>;

export interface ConnectOptions {
  url: string;
  /** connections for reads and the writer (the LISTEN connection is one more) */
  poolSize: number;
  /** null: the URL's default search_path */
  schema: string | null;
}

export function connect(o: ConnectOptions): Sql {
  return postgres(o.url, {
    max: o.poolSize,
    types: { bigint: { to: 20, from: [20], serialize: (x: number) => String(x), parse: (x: string) => Number(x) } },
    transform: { undefined: null },
    onnotice: () => {},
    connection: { application_name: 'tweetstore', ...(o.schema === null ? {} : { search_path: o.schema }) },
  }) as unknown as Sql;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,47}$/;

/** A schema name the engine can put in a search_path and a channel name as it is. */
export function checkedSchema(schema: string | undefined): string | null {
  if (schema === undefined) return null;
  if (!SCHEMA_NAME.test(schema)) throw new RangeError(`schema must match ${SCHEMA_NAME}, got ${JSON.stringify(schema)}`);
  return schema;
}

/**
 * What a failed query means to a caller: bad data it sent (a NUL character, a number out of range: PostgreSQL's
 * class 22) is InvalidInput; a database that cannot be reached or went away is StorageUnavailable; anything else is
 * a bug and goes on as it is.
 */
export function storageError(error: unknown): unknown {
  if (error instanceof postgres.PostgresError) {
    if (error.code.startsWith('22')) return new InvalidInput(`the database refused a value: ${error.message}`);
    if (error.code.startsWith('08') || error.code.startsWith('57P') || error.code === '53300') {
      return new StorageUnavailable(`PostgreSQL is unavailable: ${error.message}`, { cause: error });
    }
    return error;
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^(ECONN|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|CONNECT_TIMEOUT|CONNECTION_|QUEUE_TIMEOUT)/.test(code)) {
    return new StorageUnavailable(`PostgreSQL is unavailable: ${(error as Error).message}`, { cause: error });
  }
  return error;
}

/** Runs a read, giving its failure the meaning storageError gives it. */
export async function reading<T>(query: () => Promise<T>): Promise<T> {
  try {
    return await query();
  } catch (error) {
    throw storageError(error);
  }
}
