import { isbot } from 'isbot';
import { UAParser } from 'ua-parser-js';
import { cleanText } from '../common/clean-text.js';
import { DEVICE_TYPES, type DeviceType } from './entities/page-view.entity.js';

export interface ParsedUserAgent {
  isBot: boolean;
  browser: string | null;
  browserVersion: string | null;
  os: string | null;
  osVersion: string | null;
  deviceType: DeviceType;
}

const MAX_FIELD = 64;
const CACHE_SIZE = 2000;
const MAX_USER_AGENT = 1024;

function field(value: string | undefined): string | null {
  if (!value) return null;
  return cleanText(value.slice(0, MAX_FIELD)) || null;
}

function deviceType(type: string | undefined): DeviceType {
  // ua-parser-js reports no device type for desktops.
  return (DEVICE_TYPES as readonly string[]).includes(type ?? '')
    ? (type as DeviceType)
    : 'desktop';
}

function parse(userAgent: string): ParsedUserAgent {
  const result = new UAParser(userAgent).getResult();
  return {
    isBot: isbot(userAgent),
    browser: field(result.browser.name),
    browserVersion: field(result.browser.version),
    os: field(result.os.name),
    osVersion: field(result.os.version),
    deviceType: deviceType(result.device.type),
  };
}

/**
 * Parses User-Agent strings (ua-parser-js 1.x, MIT) and flags bots (isbot). Real traffic repeats a
 * few thousand strings, so results are kept in a small least-recently-used cache.
 */
export class UserAgentParser {
  private readonly cache = new Map<string, ParsedUserAgent>();

  parse(userAgent: string): ParsedUserAgent {
    const key = userAgent.slice(0, MAX_USER_AGENT);
    const cached = this.cache.get(key);
    if (cached) {
      this.cache.delete(key);
      this.cache.set(key, cached);
      return cached;
    }
    const parsed = parse(key);
    this.cache.set(key, parsed);
    if (this.cache.size > CACHE_SIZE) {
      this.cache.delete(this.cache.keys().next().value as string);
    }
    return parsed;
  }
}
