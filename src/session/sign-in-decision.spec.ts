import { IdTokenHint, signInOutcome, signInRequirements } from './sign-in-decision.js';

const NOW = 1_800_000_000;
const absent: IdTokenHint = { kind: 'absent' };
const alice: IdTokenHint = { kind: 'valid', sub: 'alice', clientId: 'web-app' };
const invalid: IdTokenHint = { kind: 'invalid' };
const ask = (prompt: string[] = [], maxAge?: number) => ({ prompt, maxAge });

describe('signInRequirements', () => {
  it('lets any live session serve a plain request, and prompt=none alike', () => {
    expect(signInRequirements(ask(), absent, NOW)).toEqual({ noPrompt: false, silently: {} });
    expect(signInRequirements(ask(['none']), absent, NOW)).toEqual({ noPrompt: true, silently: {} });
  });

  it('turns max_age into the least auth_time, and a valid hint into the user the session must have', () => {
    expect(signInRequirements(ask([], 300), alice, NOW)).toEqual({ noPrompt: false, silently: { userId: 'alice', authTimeAtLeast: NOW - 300 } });
    expect(signInRequirements(ask(['none'], 1), absent, NOW)).toEqual({ noPrompt: true, silently: { authTimeAtLeast: NOW - 1 } });
  });

  it('treats max_age=0 as prompt=login (OIDC Core errata set 2): the form, or login_required with prompt=none', () => {
    expect(signInRequirements(ask([], 0), alice, NOW)).toEqual({ noPrompt: false });
    expect(signInRequirements(ask(['none'], 0), absent, NOW).error?.error).toBe('login_required');
  });

  it('never serves silently for prompt=login or a hint that is not ours', () => {
    expect(signInRequirements(ask(['login']), alice, NOW)).toEqual({ noPrompt: false });
    expect(signInRequirements(ask(['login', 'consent']), absent, NOW)).toEqual({ noPrompt: false });
    expect(signInRequirements(ask([]), invalid, NOW)).toEqual({ noPrompt: false });
    expect(signInRequirements(ask(['none']), invalid, NOW)).toEqual({ noPrompt: true });
  });

  it('ignores consent and select_account without none, and answers their error with none', () => {
    expect(signInRequirements(ask(['consent', 'select_account']), absent, NOW)).toEqual({ noPrompt: false, silently: {} });
    expect(signInRequirements(ask(['none', 'consent']), alice, NOW).error?.error).toBe('consent_required');
    expect(signInRequirements(ask(['select_account', 'none']), absent, NOW).error?.error).toBe('account_selection_required');
    expect(signInRequirements(ask(['none', 'login']), absent, NOW).error?.error).toBe('login_required');
  });
});

describe('signInOutcome', () => {
  const plain = signInRequirements(ask(), absent, NOW);
  const none = signInRequirements(ask(['none']), absent, NOW);
  const login = signInRequirements(ask(['login']), absent, NOW);

  it('is silent only when the session served', () => {
    expect(signInOutcome(plain, { exists: true, served: true })).toEqual({ kind: 'silent' });
    expect(signInOutcome(none, { exists: true, served: true })).toEqual({ kind: 'silent' });
  });

  it('shows the form otherwise, saying whether the browser has a session', () => {
    expect(signInOutcome(plain, { exists: false, served: false })).toEqual({ kind: 'form', signedIn: false });
    expect(signInOutcome(plain, { exists: true, served: false })).toEqual({ kind: 'form', signedIn: true });
    expect(signInOutcome(login, { exists: true, served: false })).toEqual({ kind: 'form', signedIn: true });
    // Requirements that allow no silent sign-in win over a store answer that says otherwise.
    expect(signInOutcome(login, { exists: true, served: true })).toEqual({ kind: 'form', signedIn: true });
  });

  it('answers login_required instead of the form for prompt=none, and the prompt error whatever the session', () => {
    expect(signInOutcome(none, { exists: false, served: false })).toMatchObject({ kind: 'error', error: 'login_required' });
    expect(signInOutcome(none, { exists: true, served: false })).toMatchObject({ kind: 'error', error: 'login_required' });
    const consent = signInRequirements(ask(['none', 'consent']), absent, NOW);
    expect(signInOutcome(consent, { exists: true, served: true })).toMatchObject({ kind: 'error', error: 'consent_required' });
  });
});
