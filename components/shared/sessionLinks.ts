// Session links: `<origin>/s/<id>#token=<token>`. The token rides in the fragment, so it never
// reaches the server's logs.

export function sessionLink(id: string, token: string, origin = window.location.origin): string {
  return `${origin}/s/${id}#token=${encodeURIComponent(token)}`;
}

/** Pulls the capability token out of an edit/view URL (`…/s/<id>#token=<token>`). */
export function tokenFromUrl(url: string): string | null {
  const hash = url.includes('#') ? url.slice(url.indexOf('#') + 1) : '';
  return new URLSearchParams(hash).get('token');
}
