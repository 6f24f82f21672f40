import { createHash } from 'node:crypto';

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;background:#f4f5f7;color:#1d2330;margin:0}
main{max-width:24rem;margin:8vh auto;background:#fff;border-radius:8px;padding:2rem;box-shadow:0 1px 4px rgba(0,0,0,.15)}
h1{font-size:1.4rem;margin:0 0 .5rem}
p{line-height:1.4}
label{display:block;margin:1rem 0 .25rem;font-weight:600}
input{box-sizing:border-box;width:100%;padding:.6rem;font-size:1rem;border:1px solid #8a93a6;border-radius:4px}
button{margin-top:1.5rem;width:100%;padding:.7rem;font-size:1rem;background:#1f5fd1;color:#fff;border:0;border-radius:4px;cursor:pointer}
button:focus,input:focus{outline:3px solid #ffbf47}
.error{background:#fdecea;color:#8a1c12;border-left:4px solid #c62828;padding:.6rem .8rem}
ul{padding-left:1.2rem}
`;
const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

/**
 * Headers for every HTML page of the server: a CSP with no script at all (the pages work
 * without JavaScript) and the one inline style allowed by hash, no framing, no sniffing, no
 * referrer (the URL carries the authorization request), no caching.
 */
export const HTML_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'`,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  pragma: 'no-cache',
});

export function htmlDocument(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

export function renderErrorPage(title: string, description: string): string {
  return htmlDocument(title, `<h1>${escapeHtml(title)}</h1>
<p role="alert">${escapeHtml(description)}</p>
<p>Return to the application and try again. If this keeps happening, contact its administrator.</p>`);
}

export interface SignInPageModel {
  clientName: string;
  scopes: readonly string[];
  scopeDescriptions: ReadonlyMap<string, string>;
  action: string;
  /** The sealed pending sign-in. */
  request: string;
  csrfToken: string;
  username?: string;
  error?: string;
  /**
   * When the browser has a session: who is signed in (HTML above the form) and a submit button to
   * sign in as someone else (HTML after the sign-in button); see `session/session-pages.ts`.
   */
  signedIn?: { noticeHtml: string; switchButtonHtml: string };
}

/** The sign-in form: plain HTML, no JavaScript, labelled inputs, an accessible error message. */
export function renderSignInPage(model: SignInPageModel): string {
  const scopes = model.scopes.length === 0 ? '' : `<p>It asks for:</p>
<ul>
${model.scopes.map((s) => `<li>${escapeHtml(model.scopeDescriptions.get(s) ?? s)}</li>`).join('\n')}
</ul>`;
  const error = model.error ? `<p class="error" id="sign-in-error" role="alert">${escapeHtml(model.error)}</p>\n` : '';
  const described = model.error ? ' aria-describedby="sign-in-error" aria-invalid="true"' : '';
  return htmlDocument(`Sign in to ${model.clientName}`, `<h1>Sign in</h1>
<p>to continue to <strong>${escapeHtml(model.clientName)}</strong></p>
${scopes}
${model.signedIn?.noticeHtml ?? ''}${error}<form method="post" action="${escapeHtml(model.action)}">
<input type="hidden" name="request" value="${escapeHtml(model.request)}">
<input type="hidden" name="csrf_token" value="${escapeHtml(model.csrfToken)}">
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${escapeHtml(model.username ?? '')}"${described}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${described}>
<button type="submit">Sign in</button>
${model.signedIn?.switchButtonHtml ?? ''}</form>`);
}
