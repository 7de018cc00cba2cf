export { startServer, VERSION, type RunningServer } from './server.ts';
export { openEngines, type Engines } from './engines.ts';
export { loadConfig, ConfigError, configVariables, type ServerConfig } from './config.ts';
