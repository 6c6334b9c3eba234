import { Clock } from '../../src/common/clock.js';

/** A clock that stands still until a test moves it. */
export class FakeClock extends Clock {
  private current: number;

  constructor(start = Date.parse('2026-06-01T12:00:00.000Z')) {
    super();
    this.current = start;
  }

  override now(): Date {
    return new Date(this.current);
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
