/**
 * A loop's sleep that a notification can cut short: `wait(ms)` resolves after `ms` or at the
 * next `signal()`, whichever comes first. A signal that arrives while the loop is busy is kept,
 * so the next `wait` returns at once and no notification is lost between two waits.
 */
export class Wakeup {
  private pending = false;
  private wake: (() => void) | undefined;

  signal(): void {
    if (this.wake) {
      const wake = this.wake;
      this.wake = undefined;
      wake();
    } else {
      this.pending = true;
    }
  }

  wait(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, Math.max(0, ms));
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
