import { isTimeZone } from './timezones.js';

describe('isTimeZone', () => {
  it.each(['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'Australia/Sydney'])(
    'should accept the IANA zone %s',
    (zone) => {
      expect(isTimeZone(zone)).toBe(true);
    },
  );

  it.each(['', 'utc', 'europe/berlin', 'Mars/Olympus_Mons', 'GMT+2', ' Europe/Berlin', 42, null])(
    'should refuse %j',
    (value) => {
      expect(isTimeZone(value)).toBe(false);
    },
  );
});
