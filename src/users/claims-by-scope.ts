/** OpenID Connect Core §5.4: the standard claims each scope grants. */
export const CLAIMS_BY_SCOPE: Readonly<Record<string, readonly string[]>> = {
  profile: ['name', 'family_name', 'given_name', 'middle_name', 'nickname', 'preferred_username', 'profile',
    'picture', 'website', 'gender', 'birthdate', 'zoneinfo', 'locale', 'updated_at'],
  email: ['email', 'email_verified'],
  address: ['address'],
  phone: ['phone_number', 'phone_number_verified'],
};

/** The user's claims that the granted scopes release (never `sub`, which callers set). */
export function claimsForScopes(claims: Readonly<Record<string, unknown>>, scopes: readonly string[]): Record<string, unknown> {
  const released: Record<string, unknown> = {};
  for (const scope of scopes) {
    for (const claim of CLAIMS_BY_SCOPE[scope] ?? []) {
      if (claims[claim] !== undefined) released[claim] = claims[claim];
    }
  }
  return released;
}
