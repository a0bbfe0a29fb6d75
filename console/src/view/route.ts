/** Where the console is, from its URL hash: `#/orders/ord_1?sku=X` is page `orders`, path `['ord_1']`, query `sku=X`. */
export interface ConsoleRoute {
  page: string;
  path: string[];
  query: URLSearchParams;
}

export function parseRoute(hash: string, pageIds: readonly string[]): ConsoleRoute {
  const [pathPart = '', queryPart = ''] = hash.replace(/^#\/?/, '').split('?', 2);
  const [page = '', ...path] = pathPart.split('/').filter(Boolean);
  const known = pageIds.includes(page);
  return {
    page: known ? page : (pageIds[0] ?? ''),
    path: known ? path.map(safeDecode) : [],
    query: new URLSearchParams(queryPart),
  };
}

/** The hash for a page and its path, each segment encoded so an id with `/` or `?` stays one segment. */
export function routeHash(page: string, path: readonly string[] = [], query?: Record<string, string>): string {
  const segments = [page, ...path.map((segment) => encodeURIComponent(segment))].join('/');
  const search = query && Object.keys(query).length ? `?${new URLSearchParams(query)}` : '';
  return `#/${segments}${search}`;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
