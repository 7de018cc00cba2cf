// `tweetstore migrate`, for the CLI (@tweetstore/client), which loads it only for that command: the migration and the
// server's settings it takes its target from.
export { migrateFolder, type MigrateOptions, type MigratePhase, type MigrateProgress, type MigrateReport } from './migrate.ts';
export { ConfigError, loadConfig, type ServerConfig } from '../config.ts';
