export { startServer, VERSION, type RunningServer } from './server.ts';
export { loadConfig, ConfigError, configVariables, type ServerConfig } from './config.ts';
