// The shipped configuration, loaded the way the service loads it.
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';

export const DEFAULT_CONFIG_FILE = fileURLToPath(new URL('../../config/default.yaml', import.meta.url));

export function defaultConfig(overrides: (config: Config) => void = () => undefined): Config {
  const config = loadConfig({ files: [DEFAULT_CONFIG_FILE] });
  overrides(config);
  return config;
}
