import { refuseScrape } from './metrics-access.js';

const TOKEN = 'a3f1c9d2e4b5a6f7c8d9e0f1a2b3c4d5';

describe('refuseScrape', () => {
  it('should let every scrape through when no METRICS_TOKEN is set', () => {
    expect(refuseScrape(undefined, undefined)).toBeUndefined();
    expect(refuseScrape('Bearer anything', undefined)).toBeUndefined();
  });

  it('should let the right bearer token through, whatever the case of the scheme', () => {
    expect(refuseScrape(`Bearer ${TOKEN}`, TOKEN)).toBeUndefined();
    expect(refuseScrape(`bearer ${TOKEN}`, TOKEN)).toBeUndefined();
  });

  it.each([undefined, '', 'Bearer', `Basic ${TOKEN}`, TOKEN])(
    'should refuse %j with a challenge and a message saying which header to send',
    (header) => {
      expect(refuseScrape(header, TOKEN)).toEqual({
        message: '/metrics needs the header "Authorization: Bearer <METRICS_TOKEN>".',
        challenge: 'Bearer realm="trackveil-metrics"',
      });
    },
  );

  it.each([`Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(1)}`, `Bearer ${TOKEN.toUpperCase()}`])(
    'should refuse the wrong token %j as invalid_token, without echoing the token',
    (header) => {
      const refusal = refuseScrape(header, TOKEN);
      expect(refusal?.challenge).toBe('Bearer realm="trackveil-metrics", error="invalid_token"');
      expect(refusal?.message).not.toContain(TOKEN);
    },
  );
});
