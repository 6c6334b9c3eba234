import { ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * Turns what a site owner types (`Example.com`, `https://www.example.com/blog`) into a bare host
 * name (`example.com`, `www.example.com`). Throws a message fit for the CLI when it is not one.
 */
export function normalizeDomain(input: string): string {
  const trimmed = input.trim();
  let host = '';
  try {
    host = new URL(trimmed.includes('://') ? trimmed : `http://${trimmed}`).hostname;
  } catch {
    // reported below
  }
  host = host.replace(/\.+$/, '');
  if (!host || host.length > 253 || !/^[a-z0-9.[\]:-]+$/.test(host)) {
    throw new Error(`"${input}" is not a domain name; give one such as example.com.`);
  }
  return host;
}

/**
 * Whether a host belongs to one of the allowed domains: the domain itself or any subdomain
 * (`example.com` allows `www.example.com`, not `badexample.com`). An empty list allows all.
 */
export function isHostAllowed(
  allowedDomains: readonly string[],
  host: string | undefined,
): boolean {
  if (allowedDomains.length === 0) return true;
  if (!host) return false;
  const candidate = host.toLowerCase().replace(/\.+$/, '');
  return allowedDomains.some((domain) => candidate === domain || candidate.endsWith(`.${domain}`));
}

/**
 * A DTO field (or, with `each`, every item of a list) that `normalizeDomain` accepts; the value
 * is normalized by the service, not here.
 */
export function IsDomainName(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isDomainName',
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          try {
            normalizeDomain(value);
            return true;
          } catch {
            return false;
          }
        },
        defaultMessage: (args) =>
          options?.each
            ? `each of ${args?.property ?? 'the domains'} must be a domain name such as example.com or www.example.com`
            : `${args?.property ?? 'domain'} must be a domain name such as example.com or www.example.com`,
      },
    },
    options,
  );
}
