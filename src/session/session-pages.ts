import { escapeHtml, htmlDocument } from '../authorize/sign-in/html-page.js';

/**
 * The HTML of single sign-on: what the sign-in page adds when the browser has a session, the
 * logout confirmation page and the signed-out page. Plain HTML without JavaScript, in the
 * sign-in page's document (its style, served with its CSP and headers, `HTML_SECURITY_HEADERS`).
 */

/** The submit button of the sign-in form that ends the current session first ("Not you?"). */
export const SWITCH_ACCOUNT_FIELD = 'switch_account';

/** Above the sign-in form, when the browser has a session: who is signed in. */
export function signedInNotice(name: string): string {
  return `<p class="note" id="signed-in-as">You are signed in as <strong>${escapeHtml(name)}</strong>. Enter the password again to continue.</p>\n`;
}

/** Below the sign-in button, with {@link signedInNotice}: a way to sign in as someone else. */
export function switchAccountButton(): string {
  return `<button type="submit" class="secondary" name="${SWITCH_ACCOUNT_FIELD}" value="1" formnovalidate aria-describedby="signed-in-as">Not you? Sign in as someone else</button>\n`;
}

export interface LogoutConfirmationModel {
  action: string;
  csrfToken: string;
  /** Name of the client that asked, when it is known. */
  clientName?: string;
  /** Carried to the confirmation (validated again when it is posted). */
  clientId?: string;
  postLogoutRedirectUri?: string;
  state?: string;
}

/** Asks before ending a session when the request cannot prove it comes from the user's application. */
export function renderLogoutConfirmation(model: LogoutConfirmationModel): string {
  const hidden = (name: string, value: string | undefined) =>
    value === undefined ? '' : `<input type="hidden" name="${name}" value="${escapeHtml(value)}">\n`;
  const asking = model.clientName === undefined ? '' : `<p class="lead"><strong>${escapeHtml(model.clientName)}</strong> asks to sign you out.</p>\n`;
  return htmlDocument('Sign out?', `<h1>Sign out?</h1>
${asking}<p>This ends your session on this sign-in service: the next time an application asks you to sign in, you will need your password again.</p>
<form method="post" action="${escapeHtml(model.action)}">
<input type="hidden" name="csrf_token" value="${escapeHtml(model.csrfToken)}">
${hidden('client_id', model.clientId)}${hidden('post_logout_redirect_uri', model.postLogoutRedirectUri)}${hidden('state', model.state)}<div class="actions">
<button type="submit">Sign out</button>
</div>
</form>
<p class="note">To stay signed in, close this page.</p>`);
}

/** After a logout with no (valid) place to return to. */
export function renderSignedOut(): string {
  return htmlDocument('Signed out', `<h1>You are signed out</h1>
<p>The next time an application asks you to sign in, you will need your password again. You can close this page.</p>`);
}
