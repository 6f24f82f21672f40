import { Inject, Injectable } from '@nestjs/common';
import { Metrics, SignInOutcome } from '../../observability/metrics.js';
import { USER_DIRECTORY } from '../../users/user-directory.js';
import type { User, UserDirectory } from '../../users/user-directory.js';
import { SignInThrottle } from './sign-in-throttle.js';

export type SignInResult =
  /** `recorded` settles when the success is written to the throttle: await it with what follows. */
  | { outcome: 'success'; user: User; recorded: Promise<void> }
  | { outcome: 'wrong_credentials' }
  | { outcome: 'throttled'; retryAfterSeconds: number };

/**
 * One sign-in attempt: a place in the throttle first, then the user directory's password check,
 * then the outcome recorded in the throttle and the metrics. The outcome names are the ones of
 * `sympauthy_sign_in_attempts_total` and of the request log.
 */
@Injectable()
export class SignInService {
  constructor(
    private readonly throttle: SignInThrottle,
    @Inject(USER_DIRECTORY) private readonly users: UserDirectory,
    private readonly metrics: Metrics,
  ) {}

  async signIn(username: string, password: string, address: string): Promise<SignInResult> {
    const admission = await this.throttle.admit(username, address);
    if (!admission.admitted) return this.counted({ outcome: 'throttled', retryAfterSeconds: admission.retryAfterSeconds });
    let user: User | undefined;
    try {
      user = await this.users.authenticate(username, password);
    } catch (e) {
      // No password was checked (the directory or its bcrypt queue failed): free the place unchanged.
      await admission.settle('abandoned');
      throw e;
    }
    if (!user) {
      await admission.settle('failure');
      return this.counted({ outcome: 'wrong_credentials' });
    }
    // The caller writes the code while the success is recorded (one batch to a shared store).
    return this.counted({ outcome: 'success', user, recorded: admission.settle('success') });
  }

  private counted<T extends SignInResult>(result: T): T {
    this.metrics.signIn(result.outcome as SignInOutcome);
    return result;
  }
}
