/** Who changed a token's status (`token_health_events.source`). */
export enum TokenEventSource {
  /** The checker: a cycle, a `checkTokenHealth`, a console "Check now". The default. */
  Check = 'check',
  /** `registerOAuthToken` (an imported token set). */
  Register = 'register',
  /** The connect flow's callback. */
  Connect = 'connect',
  /** A refresh on hand-out (`OAuthTokenService.getAccessToken`). */
  Access = 'access',
}
