/** Injection token for the list of AlertChannel adapters (several implementations of one port). */
export const ALERT_CHANNELS = Symbol('ALERT_CHANNELS');
