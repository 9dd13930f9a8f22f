/** RFC 8288 `Link` to the next page: the request's own path and parameters with `cursor` replaced. */
export function nextPageLink(originalUrl: string, cursor: string): string {
  const [path, query = ''] = originalUrl.split('?', 2);
  const params = new URLSearchParams(query);
  params.set('cursor', cursor);
  return `<${path}?${params.toString()}>; rel="next"`;
}
