import { UserAgentParser } from './user-agent.js';

const CHROME_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) ' +
  'Chrome/120.0.0.0 Safari/537.36';
const SAFARI_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 ' +
  '(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1';
const SAFARI_IPAD =
  'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 ' +
  '(KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1';
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
const HEADLESS_CHROME =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) ' +
  'HeadlessChrome/120.0.0.0 Safari/537.36';

describe('UserAgentParser', () => {
  let parser: UserAgentParser;

  beforeEach(() => {
    parser = new UserAgentParser();
  });

  it('should parse desktop Chrome on Windows', () => {
    expect(parser.parse(CHROME_WINDOWS)).toEqual({
      isBot: false,
      browser: 'Chrome',
      browserVersion: '120.0.0.0',
      os: 'Windows',
      osVersion: '10',
      deviceType: 'desktop',
    });
  });

  it('should report Safari on an iPhone as a mobile device', () => {
    expect(parser.parse(SAFARI_IPHONE)).toMatchObject({
      isBot: false,
      browser: 'Mobile Safari',
      os: 'iOS',
      osVersion: '17.1',
      deviceType: 'mobile',
    });
  });

  it('should report an iPad as a tablet', () => {
    expect(parser.parse(SAFARI_IPAD)).toMatchObject({
      isBot: false,
      os: 'iOS',
      deviceType: 'tablet',
    });
  });

  it('should flag Googlebot as a bot', () => {
    expect(parser.parse(GOOGLEBOT).isBot).toBe(true);
  });

  it('should flag headless Chrome as a bot', () => {
    expect(parser.parse(HEADLESS_CHROME).isBot).toBe(true);
  });

  it('should report unknown fields as null and the device as desktop for an empty user agent', () => {
    expect(parser.parse('')).toEqual({
      isBot: false,
      browser: null,
      browserVersion: null,
      os: null,
      osVersion: null,
      deviceType: 'desktop',
    });
  });

  it('should return the identical cached object when the same user agent is parsed again', () => {
    const first = parser.parse(CHROME_WINDOWS);
    parser.parse(SAFARI_IPHONE);
    expect(parser.parse(CHROME_WINDOWS)).toBe(first);
  });

  it('should not share results between different user agents', () => {
    const chrome = parser.parse(CHROME_WINDOWS);
    const safari = parser.parse(SAFARI_IPHONE);
    expect(safari).not.toBe(chrome);
    expect(safari.browser).not.toBe(chrome.browser);
  });
});
