// The one date module: every view, hover, document, log line and CLI text formats dates here.
import assert from 'node:assert/strict';
import { formatClock, formatDate, formatDay } from '../../src/core/dates';

describe('dates: one format everywhere', () => {
  const d = new Date('2026-05-01T12:34:56.789Z');

  it('date, day and time of day are slices of the same UTC instant', () => {
    assert.equal(formatDate(d), '2026-05-01 12:34:56 UTC');
    assert.equal(formatDay(d), '2026-05-01');
    assert.equal(formatClock(d), '12:34:56');
  });

  it('an invalid date (a hostile file, a broken clock) is named, never a RangeError in a log line', () => {
    const bad = new Date(Number.NaN);
    assert.equal(formatDate(bad), 'invalid date');
    assert.equal(formatDay(bad), 'invalid date');
    assert.equal(formatClock(bad), 'invalid time');
  });
});
