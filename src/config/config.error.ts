import { FeatureError } from '../common/feature.error';

export enum ConfigErrorCode {
  /** A setting (environment variable or module option) does not validate; the message names it. */
  InvalidSetting = 'INVALID_SETTING',
  /** A provider's OpenID Connect discovery document could not be fetched or read. */
  DiscoveryFailed = 'DISCOVERY_FAILED',
  /** PORT cannot be listened on (taken by another process, or not allowed). */
  PortUnavailable = 'PORT_UNAVAILABLE',
}

/** Thrown when the configuration does not validate; the message names the variable. */
export class ConfigError extends FeatureError<ConfigErrorCode> {
  constructor(message: string, code = ConfigErrorCode.InvalidSetting) {
    super(code, message);
  }
}
