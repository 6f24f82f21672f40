import { Injectable } from '@nestjs/common';

/** Whether this replica should receive traffic; flipped to draining on SIGTERM. */
@Injectable()
export class Readiness {
  private draining = false;

  get isReady(): boolean {
    return !this.draining;
  }

  startDraining(): void {
    this.draining = true;
  }
}
