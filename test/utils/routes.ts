import { type INestApplication, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { ACCESS_RULE, type AccessRule } from '../../src/auth/access-rules.js';

/** One route of the Nest router, as its controller declares it. */
export interface DiscoveredRoute {
  /** `GET`, `POST`, … */
  method: string;
  /** Nest's path syntax: `/health/live`, `/sites/:id`. */
  path: string;
  /** `GET /health/live`. */
  name: string;
  controller: string;
  isPublic: boolean;
  /** The route's access rule as `AccessGuard` reads it; null for none. */
  rule: AccessRule | null;
}

const asList = (value: unknown): string[] =>
  Array.isArray(value) ? value.map(String) : [typeof value === 'string' ? value : ''];

function joinPath(...parts: string[]): string {
  return `/${parts
    .flatMap((part) => part.split('/'))
    .filter(Boolean)
    .join('/')}`;
}

/**
 * Every route of every controller Nest knows, read from Nest's own metadata through
 * `DiscoveryService` (the app must import `DiscoveryModule`): no hand-kept list. Whether a route
 * is public is read the way `AccessGuard` reads it.
 */
export function discoverRoutes(app: INestApplication): DiscoveredRoute[] {
  const scanner = app.get(MetadataScanner);
  const reflector = app.get(Reflector);
  const routes: DiscoveredRoute[] = [];
  for (const wrapper of app.get(DiscoveryService).getControllers()) {
    const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
    if (!controller) continue;
    const prefixes = asList(Reflect.getMetadata(PATH_METADATA, controller));
    const prototype = controller.prototype as Record<string, unknown>;
    for (const methodName of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[methodName] as (...args: unknown[]) => unknown;
      const requestMethod = Reflect.getMetadata(METHOD_METADATA, handler) as
        RequestMethod | undefined;
      if (requestMethod === undefined) continue;
      const rule = reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [
        handler,
        controller,
      ]);
      for (const prefix of prefixes) {
        for (const suffix of asList(Reflect.getMetadata(PATH_METADATA, handler))) {
          const method = RequestMethod[requestMethod];
          const path = joinPath(prefix, suffix);
          routes.push({
            method,
            path,
            name: `${method} ${path}`,
            controller: controller.name,
            isPublic: rule?.kind === 'public',
            rule: rule ?? null,
          });
        }
      }
    }
  }
  return routes.sort((a, b) => a.name.localeCompare(b.name));
}

/** The path with each parameter filled in (a UUID, what ids are here), for a real request. */
export function concretePath(path: string): string {
  return path.replace(/:\w+/g, '00000000-0000-4000-8000-000000000000');
}

/** The path in OpenAPI's syntax: `/sites/{id}`. */
export function openApiPath(path: string): string {
  return path.replace(/:(\w+)/g, '{$1}');
}
