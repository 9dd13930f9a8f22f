/** OAuth application credentials used to talk to a provider's token endpoint. */
export interface OAuthClientCredentials {
  clientId: string;
  clientSecret: string;
}
