import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { STATS_DEFINITIONS } from '../stats/definitions.js';
import { projectRoot } from './project-files.js';

export const OPENAPI_UI_PATH = 'api/docs';
export const OPENAPI_JSON_PATH = 'api/docs-json';

/** The names of the security schemes in the document. */
export const SESSION_AUTH = 'session';
export const API_KEY_AUTH = 'apiKey';

/** The version in the project's package.json. */
function packageVersion(): string {
  return (
    JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }
  ).version;
}

/** The OpenAPI document of every route, built from the controllers' decorators. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Trackveil')
    .setDescription(
      'Self-hosted, privacy-friendly website visitor analytics. Errors answer `{ statusCode, error, message, requestId }`.',
    )
    .setVersion(packageVersion())
    .setLicense('MIT', 'https://opensource.org/license/mit')
    .addTag(
      'stats',
      `The stats of a site, as the dashboard shows them; any API key of the account can read them.\n\n${STATS_DEFINITIONS}`,
    )
    .addCookieAuth(
      'trackveil_session',
      {
        type: 'apiKey',
        in: 'cookie',
        description:
          'The sign-in cookie set by `POST /api/auth/sign-in` (named `__Host-trackveil_session` when PUBLIC_URL is https). Writes with it must come from a page of this server (Origin / Sec-Fetch-Site) and send JSON.',
      },
      SESSION_AUTH,
    )
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        description:
          'An API key of one account (`Authorization: Bearer tvk_…`), shown once when it is created. Scope `stats:read` reads stats; `full` also manages the sites (as an admin).',
      },
      API_KEY_AUTH,
    )
    .build();
  return withPathParameters(SwaggerModule.createDocument(app, config));
}

/** What the ids in paths are, for the routes whose guard reads them rather than a `@Param`. */
const PATH_PARAMETERS: Record<string, string> = {
  siteId: 'The id of a site of an account you are a member of (else 404).',
  accountId: 'The id of an account you are a member of (else 404).',
};

/**
 * Declares every `{name}` of a path that an operation does not declare itself: the access guard
 * reads `siteId` and `accountId` from the route, so most handlers never name them, and without
 * this the document (and the types generated from it) would say those paths take no parameters.
 */
export function withPathParameters(document: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries(document.paths)) {
    const names = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
    for (const method of ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const) {
      const operation = item[method];
      if (!operation) continue;
      const parameters = (operation.parameters ??= []);
      const declared = new Set(
        parameters.map((parameter) =>
          'in' in parameter && parameter.in === 'path' ? parameter.name : '',
        ),
      );
      for (const name of names.filter((name) => !declared.has(name))) {
        parameters.unshift({
          name,
          in: 'path',
          required: true,
          description: PATH_PARAMETERS[name],
          schema: { type: 'string', format: name in PATH_PARAMETERS ? 'uuid' : undefined },
        });
      }
    }
  }
  return document;
}

/**
 * Serves the Swagger UI at `/api/docs` and the document at `/api/docs-json`. They are Express
 * routes beside Nest's router, so `AccessGuard` does not see them: they are public. The document
 * describes routes, never data, and hiding it would not protect a route. It is built on the first
 * request, not at start.
 */
export function serveOpenApi(app: INestApplication): void {
  SwaggerModule.setup(OPENAPI_UI_PATH, app, () => buildOpenApiDocument(app), {
    raw: ['json'],
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    customSiteTitle: 'Trackveil API',
  });
}
