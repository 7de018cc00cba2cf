export { startServer, VERSION, type RunningServer } from './server.ts';
export { loadConfig, ConfigError, type ServerConfig } from './config.ts';
