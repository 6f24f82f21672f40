/**
 * A strictly parsed `application/x-www-form-urlencoded` body. Parsing never throws: problems
 * that OAuth requires to be `invalid_request` (a repeated parameter, bytes that are not UTF-8,
 * bad percent-encoding) are recorded, and the endpoint decides how to answer.
 */
export class FormBody {
  private constructor(
    readonly params: Readonly<Record<string, string>>,
    readonly problem: string | undefined,
  ) {}

  static readonly MAX_BYTES = 64 * 1024;

  get(name: string): string | undefined {
    return this.params[name];
  }

  static parse(raw: Buffer | string): FormBody {
    let text: string;
    if (typeof raw === 'string') text = raw;
    else {
      try {
        text = utf8.decode(raw);
      } catch {
        return new FormBody({}, 'the request body is not valid UTF-8');
      }
    }
    const params: Record<string, string> = Object.create(null);
    if (text.length === 0) return new FormBody(params, undefined);
    for (const pair of text.split('&')) {
      if (pair.length === 0) continue;
      const eq = pair.indexOf('=');
      let name: string;
      let value: string;
      try {
        name = decode(eq === -1 ? pair : pair.slice(0, eq));
        value = eq === -1 ? '' : decode(pair.slice(eq + 1));
      } catch {
        return new FormBody({}, 'the request body has malformed percent-encoding or is not valid UTF-8');
      }
      if (name in params) return new FormBody({}, `the parameter ${safeName(name)} is repeated`);
      params[name] = value;
    }
    return new FormBody(params, undefined);
  }

  /** A body that was not form-encoded at all (JSON, missing content type, …). */
  static notForm(contentType: string | undefined): FormBody {
    return new FormBody({}, contentType
      ? `the request body must be application/x-www-form-urlencoded, not ${safeName(contentType.split(';')[0])}`
      : 'the request body must be application/x-www-form-urlencoded (no Content-Type was sent)');
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function decode(component: string): string {
  const spaced = component.includes('+') ? component.replace(/\+/g, ' ') : component;
  return spaced.includes('%') ? decodeURIComponent(spaced) : spaced;
}

/** Parameter names end up in error descriptions: keep them short and printable. */
function safeName(name: string): string {
  return name.replace(/[^\x20-\x7E]/g, '?').slice(0, 40);
}
