/** Zoho's data-centre accounts servers (https only); a token's accounts server must be one of them by default. */
export const ZOHO_DATA_CENTRE_ACCOUNTS_URLS = [
  'https://accounts.zoho.com',
  'https://accounts.zoho.eu',
  'https://accounts.zoho.in',
  'https://accounts.zoho.com.au',
  'https://accounts.zoho.jp',
  'https://accounts.zoho.sa',
  'https://accounts.zoho.uk',
  'https://accounts.zohocloud.ca',
  'https://accounts.zoho.com.cn',
];
