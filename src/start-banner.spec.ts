import { type StartFacts, startBanner, urlOf } from './start-banner.js';

const ID = '3f0c2a1e-5b7d-4c8e-9f10-112233445566';
const base: StartFacts = {
  listening: 'http://127.0.0.1:8080',
  everyInterface: false,
  publicUrl: 'https://analytics.example.com',
  publicUrlSet: true,
  activeSites: 1,
  testPage: 'https://analytics.example.com/test.html?site=SITE_ID',
};

function rows(text: string): string[] {
  return text.split('\n').filter((line) => line.trim());
}

describe('startBanner', () => {
  it('should show the address, the demo site snippet and its test page, aligned', () => {
    const text = startBanner({
      ...base,
      demoSite: {
        id: ID,
        snippet: `<script data-site-id="${ID}"></script>`,
        testPage: `https://analytics.example.com/test.html?site=${ID}`,
      },
    });
    expect(rows(text)).toEqual([
      'Trackveil is running.',
      '  Listening on   http://127.0.0.1:8080',
      '  Public URL     https://analytics.example.com',
      '  Dashboard      https://analytics.example.com/ (sign up, add your site, paste its snippet)',
      `  Demo site      <script data-site-id="${ID}"></script>`,
      `  Test page      https://analytics.example.com/test.html?site=${ID}`,
    ]);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('should say when the server listens on every interface', () => {
    expect(
      startBanner({ ...base, listening: 'http://localhost:8080', everyInterface: true }),
    ).toContain('  Listening on   http://localhost:8080 (every interface)');
  });

  it('should say how to set PUBLIC_URL when it is the default', () => {
    const text = startBanner({ ...base, publicUrl: 'http://localhost:8080', publicUrlSet: false });
    expect(text).toContain(
      'Public URL     http://localhost:8080 (set PUBLIC_URL to the address browsers use)',
    );
  });

  it('should show the demo site without a test page line when the test page is off', () => {
    const text = startBanner({
      ...base,
      testPage: undefined,
      demoSite: { id: ID, snippet: '<script></script>' },
    });
    expect(text).toContain('Demo site');
    expect(text).not.toContain('Test page');
  });

  it('should say how to create and list sites when there is no demo site', () => {
    const lines = rows(startBanner(base));
    expect(lines).toContain(
      '  Add a site     npm run cli -- sites create --name "My site" --domain example.com',
    );
    expect(lines).toContain('  Your sites     npm run cli -- sites list');
    expect(lines).toContain(
      '  Test page      https://analytics.example.com/test.html?site=SITE_ID',
    );
    expect(startBanner({ ...base, activeSites: 0 })).not.toContain('Your sites');
  });

  it('should show the metrics address when metrics have their own port', () => {
    expect(startBanner({ ...base, metrics: 'http://127.0.0.1:9464/metrics' })).toContain(
      '  Metrics        http://127.0.0.1:9464/metrics',
    );
    expect(startBanner(base)).not.toContain('Metrics');
  });
});

describe('urlOf', () => {
  it('should read every interface as localhost and bracket IPv6 addresses', () => {
    expect(urlOf({ address: '0.0.0.0', family: 'IPv4', port: 8080 })).toBe('http://localhost:8080');
    expect(urlOf({ address: '::', family: 'IPv6', port: 8080 }, 9464)).toBe(
      'http://localhost:9464',
    );
    expect(urlOf({ address: '::1', family: 'IPv6', port: 8080 })).toBe('http://[::1]:8080');
    expect(urlOf({ address: '10.0.0.5', family: 'IPv4', port: 80 })).toBe('http://10.0.0.5:80');
  });
});
