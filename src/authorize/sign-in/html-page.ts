import { createHash } from 'node:crypto';

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A padlock, as the tab icon (a data URI: no `/favicon.ico` request) and at the top of the card
 * (a CSS background of `main::before`: decoration, no element in the markup).
 */
const MARK_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#1d4ed8"/><path d="M11 14v-3a5 5 0 0 1 10 0v3" fill="none" stroke="#fff" stroke-width="2.5"/><rect x="8.5" y="14" width="15" height="11" rx="2.5" fill="#fff"/><circle cx="16" cy="19.5" r="1.75" fill="#1d4ed8"/></svg>`;
const MARK_URI = `data:image/svg+xml,${encodeURIComponent(MARK_SVG)}`;

/**
 * The one style sheet of every page. One font for everything (`font: inherit` on the controls),
 * a card that keeps a margin on a 320 px screen, 44 px touch targets, a visible focus ring, text
 * contrast of at least 4.5:1 in both colour schemes. `docs/sign-in-page.md` explains the choices.
 */
const STYLE = `
:root{color-scheme:light dark;--bg:#f3f4f6;--card:#fff;--text:#111827;--muted:#4b5563;--line:#d1d5db;--field:#6b7280;--accent:#1d4ed8;--accent-strong:#1e3a8a;--on-accent:#fff;--link:#1d4ed8;--focus:#2563eb;--error-bg:#fef2f2;--error:#991b1b;--error-line:#dc2626}
@media (prefers-color-scheme:dark){:root{--bg:#0b1120;--card:#1f2937;--text:#f9fafb;--muted:#d1d5db;--line:#374151;--field:#9ca3af;--accent:#2563eb;--accent-strong:#1d4ed8;--on-accent:#fff;--link:#93c5fd;--focus:#93c5fd;--error-bg:#450a0a;--error:#fecaca;--error-line:#f87171}}
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;min-height:100vh;padding:clamp(1rem,8vh,5rem) 1rem 2rem;background:var(--bg);color:var(--text);font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Helvetica Neue",Arial,sans-serif}
main{width:100%;max-width:26rem;margin:0 auto;background:var(--card);border:1px solid var(--line);border-radius:12px;padding:2rem clamp(1.25rem,5vw,2rem);box-shadow:0 1px 2px rgba(0,0,0,.06),0 8px 24px rgba(0,0,0,.06)}
main::before{content:"";display:block;width:2.5rem;height:2.5rem;margin:0 0 1rem;background:url("${MARK_URI}") center/contain no-repeat}
h1{font-size:1.5rem;line-height:1.25;margin:0}
p{margin:.75rem 0 0}
.lead{margin-top:.25rem;color:var(--muted)}
.lead strong{color:var(--text)}
form{margin-top:1.5rem}
label{display:block;font-weight:600;margin:1rem 0 .375rem}
input,button{font:inherit;color:inherit;margin:0}
input{display:block;width:100%;min-height:2.75rem;padding:.5rem .75rem;background:var(--card);border:1px solid var(--field);border-radius:8px}
input[aria-invalid=true]{border-color:var(--error-line)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
input:focus-visible{outline-offset:0}
.access{margin:1.5rem 0 0;padding:1rem 0 0;border-top:1px solid var(--line);font-size:.9375rem;color:var(--muted)}
.access p{margin:0}
.access ul{margin:.5rem 0 0;padding-left:1.25rem}
.access li+li{margin-top:.25rem}
.actions{display:flex;flex-direction:column;gap:.5rem;margin-top:1.5rem}
button{width:100%;min-height:2.75rem;padding:.5rem 1rem;border-radius:8px;font-weight:600;text-wrap:balance;cursor:pointer;background:var(--accent);color:var(--on-accent);border:1px solid var(--accent)}
button:hover{background:var(--accent-strong);border-color:var(--accent-strong)}
button.secondary{background:none;border-color:transparent;color:var(--link);font-weight:500}
button.secondary:hover{background:none;border-color:transparent;text-decoration:underline}
.error{margin:1.25rem 0 0;padding:.75rem 1rem;background:var(--error-bg);color:var(--error);border-left:4px solid var(--error-line);border-radius:4px}
.note{color:var(--muted);font-size:.9375rem}
`;
const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

/**
 * Headers for every HTML page of the server: a CSP with no script at all (the pages work
 * without JavaScript) and the one inline style allowed by hash, images only from data URIs (the
 * padlock), no framing, no sniffing, no referrer (the URL carries the authorization request),
 * no caching.
 */
export const HTML_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; img-src data:; base-uri 'none'; frame-ancestors 'none'`,
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
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="${escapeHtml(MARK_URI)}">
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

/**
 * An error page: what happened (the description says what to do when the user can do something),
 * then whom to ask if it keeps happening.
 */
export function renderErrorPage(title: string, description: string): string {
  return htmlDocument(title, `<h1>${escapeHtml(title)}</h1>
<p role="alert">${escapeHtml(description)}</p>
<p class="note">If this keeps happening, contact the administrator of the application that sent you here.</p>`);
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

/** The name of the submit button that cancels the sign-in (the form posts `cancel=1`). */
export const CANCEL_FIELD = 'cancel';

/**
 * The sign-in form: plain HTML, no JavaScript, labelled inputs, an accessible error message,
 * what the application will get, and a way back to it (Cancel: `access_denied`). The field to
 * fill is focused: the username, or the password when the username is already there.
 */
export function renderSignInPage(model: SignInPageModel): string {
  const client = `<strong>${escapeHtml(model.clientName)}</strong>`;
  const access = model.scopes.length === 0 ? '' : `<section class="access" aria-labelledby="access-title">
<p id="access-title">Signing in gives ${client} access to:</p>
<ul>
${model.scopes.map((s) => `<li>${escapeHtml(model.scopeDescriptions.get(s) ?? s)}</li>`).join('\n')}
</ul>
</section>`;
  const error = model.error ? `<p class="error" id="sign-in-error" role="alert">${escapeHtml(model.error)}</p>\n` : '';
  const described = model.error ? ' aria-describedby="sign-in-error" aria-invalid="true"' : '';
  const focusPassword = model.username !== undefined && model.username !== '';
  return htmlDocument(`Sign in to ${model.clientName}`, `<h1>Sign in</h1>
<p class="lead">to continue to ${client}</p>
${model.signedIn?.noticeHtml ?? ''}${error}<form method="post" action="${escapeHtml(model.action)}">
<input type="hidden" name="request" value="${escapeHtml(model.request)}">
<input type="hidden" name="csrf_token" value="${escapeHtml(model.csrfToken)}">
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required${focusPassword ? '' : ' autofocus'} value="${escapeHtml(model.username ?? '')}"${described}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${focusPassword ? ' autofocus' : ''}${described}>
${access}
<div class="actions">
<button type="submit">Sign in</button>
${model.signedIn?.switchButtonHtml ?? ''}<button type="submit" class="secondary" name="${CANCEL_FIELD}" value="1" formnovalidate>Cancel and return to ${escapeHtml(model.clientName)}</button>
</div>
</form>`);
}
