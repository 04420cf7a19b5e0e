/** Sandbox time: real time plus an offset that `POST /_sandbox/clock/advance` moves forward. Unix seconds. */
export class Clock {
  private offsetSeconds = 0;

  now(): number {
    return Math.floor(Date.now() / 1000) + this.offsetSeconds;
  }

  get offset(): number {
    return this.offsetSeconds;
  }

  setOffset(seconds: number): void {
    this.offsetSeconds = seconds;
  }

  /** Moves the clock so that now() is at least `t`. */
  moveTo(t: number): void {
    const delta = t - this.now();
    if (delta > 0) this.offsetSeconds += delta;
  }
}
