import { readFileSync, writeFileSync } from 'node:fs';
import SwaggerParser from '@apidevtools/swagger-parser';
import { DiscoveryModule } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import openapiTS, { astToString } from 'openapi-typescript';
import request from 'supertest';
import { type DiscoveredRoute, discoverRoutes, openApiPath } from './utils/routes.js';
import { createTestApp } from './utils/test-app.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

interface Operation {
  requestBody?: { content: Record<string, { schema: { $ref?: string } }> };
  responses: Record<
    string,
    {
      headers?: Record<string, unknown>;
      content?: Record<string, { schema: { $ref?: string; type?: string } }>;
    }
  >;
}

interface Document {
  openapi: string;
  info: { title: string; version: string; license?: { name: string } };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { properties: Record<string, Record<string, unknown>> }> };
}

/** The dashboard's API types, generated from this document (`npm run api:types` rewrites them). */
const API_TYPES = new URL('../dashboard/src/api/schema.d.ts', import.meta.url);

const PACKAGE_VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

describe('OpenAPI document and Swagger UI', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let document: Document;
  let routes: DiscoveredRoute[];

  const get = (path: string) => request(app.getHttpServer()).get(path);

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp({ databaseUrl: db.url, extra: { imports: [DiscoveryModule] } });
    routes = discoverRoutes(app);
    const res = await get('/api/docs-json').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    document = res.body;
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('should serve a document that the OpenAPI validator accepts', async () => {
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeTruthy();
    expect(document.openapi).toMatch(/^3\./);
    expect(document.info).toMatchObject({
      title: 'Trackveil',
      version: PACKAGE_VERSION,
      license: { name: 'MIT' },
    });
  });

  it('should list every route of the Nest router, found through discovery', () => {
    expect(routes.length).toBeGreaterThanOrEqual(8);
    const missing = routes
      .filter((route) => !document.paths[openApiPath(route.path)]?.[route.method.toLowerCase()])
      .map((route) => route.name);
    expect(missing).toEqual([]);
  });

  it('should describe POST /track: its body, every answer, the error body and the ignored header', () => {
    const track = document.paths['/track']?.post;
    expect(track).toBeDefined();
    expect(Object.keys(track.requestBody!.content).sort()).toEqual([
      'application/json',
      'text/plain',
    ]);
    expect(track.requestBody!.content['application/json'].schema.$ref).toBe(
      '#/components/schemas/TrackEventDto',
    );
    expect(Object.keys(track.responses).sort()).toEqual(
      ['202', '204', '400', '403', '404', '408', '413', '415', '429', '503'].sort(),
    );
    for (const status of ['400', '403', '404', '413', '415', '429', '503']) {
      expect(track.responses[status].content!['application/json'].schema.$ref).toBe(
        '#/components/schemas/ErrorBodyDto',
      );
    }
    expect(track.responses['204'].headers).toHaveProperty('X-Trackveil-Ignored');
    expect(track.responses['429'].headers).toHaveProperty('Retry-After');

    const event = document.components.schemas.TrackEventDto;
    expect(event).toMatchObject({ required: ['site_id', 'url', 'fingerprint'] });
    expect(event.properties.site_id).toMatchObject({ type: 'string', format: 'uuid' });
    expect(event.properties.url).toMatchObject({ type: 'string', maxLength: 2048 });
    expect(event.properties.fingerprint).toMatchObject({ minLength: 1, maxLength: 256 });
    expect(event.properties.screen_width).toMatchObject({
      type: 'integer',
      minimum: 0,
      maximum: 100_000,
    });
    expect(event.properties.type).toMatchObject({ enum: ['pageview', 'event'] });
    expect(event.properties.props).toMatchObject({ type: 'object', maxProperties: 30 });
    for (const [name, property] of Object.entries(event.properties)) {
      expect(property.description, `${name} has no description`).toEqual(expect.any(String));
    }
    expect(Object.keys(document.components.schemas.ErrorBodyDto.properties).sort()).toEqual([
      'error',
      'message',
      'requestId',
      'statusCode',
    ]);
  });

  it('should describe the health probes (200 and 503) and /metrics (text, 401 with a token)', () => {
    for (const path of ['/health', '/health/live', '/health/ready']) {
      expect(Object.keys(document.paths[path].get.responses).sort()).toEqual(['200', '503']);
    }
    const metrics = document.paths['/metrics'].get;
    expect(metrics.responses['200'].content).toHaveProperty('text/plain');
    expect(metrics.responses['401'].content!['application/json'].schema.$ref).toBe(
      '#/components/schemas/ErrorBodyDto',
    );
  });

  it('should serve the Swagger UI page at /api/docs with every script and stylesheet it loads', async () => {
    const page = await get('/api/docs').expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)]
      .map((match) => match[1])
      .filter((asset) => /\.(js|css)$/.test(asset));
    expect(assets).toEqual(
      expect.arrayContaining([
        './docs/swagger-ui.css',
        './docs/swagger-ui-bundle.js',
        './docs/swagger-ui-init.js',
      ]),
    );
    for (const asset of assets) {
      const url = new URL(asset, 'http://127.0.0.1/api/docs').pathname;
      const res = await get(url);
      expect(res.status, `${url} answered ${res.status}`).toBe(200);
      expect(res.headers['content-type'], url).toMatch(
        asset.endsWith('.css') ? /^text\/css/ : /^(text|application)\/javascript/,
      );
    }
  });

  it('should declare every parameter of every path template', () => {
    for (const [path, item] of Object.entries(document.paths)) {
      const names = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      for (const [method, operation] of Object.entries(item)) {
        const parameters =
          (operation as { parameters?: { name: string; in: string; required?: boolean }[] })
            .parameters ?? [];
        const declared = parameters.filter((parameter) => parameter.in === 'path');
        expect(declared.map((parameter) => parameter.name).sort(), `${method} ${path}`).toEqual(
          [...names].sort(),
        );
        expect(declared.every((parameter) => parameter.required)).toBe(true);
      }
    }
  });

  it("should match the dashboard's API types, generated from it", async () => {
    const generated = astToString(await openapiTS(structuredClone(document) as never));
    if (process.env.UPDATE_API_TYPES === '1') writeFileSync(API_TYPES, generated);
    expect(
      readFileSync(API_TYPES, 'utf8') === generated,
      'dashboard/src/api/schema.d.ts is out of date: run `npm run api:types`',
    ).toBe(true);
  });
});
