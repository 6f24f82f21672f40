// A minimal browser without JavaScript for the flow bench: one keep-alive connection per virtual
// user, a cookie jar (name + path, as RFC 6265 scopes them on one host), manual redirects.
//
// Two transports with the same interface: node:http with a keep-alive Agent (the default: the
// cheapest per request on the load generator's side, which shares the machine's cores with the
// servers) and the global fetch (undici), selectable with BENCH_FLOW_CLIENT=fetch to compare.
import http from 'node:http';

export class Browser {
  #agent;
  #cookies = new Map(); // `${name}\0${path}` → { name, value, path }
  #transport;

  constructor(transport = 'http') {
    if (transport !== 'http' && transport !== 'fetch') throw new Error(`BENCH_FLOW_CLIENT must be http or fetch, got ${transport}`);
    this.#transport = transport;
    this.#agent = transport === 'http' ? new http.Agent({ keepAlive: true, maxSockets: 1 }) : undefined;
  }

  /** A new browsing session: no cookies (the connection stays open). */
  forgetCookies() {
    this.#cookies.clear();
  }

  /**
   * One request; the answer's body is read whole. Cookies of the jar that path-match are sent,
   * Set-Cookie answers update the jar. Redirects are not followed (`location` is returned).
   * @returns {Promise<{ status: number, location?: string, contentType?: string, text: string }>}
   */
  async request(url, { method = 'GET', headers = {}, body } = {}) {
    const target = new URL(url);
    const cookie = this.#cookieHeader(target.pathname);
    const allHeaders = { ...headers, ...(cookie ? { cookie } : {}) };
    const answer = this.#transport === 'http'
      ? await this.#viaHttp(target, method, allHeaders, body)
      : await this.#viaFetch(target, method, allHeaders, body);
    for (const line of answer.setCookie) this.#store(line, target.pathname);
    return answer;
  }

  close() {
    this.#agent?.destroy();
  }

  #viaHttp(target, method, headers, body) {
    return new Promise((resolve, reject) => {
      const req = http.request({
        host: target.hostname, port: target.port, path: target.pathname + target.search, method, agent: this.#agent,
        headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) },
      }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => { text += chunk; });
        res.on('end', () => resolve({
          status: res.statusCode,
          location: res.headers.location,
          contentType: res.headers['content-type'],
          setCookie: res.headers['set-cookie'] ?? [],
          text,
        }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  async #viaFetch(target, method, headers, body) {
    const response = await fetch(target, { method, headers, body, redirect: 'manual' });
    return {
      status: response.status,
      location: response.headers.get('location') ?? undefined,
      contentType: response.headers.get('content-type') ?? undefined,
      setCookie: response.headers.getSetCookie(),
      text: await response.text(),
    };
  }

  #cookieHeader(path) {
    const pairs = [];
    for (const c of this.#cookies.values()) {
      if (path === c.path || (path.startsWith(c.path) && (c.path.endsWith('/') || path[c.path.length] === '/'))) pairs.push(`${c.name}=${c.value}`);
    }
    return pairs.join('; ');
  }

  #store(line, requestPath) {
    const [pair, ...attributes] = line.split(';');
    const eq = pair.indexOf('=');
    if (eq <= 0) return;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    // RFC 6265 §5.1.4 default-path: the request path up to its last '/'.
    let path = requestPath.lastIndexOf('/') > 0 ? requestPath.slice(0, requestPath.lastIndexOf('/')) : '/';
    let expired = false;
    for (const attribute of attributes) {
      const [key, ...rest] = attribute.trim().split('=');
      const attributeValue = rest.join('=');
      const lower = key.toLowerCase();
      if (lower === 'path' && attributeValue.startsWith('/')) path = attributeValue;
      else if (lower === 'max-age' && Number(attributeValue) <= 0) expired = true;
      else if (lower === 'expires' && Date.parse(attributeValue) <= Date.now()) expired = true;
    }
    const key = `${name}\0${path}`;
    if (expired) this.#cookies.delete(key);
    else this.#cookies.set(key, { name, value, path });
  }
}
